//! ImageStreamTag documents: a spec tag of a stream kept as an object of its own
//! (`metadata.name: STREAM:TAG`, the TagReference under `tag`). The API server stores it as the
//! stream's spec tag (openshift-apiserver pkg/image/apiserver/registry/imagestreamtag rest.go
//! Create); streamlock reads it the same way, as one more spec tag of its stream.

use crate::load::Node;

use super::imagestream::{StreamView, read_tag, string, string_map};
use super::path::FieldPath;
use super::spec::{SpecTag, StreamMeta, StreamSpec};

/// An ImageStreamTag document read as the spec tag it defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagDocument {
    pub namespace: String,
    /// The stream part of `metadata.name`.
    pub stream: String,
    /// The TagReference under `tag`, named by the tag part of `metadata.name` (the strategy's
    /// PrepareForCreate), with the annotations written on it.
    pub tag: SpecTag,
}

impl TagDocument {
    /// `None` when the document defines no tag: its name is not `STREAM:TAG` or it has no `tag`
    /// (lint says why).
    pub fn read(object: &Node) -> Option<TagDocument> {
        let meta = object.get("metadata");
        let name = string(meta, "name");
        let (stream, tag_name, true) = split_name(&name) else {
            return None;
        };
        let mut tag = read_tag(object.get("tag").filter(|t| t.as_map().is_some())?);
        tag.name = tag_name.to_owned();
        Some(TagDocument {
            namespace: string(meta, "namespace"),
            stream: stream.to_owned(),
            tag,
        })
    }

    /// `NAMESPACE/STREAM:TAG` (no namespace when unset), as messages name it.
    pub fn display(&self) -> String {
        let name = format!("{}:{}", self.stream, self.tag.name);
        if self.namespace.is_empty() {
            name
        } else {
            format!("{}/{name}", self.namespace)
        }
    }
}

/// Adds the tags of `documents` that belong to the stream of `spec` (same name and namespace, an
/// unset namespace matching only an unset one) to its spec tags, as the server's Create stores
/// them. A tag the stream defines itself stays the stream's (lint's `istag-conflict` reports it).
/// Returns the documents whose tags were added.
pub fn merge<'d>(spec: &mut StreamSpec, documents: &'d [TagDocument]) -> Vec<&'d TagDocument> {
    let mut added = Vec::new();
    for document in documents {
        if document.stream != spec.meta.name || document.namespace != spec.meta.namespace {
            continue;
        }
        if spec.tags.iter().any(|t| t.name == document.tag.name) {
            continue;
        }
        spec.tags.push(document.tag.clone());
        added.push(document);
    }
    added
}

/// library-go imageutil SplitImageStreamTag, as the REST Create and the strategy's PrepareForCreate
/// use it: `STREAM:TAG` split at the first `:`, an empty or missing tag is `latest`, and `false`
/// when there is no `:` (Create then fails: `"NAME" must be of the form <stream_name>:<tag>`).
pub fn split_name(name: &str) -> (&str, &str, bool) {
    let (stream, tag, ok) = match name.split_once(':') {
        Some((stream, tag)) => (stream, tag, true),
        None => (name, "", false),
    };
    (stream, if tag.is_empty() { "latest" } else { tag }, ok)
}

/// The document as lint sees it: a stream named by the stream part of `metadata.name`, with one
/// spec tag at `tag` (so every TagReference rule reports `tag.from.name` and the like).
pub fn lint_view(object: &Node) -> StreamView<'_> {
    let mut view = metadata_view(object);
    let name = view.spec.meta.name.clone();
    let (stream, tag_name, _) = split_name(&name);
    let mut tag = object
        .get("tag")
        .filter(|t| t.as_map().is_some())
        .map(read_tag);
    if let Some(tag) = &mut tag {
        tag.name = tag_name.to_owned();
    }
    view.spec.meta.name = stream.to_owned();
    view.tag_paths = tag.iter().map(|_| FieldPath::root().key("tag")).collect();
    view.spec.tags = tag.into_iter().collect();
    view
}

/// An object read for its metadata only (an ImageStreamMapping), with no tags and no status.
pub fn metadata_view(object: &Node) -> StreamView<'_> {
    let meta = object.get("metadata");
    StreamView {
        object,
        spec: StreamSpec {
            meta: StreamMeta {
                name: string(meta, "name"),
                namespace: string(meta, "namespace"),
                generation: 0,
                annotations: string_map(meta.and_then(|m| m.get("annotations"))),
            },
            ..StreamSpec::default()
        },
        tag_paths: Vec::new(),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Limits, find_kind, load_bytes};
    use std::path::Path;

    #[test]
    fn a_document_reads_as_the_spec_tag_it_defines() {
        let text = "kind: ImageStreamTag\nmetadata:\n  name: app:v1\n  namespace: team\ntag:\n  from: {kind: DockerImage, name: 'quay.io/a/b:1'}\n  importPolicy: {scheduled: true}\n";
        let file = load_bytes(Path::new("t.yaml"), text.into(), Limits::default()).unwrap();
        let found = find_kind(&file.parsed.documents, "ImageStreamTag");
        let document = TagDocument::read(found[0].node).expect("a tag");
        assert_eq!(document.display(), "team/app:v1");
        assert_eq!(document.tag.name, "v1");
        assert_eq!(document.tag.from.as_ref().unwrap().name, "quay.io/a/b:1");
        assert!(document.tag.import_policy.scheduled);
        let view = lint_view(found[0].node);
        assert_eq!(view.spec.meta.name, "app");
        assert_eq!(view.tag_paths[0].key("from").to_string(), "tag.from");
    }

    #[test]
    fn a_document_adds_its_tag_unless_the_stream_defines_it() {
        let tag = |name: &str, from: &str| SpecTag {
            name: name.into(),
            from: Some(crate::model::spec::FromRef {
                kind: "DockerImage".into(),
                name: from.into(),
                namespace: String::new(),
            }),
            ..SpecTag::default()
        };
        let document = |namespace: &str, stream: &str, tag: SpecTag| TagDocument {
            namespace: namespace.into(),
            stream: stream.into(),
            tag,
        };
        let mut spec = StreamSpec::default();
        spec.meta.name = "app".into();
        spec.meta.namespace = "team".into();
        spec.tags.push(tag("1", "a:1"));
        let documents = [
            document("team", "app", tag("2", "a:2")),
            document("team", "app", tag("1", "b:1")),
            document("", "app", tag("3", "a:3")),
            document("team", "other", tag("4", "a:4")),
        ];
        let added = merge(&mut spec, &documents);
        assert_eq!(added, [&documents[0]]);
        let names: Vec<(&str, &str)> = spec
            .tags
            .iter()
            .map(|t| (t.name.as_str(), t.from.as_ref().unwrap().name.as_str()))
            .collect();
        assert_eq!(names, [("1", "a:1"), ("2", "a:2")]);
    }

    #[test]
    fn names_split_as_the_server_splits_them() {
        assert_eq!(split_name("app:v1"), ("app", "v1", true));
        assert_eq!(split_name("app:"), ("app", "latest", true));
        assert_eq!(split_name("app:v1:x"), ("app", "v1:x", true));
        assert_eq!(split_name("app"), ("app", "latest", false));
    }
}
