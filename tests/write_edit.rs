//! Status write-back on hand-written fixtures: only status lines change, the block follows the file's
//! style, and what cannot be edited safely is refused with file and line.

mod write_support;

use std::path::PathBuf;

use streamlock::load::{Wrapper, find_objects};
use streamlock::model::imagestream::read_status;
use streamlock::model::status::StreamStatus;
use write_support::*;

fn fixtures() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/write");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/write exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&p).expect("fixture is UTF-8"))
        })
        .collect()
}

fn fixture(name: &str) -> String {
    fixtures()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .expect("fixture exists")
}

/// Each fixture as written, with CRLF line breaks, and without its final line break.
fn variants(text: &str) -> Vec<(&'static str, String)> {
    vec![
        ("as written", text.to_string()),
        ("crlf", text.replace('\n', "\r\n")),
        ("no final newline", text.trim_end_matches('\n').to_string()),
    ]
}

#[test]
fn every_fixture_object_gets_its_status_and_nothing_else_changes() {
    let failure = failure_status(&["latest", "1.0"]);
    let rich = rich_status();
    let mut edited = 0;
    for (name, text) in fixtures() {
        for (variant, text) in variants(&text) {
            let file = load(&name, &text);
            let count = find_objects(&file.parsed.documents)
                .iter()
                .filter(|o| !matches!(o.wrapper, Wrapper::Template(_)))
                .count();
            assert!(count > 0, "{name}: no ImageStream");
            let mut all: Vec<(usize, &StreamStatus)> = Vec::new();
            for index in 0..count {
                for status in [&failure, &rich] {
                    let edits = [(index, status)];
                    let out = set_statuses(&name, &text, &edits)
                        .unwrap_or_else(|e| panic!("{name} ({variant}) object {index}: {e}"));
                    assert_only_status_changed(&text, &out, &edits);
                    assert_style_kept(&text, &out);
                    // A second run with the same status changes nothing.
                    assert_eq!(
                        set_statuses(&name, &out, &edits).ok().as_deref(),
                        Some(out.as_str())
                    );
                    edited += 1;
                }
                all.push((index, if index % 2 == 0 { &rich } else { &failure }));
            }
            let out = set_statuses(&name, &text, &all)
                .unwrap_or_else(|e| panic!("{name} ({variant}) all: {e}"));
            assert_only_status_changed(&text, &out, &all);
            assert_style_kept(&text, &out);
        }
    }
    assert!(edited >= 60, "only {edited} edits ran");
}

fn assert_style_kept(old: &str, new: &str) {
    if old.contains("\r\n") {
        assert_eq!(
            new.matches('\n').count(),
            new.matches("\r\n").count(),
            "a bare LF in a CRLF file:\n{new}"
        );
    } else {
        assert!(!new.contains('\r'));
    }
    assert_eq!(
        old.ends_with('\n'),
        new.ends_with('\n'),
        "final line break not kept"
    );
}

#[test]
fn empty_status_with_a_comment_becomes_a_block_under_the_same_line() {
    let text = fixture("comments-empty-status.yaml");
    let out = set_status(&text, 0, &failure_status(&["latest"])).expect("editable");
    let expected_tail = "status:  # exported from a cluster
  dockerImageRepository: \"\"
  tags:
  - tag: latest
    items: []
    conditions:
    - type: ImportSuccess
      status: \"False\"
      lastTransitionTime: \"2026-11-22T10:00:00Z\"
      reason: NotFound
      message: \"Internal error occurred: 127.0.0.1:5000/x:latest: manifest unknown\"
      generation: 2
# comment at the end
";
    assert!(out.ends_with(expected_tail), "{out}");
    assert_eq!(
        out[..out.len() - expected_tail.len()],
        text[..text.find("status:").unwrap_or(0)]
    );
}

#[test]
fn four_space_files_with_indented_sequences_get_the_same_layout() {
    let text = fixture("four-space-indented-seq.yaml");
    let out = set_status(&text, 0, &rich_status()).expect("editable");
    let added = &out[text.len()..];
    assert!(
        added.starts_with("status:\n    dockerImageRepository: image-registry"),
        "{added}"
    );
    assert!(added.contains("\n    tags:\n        - tag: \"1.0\"\n          items:\n              - created: \"2026-11-22T10:00:00Z\"\n"), "{added}");
}

#[test]
fn existing_quoting_of_times_and_digests_is_followed() {
    let text = fixture("existing-status.yaml");
    let out = set_status(&text, 0, &rich_status()).expect("editable");
    assert!(
        out.contains("  # as exported\n  dockerImageRepository: image-registry"),
        "{out}"
    );
    assert!(out.contains("    - created: \"2026-11-22T10:00:00Z\"\n      dockerImageReference: \"quay.io/org/app@sha256:2222"), "{out}");
    assert!(out.contains("      image: \"sha256:2222"), "{out}");
    assert!(
        !out.contains("# current"),
        "the comment on the replaced block's last line goes with it"
    );
    assert!(
        out.ends_with("      generation: 4\n# after status\n"),
        "{out}"
    );

    let text = fixture("bare-sequence.yaml");
    let out = set_status(&text, 1, &rich_status()).expect("editable");
    assert!(
        out.contains(
            "      - created: '2026-11-22T10:00:00Z'\n        dockerImageReference: 'quay.io/"
        ),
        "{out}"
    );
    assert!(
        out.contains("    publicDockerImageRepository: default-route/team/app\n"),
        "{out}"
    );
}

#[test]
fn status_goes_after_the_last_line_of_a_list_item_at_its_key_indentation() {
    let text = fixture("list.yaml");
    let out = set_status(&text, 1, &failure_status(&["latest"])).expect("editable");
    assert!(
        out.contains("        type: Local\n  status:\n    dockerImageRepository: \"\"\n    tags:\n    - tag: latest\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "      generation: 2\n  # trailing comment inside the item\n- apiVersion: v1\n"
        ),
        "{out}"
    );
}

#[test]
fn a_literal_block_as_last_value_keeps_its_lines() {
    let text = fixture("multi-doc.yaml");
    let out = set_status(&text, 1, &failure_status(&["b"])).expect("editable");
    assert!(
        out.contains("          as the last value.\nstatus:\n  dockerImageRepository: \"\"\n"),
        "{out}"
    );
    assert!(out.contains("      generation: 2\n\n...\n---\n"), "{out}");
}

#[test]
fn json_keeps_tabs_spaces_and_single_line_layout() {
    let text = fixture("tabs.json");
    let out = set_status(&text, 0, &failure_status(&["latest"])).expect("editable");
    let expected = "\t\"status\": {\n\t\t\"dockerImageRepository\": \"\",\n\t\t\"tags\": [\n\t\t\t{\n\t\t\t\t\"tag\": \"latest\",\n\t\t\t\t\"items\": [],\n\t\t\t\t\"conditions\": [\n\t\t\t\t\t{\n\t\t\t\t\t\t\"type\": \"ImportSuccess\",";
    assert!(out.contains(expected), "{out}");
    assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());

    let text = fixture("two-space.json");
    let out = set_status(&text, 0, &failure_status(&["latest"])).expect("editable");
    assert!(out.contains("    ]\n  },\n  \"status\": {\n    \"dockerImageRepository\": \"\",\n    \"tags\": [\n      {\n        \"tag\": \"latest\",\n"), "{out}");
    assert!(out.ends_with("      }\n    ]\n  }\n}\n"), "{out}");

    let text = fixture("compact.json");
    let out = set_status(&text, 0, &failure_status(&["latest"])).expect("editable");
    assert_eq!(
        out,
        "{\"kind\":\"ImageStream\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"compact\"},\"spec\":{\"tags\":[]},\"status\":{\"dockerImageRepository\":\"\",\"tags\":[{\"tag\":\"latest\",\"items\":[],\"conditions\":[{\"type\":\"ImportSuccess\",\"status\":\"False\",\"lastTransitionTime\":\"2026-11-22T10:00:00Z\",\"reason\":\"NotFound\",\"message\":\"Internal error occurred: 127.0.0.1:5000/x:latest: manifest unknown\",\"generation\":2}]}]}}"
    );
}

#[test]
fn no_final_newline_stays_absent_when_status_is_last() {
    let text = "kind: ImageStream\nmetadata:\n  name: a\nspec:\n  tags: []";
    let out = set_status(text, 0, &StreamStatus::default()).expect("editable");
    assert_eq!(
        out,
        "kind: ImageStream\nmetadata:\n  name: a\nspec:\n  tags: []\nstatus:\n  dockerImageRepository: \"\""
    );
    let crlf = "kind: ImageStream\r\nmetadata:\r\n  name: a\r\nstatus: {}\r\n";
    let out = set_status(crlf, 0, &failure_status(&["x"])).expect("editable");
    assert!(out.starts_with("kind: ImageStream\r\nmetadata:\r\n  name: a\r\nstatus:\r\n  dockerImageRepository: \"\"\r\n  tags:\r\n"), "{out:?}");
}

fn refusal(text: &str, index: usize) -> String {
    match set_status(text, index, &failure_status(&["x"])) {
        Ok(out) => panic!("edited, expected a refusal:\n{out}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unsafe_places_are_refused_with_file_and_line() {
    let anchored =
        "kind: ImageStream\nmetadata:\n  name: a\nstatus: &st\n  dockerImageRepository: \"\"\n";
    let e = refusal(anchored, 0);
    assert!(e.starts_with("test.yaml:4: status is anchored"), "{e}");

    let aliased = "- kind: ImageStream\n  metadata: {name: a}\n  status: &st {dockerImageRepository: x}\n- kind: ImageStream\n  metadata: {name: b}\n  status: *st\n";
    assert!(refusal(aliased, 0).starts_with("test.yaml:3: status is anchored"));
    assert!(refusal(aliased, 1).starts_with("test.yaml:6: status is anchored"));

    let inner_anchor = "kind: ImageStream\nstatus:\n  tags: &t []\nother: *t\n";
    assert!(refusal(inner_anchor, 0).starts_with("test.yaml:2: status is anchored"));

    let object_alias =
        "kind: List\nitems:\n- &is\n  kind: ImageStream\n  metadata: {name: a}\n- *is\n";
    assert!(
        refusal(object_alias, 0)
            .starts_with("test.yaml:4: the ImageStream or a collection around it is anchored")
    );
    assert!(
        refusal(object_alias, 1)
            .starts_with("test.yaml:6: the ImageStream or a collection around it is anchored")
    );

    let flow = "{kind: ImageStream, metadata: {name: a}, spec: {tags: []}}\n";
    assert!(
        refusal(flow, 0).starts_with("test.yaml:1: the ImageStream is written in flow-style YAML")
    );
    let flow_item =
        "kind: List\nitems:\n- {\"kind\": \"ImageStream\", \"metadata\": {\"name\": \"a\"}}\n";
    assert!(
        refusal(flow_item, 0)
            .starts_with("test.yaml:3: the ImageStream is written in flow-style YAML")
    );

    let scalar = "kind: ImageStream\nmetadata:\n  name: a\nstatus: ready\n";
    assert!(refusal(scalar, 0).starts_with("test.yaml:4: status is a string, not a mapping"));

    let merged = "- &b {status: {}}\n- <<: *b\n  kind: ImageStream\n";
    assert!(
        refusal(merged, 0).contains("merge key"),
        "{}",
        refusal(merged, 0)
    );

    let broken = "kind: ImageStream\nmetadata:\n  name: a\n---\nkey: [unclosed\n";
    assert!(refusal(broken, 0).contains("does not parse"));
}

#[test]
fn pin_rewrites_from_name_in_its_own_quoting() {
    use streamlock::write::FileEdit;
    let digest = format!("sha256:{}", "a".repeat(64));
    for (from, expected) in [
        ("quay.io/o/a:1", format!("quay.io/o/a:1@{digest}")),
        ("'quay.io/o/a:1'", format!("'quay.io/o/a:1@{digest}'")),
        ("\"quay.io/o/a:1\"", format!("\"quay.io/o/a:1@{digest}\"")),
    ] {
        let text = format!(
            "kind: ImageStream\nspec:\n  tags:\n  - name: one  # c\n    from:\n      kind: DockerImage\n      name: {from}  # keep\n"
        );
        let file = load("p.yaml", &text);
        let objects = find_objects(&file.parsed.documents);
        let mut edit = FileEdit::new(&file).expect("parses");
        edit.pin(&objects[0], "one", &format!("quay.io/o/a:1@{digest}"))
            .expect("pinnable");
        let out = edit.finish().expect("checked");
        assert_eq!(out, text.replace(from, &expected));
    }
    let json = "{\"kind\": \"ImageStream\", \"spec\": {\"tags\": [{\"name\": \"t\", \"from\": {\"kind\": \"DockerImage\", \"name\": \"q.io/a:t\"}}]}}";
    let file = load("p.json", json);
    let objects = find_objects(&file.parsed.documents);
    let mut edit = FileEdit::new(&file).expect("parses");
    edit.pin(&objects[0], "t", "q.io/a:t@sha256:00")
        .expect("pinnable");
    assert!(edit.pin(&objects[0], "missing", "x").is_err());
    assert_eq!(
        edit.finish().expect("checked"),
        json.replace("q.io/a:t\"", "q.io/a:t@sha256:00\"")
    );
}

#[test]
fn plain_times_of_a_file_stay_unless_their_status_block_is_replaced() {
    // Two streams whose status has plain times, as older streamlock and some exporters wrote them.
    let plain = |name: &str| {
        format!(
            "---\napiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: {name}\nspec:\n  tags: []\nstatus:\n  dockerImageRepository: \"\"\n  tags:\n  - tag: latest\n    items:\n    - created: 2026-11-21T10:00:00Z\n      dockerImageReference: quay.io/org/app@sha256:{}\n      image: sha256:{}\n      generation: 1\n",
            "1".repeat(64),
            "1".repeat(64)
        )
    };
    let text = format!("{}{}", plain("a"), plain("b"));
    let first = load("test.yaml", &text);
    let objects = find_objects(&first.parsed.documents);
    let current = read_status(objects[0].node.get("status").expect("status"));
    // The same status again: not a byte changes, plain times included.
    assert_eq!(set_status(&text, 0, &current).expect("editable"), text);
    // A new status for `b`: its block is written with quoted times, `a` keeps its bytes.
    let out = set_status(&text, 1, &rich_status()).expect("editable");
    assert!(out.starts_with(&plain("a")), "{out}");
    assert!(
        out.contains("    - created: \"2026-11-22T10:00:00Z\"\n"),
        "{out}"
    );
    assert!(!out[plain("a").len()..].contains("created: 2026"), "{out}");
}
