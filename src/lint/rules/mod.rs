//! Every rule, one file each, named after its id. `ALL` is the order in which they run and are listed; `TAG_DOCUMENT`
//! and `MAPPING` are the rules that check ImageStreamTag and ImageStreamMapping documents.

use super::Rule;

pub mod broken_alias;
pub mod deprecated_docker_image_repository;
pub mod duplicate_key;
pub mod duplicate_stream;
pub mod duplicate_tag;
pub mod file_error;
pub mod floating_tag_not_scheduled;
pub mod insecure_import;
pub mod invalid_cluster_config;
pub mod invalid_docker_image_repository;
pub mod invalid_from_kind;
pub mod invalid_from_name_form;
pub mod invalid_image_reference;
pub mod invalid_import_mode;
pub mod invalid_istag_name;
pub mod invalid_mapping;
pub mod invalid_metadata;
pub mod invalid_name;
pub mod invalid_namespace;
pub mod invalid_object_type;
pub mod invalid_reference_policy;
pub mod invalid_status_reference;
pub mod invalid_suppression;
pub mod invalid_tag_name;
pub mod istag_annotations;
pub mod istag_conflict;
pub mod legacy_api_version;
pub mod missing_from_name;
pub mod reference_with_import_policy;
pub mod registry_not_allowed;
pub mod scheduled_digest;
pub mod scheduled_non_docker;
pub mod server_managed_generation;
pub mod stream_mapping;
pub mod template_source;
pub mod unknown_field;
pub mod unresolved_stream;
pub mod wrong_type;
pub mod yaml_syntax;

pub static ALL: &[&Rule] = &[
    &invalid_object_type::RULE,
    &invalid_name::RULE,
    &invalid_namespace::RULE,
    &invalid_metadata::RULE,
    &wrong_type::RULE,
    &unknown_field::RULE,
    &invalid_docker_image_repository::RULE,
    &missing_from_name::RULE,
    &invalid_from_kind::RULE,
    &invalid_image_reference::RULE,
    &invalid_from_name_form::RULE,
    &scheduled_non_docker::RULE,
    &invalid_reference_policy::RULE,
    &invalid_import_mode::RULE,
    &invalid_status_reference::RULE,
    &registry_not_allowed::RULE,
    &unresolved_stream::RULE,
    &broken_alias::RULE,
    &duplicate_tag::RULE,
    &duplicate_stream::RULE,
    &invalid_tag_name::RULE,
    &legacy_api_version::RULE,
    &deprecated_docker_image_repository::RULE,
    &insecure_import::RULE,
    &reference_with_import_policy::RULE,
    &scheduled_digest::RULE,
    &floating_tag_not_scheduled::RULE,
    &server_managed_generation::RULE,
    &invalid_suppression::RULE,
    &invalid_istag_name::RULE,
    &istag_annotations::RULE,
    &istag_conflict::RULE,
    &invalid_mapping::RULE,
    &stream_mapping::RULE,
];

/// The rules of an ImageStreamTag document, as openshift-apiserver
/// pkg/image/apis/image/validation/validation.go `ValidateImageStreamTagWithWhitelister` checks it:
/// its metadata (`ValidateObjectMeta`, the `STREAM:TAG` name), its `tag` as a TagReference
/// (`ValidateImageStreamTagReference`, the registry whitelist, the same advice as a spec tag), the
/// annotations rule of `ValidateImageStreamTag`, and how its tag sits with the stream's.
pub static TAG_DOCUMENT: &[&Rule] = &[
    &invalid_istag_name::RULE,
    &invalid_namespace::RULE,
    &invalid_metadata::RULE,
    &missing_from_name::RULE,
    &invalid_from_kind::RULE,
    &invalid_image_reference::RULE,
    &invalid_from_name_form::RULE,
    &scheduled_non_docker::RULE,
    &invalid_reference_policy::RULE,
    &invalid_import_mode::RULE,
    &istag_annotations::RULE,
    &registry_not_allowed::RULE,
    &unresolved_stream::RULE,
    &broken_alias::RULE,
    &istag_conflict::RULE,
    &invalid_tag_name::RULE,
    &legacy_api_version::RULE,
    &insecure_import::RULE,
    &reference_with_import_policy::RULE,
    &scheduled_digest::RULE,
    &floating_tag_not_scheduled::RULE,
    &server_managed_generation::RULE,
    &invalid_suppression::RULE,
];

/// The rules of an ImageStreamMapping document (openshift-apiserver
/// pkg/image/apis/image/validation/validation.go `ValidateImageStreamMapping`, and why it does not
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

/// Rules that belong to the file rather than an object ([`Check::File`](super::Check::File)).
pub static FILE: &[&Rule] = &[
    &file_error::RULE,
    &yaml_syntax::RULE,
    &template_source::RULE,
    &duplicate_key::RULE,
    &invalid_cluster_config::RULE,
];

/// The rule with this id, file-level rules included.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().chain(FILE).copied().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Check;

    #[test]
    fn object_lists_hold_object_rules_and_the_file_list_file_rules() {
        for rule in ALL.iter().chain(TAG_DOCUMENT).chain(MAPPING) {
            assert!(matches!(rule.check, Check::Object(_)), "{}", rule.id);
        }
        for rule in FILE {
            assert!(matches!(rule.check, Check::File(_)), "{}", rule.id);
        }
    }
}
