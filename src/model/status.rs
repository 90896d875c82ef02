//! The `status` of an ImageStream as OpenShift writes it (api image/v1 types.go), owned and ordered.
//!
//! `reconcile` computes a new [`StreamStatus`]; `write` renders it into a file in the file's own style.
//! Field order follows the order in which the API server serialises the Go structs, so that a block we
//! write reads like one exported from a cluster.

/// `status` of an ImageStream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamStatus {
    /// `status.dockerImageRepository` (always serialised, may be empty).
    pub docker_image_repository: String,
    /// `status.publicDockerImageRepository` (omitted when empty).
    pub public_docker_image_repository: String,
    /// `status.tags`, in the order they are to be written (the server sorts them by name).
    pub tags: Vec<NamedTagEventList>,
}

/// One entry of `status.tags`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamedTagEventList {
    /// `tag`.
    pub tag: String,
    /// `items`, newest first; `items[0]` is what the tag points at now.
    pub items: Vec<TagEvent>,
    /// `conditions` (omitted when empty); only `ImportSuccess` exists.
    pub conditions: Vec<TagEventCondition>,
}

/// One entry of `status.tags[].items`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagEvent {
    /// `created`, RFC 3339 in UTC with second precision (`2026-11-22T10:00:00Z`).
    pub created: String,
    /// `dockerImageReference`: the pull spec, `<repo as written>@sha256:…`.
    pub docker_image_reference: String,
    /// `image`: the image name, i.e. the manifest digest (empty for `reference: true` tags).
    pub image: String,
    /// `generation`: the spec tag generation that produced this event.
    pub generation: i64,
}

/// One entry of `status.tags[].conditions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagEventCondition {
    /// `type`: always `ImportSuccess`.
    pub kind: String,
    /// `status`: `"False"` for a failed import (the only kind ever written).
    pub status: String,
    /// `lastTransitionTime` (omitted when empty).
    pub last_transition_time: String,
    /// `reason` (omitted when empty): `NotFound`, `Unauthorized`, `InternalError`, …
    pub reason: String,
    /// `message` (omitted when empty).
    pub message: String,
    /// `generation`.
    pub generation: i64,
}

/// The condition type OpenShift uses for import results.
pub const IMPORT_SUCCESS: &str = "ImportSuccess";
