//! A `StreamStatus` as a small ordered tree: which fields are written, in which order, and which are
//! omitted — decided once here (from the API types' `omitempty` tags) for the YAML and JSON renderers.

use crate::model::status::{NamedTagEventList, StreamStatus, TagEvent, TagEventCondition};

/// What a string holds; the YAML renderer quotes each kind the way the file already does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StrKind {
    /// RFC 3339 timestamps.
    Time,
    /// `image` and `dockerImageReference`.
    Digest,
    Text,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Shape {
    Null,
    Bool(bool),
    Int(i64),
    Str(String, StrKind),
    Map(Vec<(&'static str, Shape)>),
    Seq(Vec<Shape>),
}

pub(crate) fn text(s: &str) -> Shape {
    Shape::Str(s.to_string(), StrKind::Text)
}

/// `status` as OpenShift serialises it: `dockerImageRepository` always, `publicDockerImageRepository`
/// and `tags` when not empty.
pub(crate) fn status(status: &StreamStatus) -> Shape {
    let mut fields = vec![(
        "dockerImageRepository",
        text(&status.docker_image_repository),
    )];
    if !status.public_docker_image_repository.is_empty() {
        fields.push((
            "publicDockerImageRepository",
            text(&status.public_docker_image_repository),
        ));
    }
    if !status.tags.is_empty() {
        fields.push(("tags", Shape::Seq(status.tags.iter().map(tag).collect())));
    }
    Shape::Map(fields)
}

/// `items` is written `[]` for a tag without events, never `null`: openshift/api's published schema
/// (openapi/openapi.json, `com.github.openshift.api.image.v1.NamedTagEventList`) lists `items` as
/// required and of type array, so schema validators refuse the `items: null` that the server's own
/// encoder prints for a nil slice (image/v1/types.go, `Items []TagEvent` without `omitempty`). The
/// server decodes both to the same empty list.
fn tag(list: &NamedTagEventList) -> Shape {
    let items = Shape::Seq(list.items.iter().map(event).collect());
    let mut fields = vec![("tag", text(&list.tag)), ("items", items)];
    if !list.conditions.is_empty() {
        fields.push((
            "conditions",
            Shape::Seq(list.conditions.iter().map(condition).collect()),
        ));
    }
    Shape::Map(fields)
}

/// `created` is a metav1.Time: the zero time serialises as `null`.
fn event(event: &TagEvent) -> Shape {
    let created = if event.created.is_empty() {
        Shape::Null
    } else {
        Shape::Str(event.created.clone(), StrKind::Time)
    };
    Shape::Map(vec![
        ("created", created),
        (
            "dockerImageReference",
            Shape::Str(event.docker_image_reference.clone(), StrKind::Digest),
        ),
        ("image", Shape::Str(event.image.clone(), StrKind::Digest)),
        ("generation", Shape::Int(event.generation)),
    ])
}

fn condition(c: &TagEventCondition) -> Shape {
    let mut fields = vec![("type", text(&c.kind)), ("status", text(&c.status))];
    if !c.last_transition_time.is_empty() {
        fields.push((
            "lastTransitionTime",
            Shape::Str(c.last_transition_time.clone(), StrKind::Time),
        ));
    }
    if !c.reason.is_empty() {
        fields.push(("reason", text(&c.reason)));
    }
    if !c.message.is_empty() {
        fields.push(("message", text(&c.message)));
    }
    fields.push(("generation", Shape::Int(c.generation)));
    Shape::Map(fields)
}
