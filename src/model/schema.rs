//! The shape of an `image.openshift.io/v1` ImageStream as the API server decodes it: which fields
//! exist and what JSON type each must have. One walk over an object yields its wrong types (the
//! server cannot decode them: errors) and unknown fields (strict field validation: warnings).

use crate::load::{Node, NodeKind, Value};

use super::path::FieldPath;

/// What a field must hold. `null` is accepted everywhere, as Go's decoder leaves the zero value.
#[derive(Debug)]
pub enum Shape {
    Str,
    Bool,
    Int,
    /// metav1.Time: an RFC 3339 string.
    Time,
    /// map[string]string (labels, annotations).
    StrMap,
    Obj(&'static [Field]),
    List(&'static Shape),
    /// A list of objects that the server turns into a map by this key (`spec.tags` by `name`,
    /// `status.tags` by `tag`); elements are named by it in paths: `spec.tags[latest]`.
    Keyed(&'static [Field], &'static str),
    /// Accepted without checking (managedFields, ownerReferences: not ours to judge).
    Any,
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
}

const fn f(name: &'static str, shape: Shape) -> Field {
    Field { name, shape }
}

const OBJECT_META: &[Field] = &[
    f("name", Shape::Str),
    f("generateName", Shape::Str),
    f("namespace", Shape::Str),
    f("selfLink", Shape::Str),
    f("uid", Shape::Str),
    f("resourceVersion", Shape::Str),
    f("generation", Shape::Int),
    f("creationTimestamp", Shape::Time),
    f("deletionTimestamp", Shape::Time),
    f("deletionGracePeriodSeconds", Shape::Int),
    f("labels", Shape::StrMap),
    f("annotations", Shape::StrMap),
    f("ownerReferences", Shape::Any),
    f("finalizers", Shape::List(&Shape::Str)),
    f("managedFields", Shape::Any),
];

const OBJECT_REFERENCE: &[Field] = &[
    f("kind", Shape::Str),
    f("namespace", Shape::Str),
    f("name", Shape::Str),
    f("uid", Shape::Str),
    f("apiVersion", Shape::Str),
    f("resourceVersion", Shape::Str),
    f("fieldPath", Shape::Str),
];

const IMPORT_POLICY: &[Field] = &[
    f("insecure", Shape::Bool),
    f("scheduled", Shape::Bool),
    f("importMode", Shape::Str),
];

const TAG_REFERENCE: &[Field] = &[
    f("name", Shape::Str),
    f("annotations", Shape::StrMap),
    f("from", Shape::Obj(OBJECT_REFERENCE)),
    f("reference", Shape::Bool),
    f("generation", Shape::Int),
    f("importPolicy", Shape::Obj(IMPORT_POLICY)),
    f("referencePolicy", Shape::Obj(&[f("type", Shape::Str)])),
];

const SPEC: &[Field] = &[
    f("lookupPolicy", Shape::Obj(&[f("local", Shape::Bool)])),
    f("dockerImageRepository", Shape::Str),
    f("tags", Shape::Keyed(TAG_REFERENCE, "name")),
];

const TAG_EVENT: &[Field] = &[
    f("created", Shape::Time),
    f("dockerImageReference", Shape::Str),
    f("image", Shape::Str),
    f("generation", Shape::Int),
];

const TAG_EVENT_CONDITION: &[Field] = &[
    f("type", Shape::Str),
    f("status", Shape::Str),
    f("lastTransitionTime", Shape::Time),
    f("reason", Shape::Str),
    f("message", Shape::Str),
    f("generation", Shape::Int),
];

const NAMED_TAG_EVENT_LIST: &[Field] = &[
    f("tag", Shape::Str),
    f("items", Shape::List(&Shape::Obj(TAG_EVENT))),
    f("conditions", Shape::List(&Shape::Obj(TAG_EVENT_CONDITION))),
];

const STATUS: &[Field] = &[
    f("dockerImageRepository", Shape::Str),
    f("publicDockerImageRepository", Shape::Str),
    f("tags", Shape::Keyed(NAMED_TAG_EVENT_LIST, "tag")),
];

/// The whole ImageStream object.
pub const IMAGE_STREAM: &[Field] = &[
    f("apiVersion", Shape::Str),
    f("kind", Shape::Str),
    f("metadata", Shape::Obj(OBJECT_META)),
    f("spec", Shape::Obj(SPEC)),
    f("status", Shape::Obj(STATUS)),
];

/// A field of the wrong JSON type, or one the schema does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    WrongType {
        path: FieldPath,
        expected: &'static str,
        found: &'static str,
    },
    Unknown {
        path: FieldPath,
        /// A known field of the same mapping that differs only in case (`apiversion` → `apiVersion`).
        suggestion: Option<&'static str>,
    },
}

/// Walks `object` against the ImageStream schema. `opaque` values (template placeholders) are not
/// type-checked.
pub fn check(object: &Node, opaque: &dyn Fn(&Node) -> bool) -> Vec<Problem> {
    let mut out = Vec::new();
    walk_fields(object, IMAGE_STREAM, &FieldPath::root(), opaque, &mut out);
    out
}

fn walk_fields(
    node: &Node,
    fields: &'static [Field],
    path: &FieldPath,
    opaque: &dyn Fn(&Node) -> bool,
    out: &mut Vec<Problem>,
) {
    let Some(entries) = node.as_map() else {
        return;
    };
    for entry in entries {
        let Some(key) = entry.key.as_scalar().map(|k| k.text.as_str()) else {
            continue;
        };
        // Tag lists are shown by tag name, as the server names them.
        let child = path.key(key);
        match fields.iter().find(|f| f.name == key) {
            Some(field) => walk(&entry.value, &field.shape, &child, opaque, out),
            None => out.push(Problem::Unknown {
                path: child,
                suggestion: fields
                    .iter()
                    .find(|f| f.name.eq_ignore_ascii_case(key))
                    .map(|f| f.name),
            }),
        }
    }
}

fn walk(
    node: &Node,
    shape: &'static Shape,
    path: &FieldPath,
    opaque: &dyn Fn(&Node) -> bool,
    out: &mut Vec<Problem>,
) {
    if node.is_null() || opaque(node) {
        return;
    }
    let wrong = |expected| Problem::WrongType {
        path: path.clone(),
        expected,
        found: node.type_name(),
    };
    match shape {
        Shape::Any => {}
        Shape::Str => {
            if node.as_str().is_none() {
                out.push(wrong("string"));
            }
        }
        Shape::Bool => {
            if !matches!(node.value(), Some(Value::Bool(_))) {
                out.push(wrong("boolean"));
            }
        }
        Shape::Int => match node.value() {
            Some(Value::Int(_)) => {}
            Some(Value::Float(x)) if x.fract() == 0.0 && x.abs() < 9.2e18 => {}
            _ => out.push(wrong("integer")),
        },
        Shape::Time => match node.as_str() {
            Some(s) if is_rfc3339(s) => {}
            Some(_) => out.push(Problem::WrongType {
                path: path.clone(),
                expected: "RFC 3339 time",
                found: "string",
            }),
            None => out.push(wrong("string (RFC 3339 time)")),
        },
        Shape::StrMap => match &node.kind {
            NodeKind::Map(entries, _) => {
                for e in entries {
                    let key = e.key.as_scalar().map_or("", |k| k.text.as_str());
                    if !e.value.is_null() && !opaque(&e.value) && e.value.as_str().is_none() {
                        out.push(Problem::WrongType {
                            path: path.key(key),
                            expected: "string",
                            found: e.value.type_name(),
                        });
                    }
                }
            }
            _ => out.push(wrong("mapping of strings")),
        },
        Shape::Obj(fields) => match &node.kind {
            NodeKind::Map(..) => walk_fields(node, fields, path, opaque, out),
            _ => out.push(wrong("mapping")),
        },
        Shape::List(item) => match &node.kind {
            NodeKind::Seq(items, _) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, item, &path.index(i), opaque, out);
                }
            }
            _ => out.push(wrong("list")),
        },
        Shape::Keyed(fields, key) => match &node.kind {
            NodeKind::Seq(items, _) => {
                for (i, child) in items.iter().enumerate() {
                    let name = child.get(key).and_then(Node::as_str).unwrap_or("");
                    let child_path = path.named(i, name);
                    match &child.kind {
                        NodeKind::Map(..) => walk_fields(child, fields, &child_path, opaque, out),
                        _ if child.is_null() => {}
                        _ => out.push(Problem::WrongType {
                            path: child_path,
                            expected: "mapping",
                            found: child.type_name(),
                        }),
                    }
                }
            }
            _ => out.push(wrong("list")),
        },
    }
}

/// metav1.Time accepts RFC 3339 with an optional fraction and a `Z` or numeric offset.
pub fn is_rfc3339(s: &str) -> bool {
    s.parse::<jiff::Timestamp>().is_ok() && s.len() >= 20 && s.as_bytes()[10] == b'T'
}
