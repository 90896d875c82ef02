//! Reads an ImageStream object from the spanned tree into plain data, keeping the path of every
//! spec tag so findings can point back at it. Values of the wrong type read as their zero value
//! (lint reports them separately, from `schema`).

use crate::load::{Node, Value};

use super::path::FieldPath;
use super::spec::{FromRef, ImportPolicy, SpecTag, StreamMeta, StreamSpec};
use super::status::{NamedTagEventList, StreamStatus, TagEvent, TagEventCondition};

/// An ImageStream read from a file.
#[derive(Debug)]
pub struct StreamView<'a> {
    pub object: &'a Node,
    pub spec: StreamSpec,
    /// Where each of `spec.tags` sits (same order as `spec.tags`).
    pub tag_paths: Vec<FieldPath>,
    /// `None` when the object has no `status` or it is `null`/`{}`-like without tags.
    pub status: Option<StreamStatus>,
}

impl<'a> StreamView<'a> {
    pub fn read(object: &'a Node) -> StreamView<'a> {
        let meta = object.get("metadata");
        let spec_node = object.get("spec");
        let tags_node = spec_node
            .and_then(|s| s.get("tags"))
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        let base = FieldPath::root().key("spec").key("tags");
        let tags: Vec<SpecTag> = tags_node.iter().map(read_tag).collect();
        let tag_paths = tags
            .iter()
            .enumerate()
            .map(|(i, t)| base.named(i, &t.name))
            .collect();
        let spec = StreamSpec {
            meta: StreamMeta {
                name: string(meta, "name"),
                namespace: string(meta, "namespace"),
                generation: int(meta.and_then(|m| m.get("generation"))).unwrap_or(0),
                annotations: string_map(meta.and_then(|m| m.get("annotations"))),
            },
            docker_image_repository: string(spec_node, "dockerImageRepository"),
            lookup_local: boolean(spec_node.and_then(|s| s.get("lookupPolicy")), "local"),
            tags,
        };
        StreamView {
            object,
            spec,
            tag_paths,
            status: object
                .get("status")
                .filter(|s| s.as_map().is_some())
                .map(read_status),
        }
    }
}

/// Reads a TagReference (a spec tag, or an ImageStreamTag document's `tag`).
pub fn read_tag(node: &Node) -> SpecTag {
    let policy = node.get("importPolicy");
    SpecTag {
        name: string(Some(node), "name"),
        annotations: string_map(node.get("annotations")),
        from: node
            .get("from")
            .filter(|f| f.as_map().is_some())
            .map(|from| FromRef {
                kind: string(Some(from), "kind"),
                name: string(Some(from), "name"),
                namespace: string(Some(from), "namespace"),
            }),
        reference: boolean(Some(node), "reference"),
        generation: int(node.get("generation")),
        import_policy: ImportPolicy {
            insecure: boolean(policy, "insecure"),
            scheduled: boolean(policy, "scheduled"),
            import_mode: string(policy, "importMode"),
        },
        reference_policy: string(node.get("referencePolicy"), "type"),
    }
}

/// Reads `status` as OpenShift would decode it.
pub fn read_status(node: &Node) -> StreamStatus {
    let tags = node.get("tags").and_then(Node::as_seq).unwrap_or(&[]);
    StreamStatus {
        docker_image_repository: string(Some(node), "dockerImageRepository"),
        public_docker_image_repository: string(Some(node), "publicDockerImageRepository"),
        tags: tags
            .iter()
            .map(|t| NamedTagEventList {
                tag: string(Some(t), "tag"),
                items: list(t.get("items"))
                    .map(|i| TagEvent {
                        created: string(Some(i), "created"),
                        docker_image_reference: string(Some(i), "dockerImageReference"),
                        image: string(Some(i), "image"),
                        generation: int(i.get("generation")).unwrap_or(0),
                    })
                    .collect(),
                conditions: list(t.get("conditions"))
                    .map(|c| TagEventCondition {
                        kind: string(Some(c), "type"),
                        status: string(Some(c), "status"),
                        last_transition_time: string(Some(c), "lastTransitionTime"),
                        reason: string(Some(c), "reason"),
                        message: string(Some(c), "message"),
                        generation: int(c.get("generation")).unwrap_or(0),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn list(node: Option<&Node>) -> impl Iterator<Item = &Node> {
    node.and_then(Node::as_seq).unwrap_or(&[]).iter()
}

pub(crate) fn string(parent: Option<&Node>, key: &str) -> String {
    parent
        .and_then(|p| p.get(key))
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string()
}

fn boolean(parent: Option<&Node>, key: &str) -> bool {
    matches!(
        parent.and_then(|p| p.get(key)).and_then(Node::value),
        Some(Value::Bool(true))
    )
}

fn int(node: Option<&Node>) -> Option<i64> {
    match node?.value()? {
        Value::Int(i) => Some(i),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(f as i64),
        _ => None,
    }
}

/// A `map[string]string` in file order, as Go decodes it: non-string values are dropped (lint reports
/// them); with a duplicated key the last one wins when the pairs are collected into a map.
pub fn string_map(node: Option<&Node>) -> Vec<(String, String)> {
    node.and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| {
            Some((
                e.key.as_scalar()?.text.clone(),
                e.value.as_str()?.to_string(),
            ))
        })
        .collect()
}
