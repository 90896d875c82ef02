//! An ImageStream's metadata and spec as plain owned data: what `plan` and `reconcile` work on.
//! `model::imagestream` builds it from the spanned tree once lint has checked the types.

/// `metadata` fields that matter to import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamMeta {
    pub name: String,
    pub namespace: String,
    /// `metadata.generation`; 0 when unset (a manifest in Git rarely carries it).
    pub generation: i64,
    /// `metadata.annotations` in file order.
    pub annotations: Vec<(String, String)>,
}

/// `spec.tags[]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecTag {
    pub name: String,
    pub annotations: Vec<(String, String)>,
    pub from: Option<FromRef>,
    pub reference: bool,
    /// `generation`: `None` when absent or `null`.
    pub generation: Option<i64>,
    pub import_policy: ImportPolicy,
    /// `referencePolicy.type` as written (`""` defaults to `Source`).
    pub reference_policy: String,
}

/// `spec.tags[].from`, a corev1 ObjectReference.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FromRef {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

/// `spec.tags[].importPolicy`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPolicy {
    pub insecure: bool,
    pub scheduled: bool,
    /// `importMode` as written: `""`, `Legacy` or `PreserveOriginal`.
    pub import_mode: String,
}

/// An ImageStream's spec side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamSpec {
    pub meta: StreamMeta,
    /// `spec.dockerImageRepository` (deprecated).
    pub docker_image_repository: String,
    /// `spec.lookupPolicy.local`.
    pub lookup_local: bool,
    /// `spec.tags` in file order (duplicates kept; the last one wins, as on the server).
    pub tags: Vec<SpecTag>,
}

impl StreamSpec {
    /// The spec tag named `name`; the last one wins, as when the server converts the list to a map.
    pub fn tag(&self, name: &str) -> Option<&SpecTag> {
        self.tags.iter().rev().find(|t| t.name == name)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.meta
            .annotations
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Stream annotation with the time of the last import that changed the stream.
pub const DOCKER_REPOSITORY_CHECK: &str = "openshift.io/image.dockerRepositoryCheck";
/// Stream annotation that makes every tag insecure.
pub const INSECURE_REPOSITORY: &str = "openshift.io/image.insecureRepository";
/// Tag annotations that choose a platform from a manifest list in Legacy mode.
pub const PREFER_ARCH: &str = "importer.image.openshift.io/prefer-arch";
pub const PREFER_OS: &str = "importer.image.openshift.io/prefer-os";

/// `from.kind` values.
pub const DOCKER_IMAGE: &str = "DockerImage";
pub const IMAGE_STREAM_TAG: &str = "ImageStreamTag";
pub const IMAGE_STREAM_IMAGE: &str = "ImageStreamImage";

/// `importPolicy.importMode`; `""` is the cluster default, `Legacy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ImportMode {
    /// One platform of a manifest list is imported.
    #[default]
    Legacy,
    /// The manifest list itself is the image.
    PreserveOriginal,
}

impl ImportMode {
    /// The mode a tag asks for; a tag that sets none has the cluster's `default` (the API server
    /// fills it in from the Image config's `imageStreamImportMode`). Values the API server rejects
    /// (lint reports them) fall back to Legacy.
    pub fn of(tag: &SpecTag, default: ImportMode) -> Self {
        match tag.import_policy.import_mode.as_str() {
            "" => default,
            "PreserveOriginal" => ImportMode::PreserveOriginal,
            _ => ImportMode::Legacy,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Legacy => "Legacy",
            ImportMode::PreserveOriginal => "PreserveOriginal",
        }
    }
}
