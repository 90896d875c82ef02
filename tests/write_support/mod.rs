//! Helpers shared by the write tests: load text without touching the disk, edit one object's status,
//! and check independently of the editor that only status lines changed and the status reads back.
#![allow(dead_code)]

use std::ops::Range;

#[path = "../skip/mod.rs"]
pub mod skip;

use streamlock::load::{Limits, LoadedFile, Node, Source, Wrapper, find_objects, load_file, parse};
use streamlock::model::status::{
    IMPORT_SUCCESS, NamedTagEventList, StreamStatus, TagEvent, TagEventCondition,
};
use streamlock::write::{EditError, FileEdit, read_status};

/// The parsed manifests under the corpus directory `STREAMLOCK_CORPUS` names, each with the indices
/// (in `find_objects` order) of its ImageStreams outside Templates; files without one are left out.
/// `None` when the corpus tests are skipped on purpose (a missing corpus fails the test otherwise).
pub fn corpus_files() -> Option<Vec<(LoadedFile, Vec<usize>)>> {
    let corpus = skip::corpus()?;
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(&corpus)
        .standard_filters(false)
        .build()
    {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let is_manifest = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        );
        if !is_manifest || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(file) = load_file(path, Limits::default()) else {
            continue;
        };
        if file.parsed.error.is_some() {
            continue;
        }
        let streams: Vec<usize> = find_objects(&file.parsed.documents)
            .iter()
            .enumerate()
            .filter(|(_, o)| !matches!(o.wrapper, Wrapper::Template(_)))
            .map(|(i, _)| i)
            .collect();
        if !streams.is_empty() {
            files.push((file, streams));
        }
    }
    Some(files)
}

/// Prints a corpus test's summary, the number of refusals and each of them.
pub fn print_refusals(summary: &str, refused: &[String]) {
    println!("{summary}, {} refused:", refused.len());
    for reason in refused {
        println!("  {reason}");
    }
}

pub fn load(name: &str, text: &str) -> LoadedFile {
    let source = Source::new(name, text.to_string());
    let parsed = parse::parse(&source, Limits::default());
    LoadedFile { source, parsed }
}

/// Sets the status of the objects at `indices` (in `find_objects` order).
pub fn set_statuses(
    name: &str,
    text: &str,
    edits: &[(usize, &StreamStatus)],
) -> Result<String, EditError> {
    let file = load(name, text);
    let objects = find_objects(&file.parsed.documents);
    let mut edit = FileEdit::new(&file)?;
    for (index, status) in edits {
        edit.set_status(&objects[*index], status)?;
    }
    edit.finish()
}

pub fn set_status(text: &str, index: usize, status: &StreamStatus) -> Result<String, EditError> {
    set_statuses("test.yaml", text, &[(index, status)])
}

/// Bytes of an object's `status` entry: its whole lines in block YAML (with the line break before it
/// when it ends a file that has no final one), or from the `,` before its key in JSON; through the
/// value's last visible byte, a comment after it and the line break ending that line.
fn status_region(text: &str, object: &Node) -> Option<Range<usize>> {
    let entry = object.entry("status")?;
    let key = entry.key.span.start;
    let value = &entry.value.span;
    let mut end = entry
        .key
        .span
        .end
        .max(value.start + text[value.start..value.end].trim_end().len());
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let rest = text[end..line_end]
        .trim()
        .trim_start_matches(':')
        .trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        end = (line_end + 1).min(text.len());
    }
    let back = text[..key].trim_end_matches([' ', '\t', '\r', '\n']);
    let line_start = text[..key].rfind('\n').map_or(0, |i| i + 1);
    let start = if back.ends_with(',') {
        // JSON: the member and its comma; the line break after it is the next member's.
        end = end.min(value.end.max(entry.key.span.end));
        back.len() - 1
    } else if end == text.len() && !text.ends_with('\n') && line_start > 0 {
        line_start
            - if text[..line_start].ends_with("\r\n") {
                2
            } else {
                1
            }
    } else if text[line_start..key].trim().is_empty() {
        line_start
    } else {
        key
    };
    Some(start..end)
}

fn without(text: &str, regions: &[Range<usize>]) -> String {
    let mut regions = regions.to_vec();
    regions.sort_by_key(|r| r.start);
    let mut out = String::new();
    let mut from = 0;
    for r in regions {
        out.push_str(&text[from..r.start]);
        from = r.end;
    }
    out.push_str(&text[from..]);
    out
}

/// Asserts, independently of the editor's own guard, that the texts are identical once the status
/// entries of the edited objects are cut out of both, and that each edited status reads back as written.
pub fn assert_only_status_changed(old: &str, new: &str, edits: &[(usize, &StreamStatus)]) {
    let before = load("old", old);
    let after = load("new", new);
    assert!(
        after.parsed.error.is_none(),
        "output does not parse: {:?}\n{new}",
        after.parsed.error
    );
    let old_objects = find_objects(&before.parsed.documents);
    let new_objects = find_objects(&after.parsed.documents);
    assert_eq!(old_objects.len(), new_objects.len());
    let old_regions: Vec<_> = edits
        .iter()
        .filter_map(|(i, _)| status_region(old, old_objects[*i].node))
        .collect();
    let new_regions: Vec<_> = edits
        .iter()
        .filter_map(|(i, _)| status_region(new, new_objects[*i].node))
        .collect();
    assert_eq!(
        without(old, &old_regions),
        without(new, &new_regions),
        "bytes outside status changed:\n{new}"
    );
    for (index, status) in edits {
        let got = new_objects[*index].node.get("status").and_then(read_status);
        assert_eq!(
            got.as_ref(),
            Some(*status),
            "status of object {index} does not read back:\n{new}"
        );
    }
    for (i, (o, n)) in old_objects.iter().zip(&new_objects).enumerate() {
        if !edits.iter().any(|(e, _)| *e == i) {
            let text_of = |t: &str, node: &Node| t[node.span.start..node.span.end].to_string();
            assert_eq!(
                text_of(old, o.node),
                text_of(new, n.node),
                "object {i} was not edited but changed"
            );
        }
    }
}

/// A status as a failed first import leaves it.
pub fn failure_status(tags: &[&str]) -> StreamStatus {
    StreamStatus {
        docker_image_repository: String::new(),
        public_docker_image_repository: String::new(),
        tags: tags
            .iter()
            .map(|tag| NamedTagEventList {
                tag: tag.to_string(),
                items: Vec::new(),
                conditions: vec![TagEventCondition {
                    kind: IMPORT_SUCCESS.into(),
                    status: "False".into(),
                    last_transition_time: "2026-11-22T10:00:00Z".into(),
                    reason: "NotFound".into(),
                    message: format!(
                        "Internal error occurred: 127.0.0.1:5000/x:{tag}: manifest unknown"
                    ),
                    generation: 2,
                }],
            })
            .collect(),
    }
}

/// A status with history and values that need quoting.
pub fn rich_status() -> StreamStatus {
    let event = |n: u8, generation| TagEvent {
        created: format!("2026-11-2{n}T10:00:00Z"),
        docker_image_reference: format!("quay.io/org/app@sha256:{}", format!("{n}").repeat(64)),
        image: format!("sha256:{}", format!("{n}").repeat(64)),
        generation,
    };
    StreamStatus {
        docker_image_repository: "image-registry.openshift-image-registry.svc:5000/team/app".into(),
        public_docker_image_repository: "default-route/team/app".into(),
        tags: vec![
            NamedTagEventList {
                tag: "1.0".into(),
                items: vec![event(2, 3), event(1, 2)],
                conditions: Vec::new(),
            },
            NamedTagEventList {
                tag: "true".into(),
                items: vec![event(3, 1)],
                conditions: vec![TagEventCondition {
                    kind: IMPORT_SUCCESS.into(),
                    status: "False".into(),
                    last_transition_time: String::new(),
                    reason: "Unauthorized".into(),
                    message: "you may not have access: \"denied\" # really\nsecond line".into(),
                    generation: 4,
                }],
            },
        ],
    }
}
