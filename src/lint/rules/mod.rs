//! Every rule, one file each. `ALL` is the order in which they run and are listed; `TAG_DOCUMENT`
//! and `MAPPING` are the rules that check ImageStreamTag and ImageStreamMapping documents.

use super::Rule;

pub mod broken_alias;
pub mod deprecated_repository;
pub mod docker_image_repository;
pub mod duplicate_stream;
pub mod duplicate_tag;
pub mod floating_tag;
pub mod from_kind;
pub mod from_name_form;
pub mod image_reference;
pub mod import_mode;
pub mod insecure;
pub mod invalid_istag_name;
pub mod invalid_mapping;
pub mod invalid_metadata;
pub mod invalid_name;
pub mod invalid_namespace;
pub mod invalid_suppression;
pub mod istag_annotations;
pub mod istag_conflict;
pub mod legacy_api_version;
pub mod missing_from_name;
pub mod object_type;
pub mod reference_policy;
pub mod reference_with_policy;
pub mod registry_not_allowed;
pub mod scheduled_digest;
pub mod scheduled_source;
pub mod server_generation;
pub mod status_reference;
pub mod stream_mapping;
pub mod tag_name;
pub mod unknown_field;
pub mod unresolved_stream;
pub mod wrong_type;

pub static ALL: &[&Rule] = &[
    &object_type::RULE,
    &invalid_name::RULE,
    &invalid_namespace::RULE,
    &invalid_metadata::RULE,
    &wrong_type::RULE,
    &unknown_field::RULE,
    &docker_image_repository::RULE,
    &missing_from_name::RULE,
    &from_kind::RULE,
    &image_reference::RULE,
    &from_name_form::RULE,
    &scheduled_source::RULE,
    &reference_policy::RULE,
    &import_mode::RULE,
    &status_reference::RULE,
    &registry_not_allowed::RULE,
    &unresolved_stream::RULE,
    &broken_alias::RULE,
    &duplicate_tag::RULE,
    &duplicate_stream::RULE,
    &tag_name::RULE,
    &legacy_api_version::RULE,
    &deprecated_repository::RULE,
    &insecure::RULE,
    &reference_with_policy::RULE,
    &scheduled_digest::RULE,
    &floating_tag::RULE,
    &server_generation::RULE,
    &invalid_suppression::RULE,
    &invalid_istag_name::RULE,
    &istag_annotations::RULE,
    &istag_conflict::RULE,
    &invalid_mapping::RULE,
    &stream_mapping::RULE,
];

/// The rules of an ImageStreamTag document: its metadata (ValidateObjectMeta, the `STREAM:TAG`
/// name), its `tag` as a TagReference (ValidateImageStreamTagReference, the registry whitelist, the
/// same advice as a spec tag), the annotations rule of ValidateImageStreamTag, and how its tag sits
/// with the stream's.
pub static TAG_DOCUMENT: &[&Rule] = &[
    &invalid_istag_name::RULE,
    &invalid_namespace::RULE,
    &invalid_metadata::RULE,
    &missing_from_name::RULE,
    &from_kind::RULE,
    &image_reference::RULE,
    &from_name_form::RULE,
    &scheduled_source::RULE,
    &reference_policy::RULE,
    &import_mode::RULE,
    &istag_annotations::RULE,
    &registry_not_allowed::RULE,
    &unresolved_stream::RULE,
    &broken_alias::RULE,
    &istag_conflict::RULE,
    &tag_name::RULE,
    &legacy_api_version::RULE,
    &insecure::RULE,
    &reference_with_policy::RULE,
    &scheduled_digest::RULE,
    &floating_tag::RULE,
    &server_generation::RULE,
    &invalid_suppression::RULE,
];

/// The rules of an ImageStreamMapping document (ValidateImageStreamMapping, and why it does not
/// belong in Git).
pub static MAPPING: &[&Rule] = &[
    &invalid_mapping::RULE,
    &invalid_namespace::RULE,
    &invalid_metadata::RULE,
    &stream_mapping::RULE,
    &invalid_suppression::RULE,
];

/// The rules of an ImageStream: every rule but those only documents have.
pub fn for_streams() -> impl Iterator<Item = &'static Rule> {
    ALL.iter().copied().filter(|rule| {
        !matches!(
            rule.id,
            "invalid-istag-name"
                | "istag-annotations"
                | "istag-conflict"
                | "invalid-mapping"
                | "stream-mapping"
        )
    })
}

/// Rules that belong to the file rather than an object.
pub static FILE: &[&Rule] = &[
    &super::file_rules::FILE_ERROR,
    &super::file_rules::YAML_SYNTAX,
    &super::file_rules::TEMPLATE_SOURCE,
    &super::file_rules::DUPLICATE_KEY,
    &super::file_rules::INVALID_CLUSTER_CONFIG,
];

/// The rule with this id, file-level rules included.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().chain(FILE).copied().find(|r| r.id == id)
}
