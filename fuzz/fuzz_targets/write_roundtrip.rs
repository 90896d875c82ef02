//! YAML/JSON text and a generated status → `FileEdit::set_status` → `finish()`. A refusal is fine;
//! text handed back must load again, hold the same ImageStreams, give back exactly the status asked for,
//! differ from the input only inside that object's `status` entry (or by one insertion where it had
//! none), and a second identical edit must change nothing.
//!
//! Input: the file's text, then a NUL byte, then the bytes the status and the object's index are drawn
//! from (none: an empty status for the first stream). Manifests never hold NUL, so seeds are plain files.

#![no_main]

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use streamlock::load::{Limits, LoadedFile, Node, find_objects, load_bytes};
use streamlock::model::status::{NamedTagEventList, StreamStatus, TagEvent, TagEventCondition};
use streamlock::write::{FileEdit, read_status};

/// The loader's budgets, with a node budget that makes an alias bomb cost milliseconds rather than
/// seconds: the same code refuses it, and the fuzzer keeps its pace.
fn limits() -> Limits {
    Limits {
        max_nodes: 50_000,
        ..Limits::default()
    }
}

/// `StreamStatus` as generated data (the model types do not depend on `arbitrary`).
#[derive(Arbitrary, Debug)]
struct Status {
    docker_image_repository: String,
    public_docker_image_repository: String,
    tags: Vec<Tag>,
}

#[derive(Arbitrary, Debug)]
struct Tag {
    tag: String,
    items: Vec<Event>,
    conditions: Vec<Condition>,
}

#[derive(Arbitrary, Debug)]
struct Event {
    created: String,
    docker_image_reference: String,
    image: String,
    generation: i64,
}

#[derive(Arbitrary, Debug)]
struct Condition {
    kind: String,
    status: String,
    last_transition_time: String,
    reason: String,
    message: String,
    generation: i64,
}

impl From<Status> for StreamStatus {
    fn from(s: Status) -> StreamStatus {
        StreamStatus {
            docker_image_repository: s.docker_image_repository,
            public_docker_image_repository: s.public_docker_image_repository,
            tags: s
                .tags
                .into_iter()
                .map(|t| NamedTagEventList {
                    tag: t.tag,
                    items: t
                        .items
                        .into_iter()
                        .map(|e| TagEvent {
                            created: e.created,
                            docker_image_reference: e.docker_image_reference,
                            image: e.image,
                            generation: e.generation,
                        })
                        .collect(),
                    conditions: t
                        .conditions
                        .into_iter()
                        .map(|c| TagEventCondition {
                            kind: c.kind,
                            status: c.status,
                            last_transition_time: c.last_transition_time,
                            reason: c.reason,
                            message: c.message,
                            generation: c.generation,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

fn load(text: &str) -> Option<LoadedFile> {
    load_bytes(Path::new("fuzz.yaml"), text.as_bytes().to_vec(), limits()).ok()
}

/// Edits object `index` of `text`; `None` when the editor refuses.
fn edit(file: &LoadedFile, index: usize, status: &StreamStatus) -> Option<String> {
    let objects = find_objects(&file.parsed.documents);
    let mut edit = FileEdit::new(file).ok()?;
    edit.set_status(&objects[index], status).ok()?;
    edit.finish().ok()
}

/// Where the object's old `status` entry lies: from its key to the end of the line its value ends on.
fn status_window(text: &str, object: &Node) -> Option<(usize, usize)> {
    let entry = object.entry("status")?;
    let end = entry.key.span.end.max(entry.value.span.end);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    Some((entry.key.span.start, line_end))
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fuzz_target!(|data: &[u8]| {
    let (text, seed) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Some(file) = load(text) else {
        return;
    };
    let count = find_objects(&file.parsed.documents).len();
    if count == 0 {
        return;
    }
    let mut u = Unstructured::new(seed);
    let index = usize::from(u.arbitrary::<u8>().unwrap_or(0)) % count;
    let status: StreamStatus = Status::arbitrary_take_rest(u)
        .map(StreamStatus::from)
        .unwrap_or_default();
    let Some(new) = edit(&file, index, &status) else {
        return;
    };

    let reloaded = load(&new).expect("edited text loads");
    assert!(
        reloaded.parsed.error.is_none(),
        "edited text does not parse: {:?}\n{new}",
        reloaded.parsed.error
    );
    let objects = find_objects(&reloaded.parsed.documents);
    assert_eq!(objects.len(), count, "the ImageStreams changed\n{new}");
    assert_eq!(
        objects[index].node.get("status").and_then(read_status),
        Some(status.clone()),
        "status does not read back\n{new}"
    );

    let old_object = find_objects(&file.parsed.documents)[index].node;
    match status_window(text, old_object) {
        Some((start, end)) => assert!(
            new.starts_with(&text[..start])
                && new.ends_with(&text[end..])
                && new.len() >= start + (text.len() - end),
            "bytes outside status [{start}, {end}) changed\n--- old\n{text}\n--- new\n{new}"
        ),
        None => assert!(
            common_prefix(text, &new) + common_suffix(text, &new) >= text.len(),
            "not a pure insertion of status\n--- old\n{text}\n--- new\n{new}"
        ),
    }

    assert_eq!(
        edit(&reloaded, index, &status).as_deref(),
        Some(new.as_str()),
        "a second identical edit changed the file"
    );
});
