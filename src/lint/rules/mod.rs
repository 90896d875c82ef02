//! Every rule, one file each. `ALL` is the order in which they run and are listed.

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
pub mod invalid_metadata;
pub mod invalid_name;
pub mod invalid_namespace;
pub mod invalid_suppression;
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
];

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
