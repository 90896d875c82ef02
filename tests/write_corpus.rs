//! Every ImageStream of the real-world corpus (outside Templates) gets a failure status written into a
//! temporary copy of its file: every byte outside the status blocks must stay, and the file must parse
//! back to the status written. The corpus is found through `STREAMLOCK_CORPUS`.

mod write_support;

use streamlock::load::{Node, find_objects};
use streamlock::model::status::StreamStatus;
use streamlock::write::{FileEdit, Snapshot, write_atomic};
use write_support::{assert_only_status_changed, failure_status};

fn spec_tag_names(object: &Node) -> Vec<&str> {
    let tags = object
        .get("spec")
        .and_then(|s| s.get("tags"))
        .and_then(Node::as_seq);
    tags.unwrap_or_default()
        .iter()
        .filter_map(|t| t.get("name").and_then(Node::as_str))
        .collect()
}

#[test]
fn every_corpus_stream_takes_a_failure_status_losslessly() {
    let Some(corpus) = write_support::corpus_files() else {
        return;
    };
    let scratch = tempfile::tempdir().expect("temp dir");
    let (mut files, mut objects_edited, mut refused) = (0, 0, Vec::new());
    for (file, indices) in &corpus {
        let path = file.source.path();
        let all = find_objects(&file.parsed.documents);
        let objects: Vec<_> = indices.iter().map(|&i| (i, &all[i])).collect();
        let statuses: Vec<StreamStatus> = objects
            .iter()
            .map(|(_, o)| {
                let tags = spec_tag_names(o.node);
                failure_status(if tags.is_empty() { &["latest"] } else { &tags })
            })
            .collect();
        let mut edit = FileEdit::new(file).expect("a parsed file can be edited");
        let mut edits = Vec::new();
        for ((index, object), status) in objects.iter().zip(&statuses) {
            match edit.set_status(object, status) {
                Ok(()) => edits.push((*index, status)),
                Err(e) => refused.push(e.to_string()),
            }
        }
        let new = edit.finish().unwrap_or_else(|e| panic!("{e}"));
        // Through a real file, as --write does it.
        let copy = scratch.path().join(format!(
            "{files}.{}",
            path.extension().and_then(|e| e.to_str()).unwrap_or("yaml")
        ));
        std::fs::write(&copy, &file.source.text).expect("copy");
        write_atomic(
            &copy,
            Snapshot(Some(file.source.text.clone().into_bytes())),
            new.as_bytes(),
        )
        .expect("written");
        let written = std::fs::read_to_string(&copy).expect("read back");
        assert_only_status_changed(&file.source.text, &written, &edits);
        files += 1;
        objects_edited += edits.len();
    }
    write_support::print_refusals(
        &format!("{files} files, {objects_edited} ImageStreams written"),
        &refused,
    );
    assert!(
        files > 500,
        "only {files} corpus files had ImageStreams; is STREAMLOCK_CORPUS right?"
    );
    assert!(
        refused.iter().all(|r| r.contains("flow-style YAML")),
        "refusals other than flow-style YAML: {refused:?}"
    );
}
