//! Builders shared by the `reconcile_*` tests: streams, tags and status written compactly.
#![allow(dead_code)] // each test crate uses a different subset

use streamlock::model::spec::{FromRef, SpecTag, StreamMeta, StreamSpec};
use streamlock::model::status::{NamedTagEventList, StreamStatus, TagEvent, TagEventCondition};
use streamlock::model::stream::Stream;

pub const T0: &str = "2026-01-01T00:00:00Z";
pub const NOW: &str = "2026-06-01T12:00:00Z";
pub const LATER: &str = "2026-06-02T12:00:00Z";

/// `sha256:` followed by 64 copies of `c`.
pub fn digest(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

pub fn stream(namespace: &str, name: &str, tags: Vec<SpecTag>) -> Stream {
    Stream {
        spec: StreamSpec {
            meta: StreamMeta {
                name: name.into(),
                namespace: namespace.into(),
                ..StreamMeta::default()
            },
            tags,
            ..StreamSpec::default()
        },
        status: None,
        base: None,
    }
}

pub fn with_status(mut s: Stream, tags: Vec<NamedTagEventList>) -> Stream {
    s.status = Some(StreamStatus {
        docker_image_repository: "image-registry.example:5000/ns/s".into(),
        tags,
        ..StreamStatus::default()
    });
    s
}

fn tag(name: &str, kind: &str, from: &str) -> SpecTag {
    SpecTag {
        name: name.into(),
        from: Some(FromRef {
            kind: kind.into(),
            name: from.into(),
            namespace: String::new(),
        }),
        ..SpecTag::default()
    }
}

pub fn docker(name: &str, from: &str) -> SpecTag {
    tag(name, "DockerImage", from)
}

pub fn reference(name: &str, from: &str) -> SpecTag {
    SpecTag {
        reference: true,
        ..tag(name, "DockerImage", from)
    }
}

pub fn istag(name: &str, from: &str) -> SpecTag {
    tag(name, "ImageStreamTag", from)
}

pub fn isimage(name: &str, from: &str) -> SpecTag {
    tag(name, "ImageStreamImage", from)
}

pub fn event(pull_spec: &str, image: &str, generation: i64) -> TagEvent {
    TagEvent {
        created: T0.into(),
        docker_image_reference: pull_spec.into(),
        image: image.into(),
        generation,
    }
}

pub fn list(tag: &str, items: Vec<TagEvent>) -> NamedTagEventList {
    NamedTagEventList {
        tag: tag.into(),
        items,
        conditions: Vec::new(),
    }
}

pub fn failed(reason: &str, message: &str, generation: i64, at: &str) -> TagEventCondition {
    TagEventCondition {
        kind: "ImportSuccess".into(),
        status: "False".into(),
        last_transition_time: at.into(),
        reason: reason.into(),
        message: message.into(),
        generation,
    }
}
