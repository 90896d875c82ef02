//! `streamlock tag`: oc tag's source kinds and messages, and lossless in-place edits of YAML and JSON
//! whose expected file contents are written by hand.

mod write_support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use streamlock::load::find_objects;
use streamlock::model::spec::{FromRef, ImportPolicy};
use streamlock::write::FileEdit;
use streamlock::write::spec_tag::{NewSpecTag, TagChange};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/describe")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// A temporary repository holding `files`.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn tag(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("streamlock")
        .unwrap()
        .arg("tag")
        .args(args)
        .current_dir(dir)
        .assert()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

const A: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

#[test]
fn a_copy_pins_the_source_image_as_an_image_stream_image() {
    let original = fixture("ruby.yaml");
    let dir = repo(&[("ruby.yaml", &original)]);
    tag(dir.path(), &["ruby:3.3", "ruby:prod"])
        .success()
        .stdout(format!("Tag ruby:prod set to ruby@{A}.\n"))
        .stderr("edited ruby.yaml\n");
    let added = format!(
        "  - name: empty\n  - name: prod\n    from:\n      kind: ImageStreamImage\n      name: ruby@{A}\n    importPolicy:\n      importMode: Legacy\n    referencePolicy:\n      type: Source\n"
    );
    assert_eq!(
        read(dir.path(), "ruby.yaml"),
        original.replace("  - name: empty\n", &added)
    );
}

#[test]
fn external_sources_aliases_and_replacements() {
    let original = fixture("ruby.yaml");
    let dir = repo(&[("ruby.yaml", &original)]);
    tag(
        dir.path(),
        &[
            "registry.example.com/ruby:3.4",
            "ruby:3.4",
            "--scheduled",
            "--insecure",
        ],
    )
    .success()
    .stdout("Tag ruby:3.4 set to import registry.example.com/ruby:3.4 periodically.\n");
    tag(dir.path(), &["ruby:3.4", "ruby:latest", "--alias"])
        .success()
        .stdout("Tag ruby:latest set up to track ruby:3.4.\n");
    // A tag whose image is only a pull spec (a reference tag) is copied as that DockerImage.
    tag(
        dir.path(),
        &["ruby:3.2", "team-a/ruby:pinned", "-n", "team-a"],
    )
    .success()
    .stdout("Tag ruby:pinned set to registry.example.com/ruby:3.2.\n");
    let want = original
        .replace(
            "  - name: latest\n    from:\n      kind: ImageStreamTag\n      name: \"3.3\"\n",
            "  - name: latest\n    from:\n      kind: ImageStreamTag\n      name: ruby:3.4\n    importPolicy:\n      importMode: Legacy\n    referencePolicy:\n      type: Source\n",
        )
        .replace(
            "  - name: empty\n",
            "  - name: empty\n  - name: \"3.4\"\n    from:\n      kind: DockerImage\n      name: registry.example.com/ruby:3.4\n    importPolicy:\n      insecure: true\n      scheduled: true\n      importMode: Legacy\n    referencePolicy:\n      type: Source\n  - name: pinned\n    from:\n      kind: DockerImage\n      name: registry.example.com/ruby:3.2\n    importPolicy:\n      importMode: Legacy\n    referencePolicy:\n      type: Source\n",
        );
    assert_eq!(read(dir.path(), "ruby.yaml"), want);
}

#[test]
fn delete_removes_spec_and_status_tags() {
    let original = fixture("ruby.yaml");
    let dir = repo(&[("ruby.yaml", &original)]);
    tag(dir.path(), &["-d", "ruby:edge", "ruby:old"])
        .success()
        .stdout("Deleted tag team-a/ruby:edge.\nDeleted tag team-a/ruby:old.\n");
    let text = read(dir.path(), "ruby.yaml");
    let spec_edge = "  - name: edge\n    from:\n      kind: DockerImage\n      name: registry.example.com/ruby:edge\n    generation: 4\n";
    let status_start = original.find("  - tag: edge\n").unwrap();
    let want = original[..status_start].replace(spec_edge, "");
    assert_eq!(
        text, want,
        "everything from the edge status tag on was edge's and old's"
    );
    tag(dir.path(), &["-d", "ruby:edge"])
        .code(2)
        .stderr(predicates::str::contains(
            "imagestreamtags.image.openshift.io \"ruby:edge\" not found",
        ));
}

#[test]
fn a_first_tag_creates_spec_tags() {
    let a = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\n  namespace: team-a\n";
    let b = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n    name: kit\nspec:\n    lookupPolicy:\n        local: true\n    tags: []  # none yet\n";
    let dir = repo(&[("a.yaml", a), ("b.yml", b)]);
    tag(
        dir.path(),
        &[
            "quay.io/t/tools:2",
            "team-a/tools:2",
            "kit:2",
            "--source",
            "docker",
        ],
    )
    .success()
    .stdout("Tag team-a/tools:2 set to quay.io/t/tools:2.\nTag kit:2 set to quay.io/t/tools:2.\n");
    assert_eq!(
        read(dir.path(), "a.yaml"),
        format!(
            "{a}spec:\n  tags:\n  - name: \"2\"\n    from:\n      kind: DockerImage\n      name: quay.io/t/tools:2\n    importPolicy:\n      importMode: Legacy\n    referencePolicy:\n      type: Source\n"
        )
    );
    assert_eq!(
        read(dir.path(), "b.yml"),
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n    name: kit\nspec:\n    lookupPolicy:\n        local: true\n    tags:\n    - name: \"2\"\n      from:\n          kind: DockerImage\n          name: quay.io/t/tools:2\n      importPolicy:\n          importMode: Legacy\n      referencePolicy:\n          type: Source\n"
    );
}

#[test]
fn oc_refusals_change_nothing() {
    let original = fixture("ruby.yaml");
    let flow = "{kind: ImageStream, metadata: {name: f}, spec: {tags: []}}\n";
    let dir = repo(&[("ruby.yaml", &original), ("f.yaml", flow)]);
    let refuse = |args: &[&str], message: &str| {
        tag(dir.path(), args)
            .code(2)
            .stderr(predicates::str::contains(message.to_string()));
    };
    refuse(
        &["ruby:3.3", "other:x", "--alias"],
        "cannot set alias across different Image Streams",
    );
    refuse(
        &["ruby:3.3", "ruby:x", "--scheduled"],
        "only container images can have importing flags set",
    );
    refuse(
        &["ruby:empty", "ruby:x"],
        "\"ruby:empty\" is not currently pointing to an image",
    );
    refuse(&["quay.io/a:1", "ruby:-bad"], "invalid tag \"-bad\" format");
    refuse(
        &["quay.io/a:1", "ruby"],
        "\"ruby\" must be of the form <stream_name>:<tag>",
    );
    refuse(
        &["quay.io/a:1", "missing:1"],
        "imagestreams.image.openshift.io \"missing\" not found",
    );
    refuse(
        &["-d", "ruby:x", "--alias"],
        "--alias and --delete may not be both specified",
    );
    refuse(
        &["quay.io/a:1", "f:1"],
        "f.yaml:1: the ImageStream is written in flow-style YAML",
    );
    refuse(
        &["other/ruby:3.3", "ruby:x", "--alias"],
        "cannot set alias across different Image Streams",
    );
    refuse(
        &["ruby:3.3", "team-b/ruby:x", "--alias", "-n", "team-a"],
        "cannot set alias across different Image Streams",
    );
    assert_eq!(read(dir.path(), "ruby.yaml"), original);
    assert_eq!(read(dir.path(), "f.yaml"), flow);
}

#[test]
fn errors_are_prefixed_like_every_other_command() {
    let dir = repo(&[("ruby.yaml", &fixture("ruby.yaml"))]);
    tag(dir.path(), &["quay.io/a:1", "missing:1"])
        .code(2)
        .stderr("streamlock: imagestreams.image.openshift.io \"missing\" not found in the files given\n");
}

#[test]
fn an_alias_within_one_stream_needs_no_namespace_flag() {
    let original = fixture("ruby.yaml");
    let dir = repo(&[("ruby.yaml", &original)]);
    // Both sides name the stream's namespace: the alias keeps it, as oc writes the source's.
    tag(dir.path(), &["team-a/ruby:3.3", "team-a/ruby:a", "--alias"])
        .success()
        .stdout("Tag team-a/ruby:a set up to track team-a/ruby:3.3.\n");
    // Neither names one.
    tag(dir.path(), &["ruby:3.3", "ruby:b", "--alias"])
        .success()
        .stdout("Tag ruby:b set up to track ruby:3.3.\n");
    // Only the source names one, and it is the stream's own.
    tag(dir.path(), &["team-a/ruby:3.3", "ruby:c", "--alias"])
        .success()
        .stdout("Tag ruby:c set up to track team-a/ruby:3.3.\n");
    // With -n, as oc runs in a project.
    tag(
        dir.path(),
        &["team-a/ruby:3.3", "ruby:d", "--alias", "-n", "team-a"],
    )
    .success()
    .stdout("Tag ruby:d set up to track team-a/ruby:3.3.\n");
    let alias = |name: &str, namespace: &str| {
        format!(
            "  - name: {name}\n    from:\n      kind: ImageStreamTag\n      name: ruby:3.3\n{namespace}    importPolicy:\n      importMode: Legacy\n    referencePolicy:\n      type: Source\n"
        )
    };
    let ns = "      namespace: team-a\n";
    let added = [
        alias("a", ns),
        alias("b", ""),
        alias("c", ns),
        alias("d", ns),
    ]
    .concat();
    assert_eq!(
        read(dir.path(), "ruby.yaml"),
        original.replace("  - name: empty\n", &format!("  - name: empty\n{added}"))
    );
}

/// An ImageStream as `oc get -o json` writes it: two-space indentation, one tag imported.
const APP_JSON: &str = r#"{
  "apiVersion": "image.openshift.io/v1",
  "kind": "ImageStream",
  "metadata": {
    "name": "app",
    "namespace": "team-a"
  },
  "spec": {
    "lookupPolicy": {
      "local": false
    },
    "tags": [
      {
        "name": "1.0",
        "from": {
          "kind": "DockerImage",
          "name": "quay.io/team/app:1.0"
        },
        "referencePolicy": {
          "type": "Source"
        }
      }
    ]
  },
  "status": {
    "dockerImageRepository": "",
    "tags": [
      {
        "tag": "1.0",
        "items": [
          {
            "created": "2025-12-31T23:00:00Z",
            "dockerImageReference": "quay.io/team/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "image": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "generation": 1
          }
        ]
      }
    ]
  }
}
"#;

/// One spec tag in APP_JSON's layout, after its `{`.
fn json_tag(name: &str, kind: &str, from: &str, extra: &str, policy: &str) -> String {
    format!(
        "      {{\n        \"name\": \"{name}\",\n        \"from\": {{\n          \"kind\": \"{kind}\",\n          \"name\": \"{from}\"\n        }},\n{extra}        \"referencePolicy\": {{\n          \"type\": \"{policy}\"\n        }}\n      }}"
    )
}

fn assert_valid_json(text: &str) {
    serde_json::from_str::<serde_json::Value>(text).expect("the edited file is valid JSON");
}

#[test]
fn json_streams_get_new_aliased_reference_and_scheduled_tags_in_their_layout() {
    let dir = repo(&[("app.json", APP_JSON)]);
    tag(
        dir.path(),
        &["quay.io/team/app:2.0", "app:2.0", "--scheduled"],
    )
    .success()
    .stdout("Tag app:2.0 set to import quay.io/team/app:2.0 periodically.\n")
    .stderr("edited app.json\n");
    tag(dir.path(), &["app:2.0", "app:latest", "--alias"])
        .success()
        .stdout("Tag app:latest set up to track app:2.0.\n");
    tag(dir.path(), &["app:1.0", "app:stable"])
        .success()
        .stdout(format!("Tag app:stable set to app@{A}.\n"));
    tag(
        dir.path(),
        &[
            "quay.io/team/app:1.1",
            "app:ref",
            "--reference",
            "--reference-policy",
            "local",
        ],
    )
    .success();
    let scheduled = "        \"importPolicy\": {\n          \"scheduled\": true,\n          \"importMode\": \"Legacy\"\n        },\n";
    let legacy = "        \"importPolicy\": {\n          \"importMode\": \"Legacy\"\n        },\n";
    let added = [
        json_tag(
            "2.0",
            "DockerImage",
            "quay.io/team/app:2.0",
            scheduled,
            "Source",
        ),
        json_tag("latest", "ImageStreamTag", "app:2.0", legacy, "Source"),
        json_tag(
            "stable",
            "ImageStreamImage",
            &format!("app@{A}"),
            legacy,
            "Source",
        ),
        json_tag(
            "ref",
            "DockerImage",
            "quay.io/team/app:1.1",
            &format!("        \"reference\": true,\n{legacy}"),
            "Local",
        ),
    ];
    let last_spec_tag = "          \"type\": \"Source\"\n        }\n      }\n";
    let want = APP_JSON.replacen(
        last_spec_tag,
        &format!(
            "          \"type\": \"Source\"\n        }}\n      }},\n{}\n",
            added.join(",\n")
        ),
        1,
    );
    let text = read(dir.path(), "app.json");
    assert_eq!(text, want);
    assert_valid_json(&text);
}

#[test]
fn json_replacements_and_deletes_change_only_their_entries() {
    let dir = repo(&[("app.json", APP_JSON)]);
    tag(dir.path(), &["quay.io/team/app:2.0", "app:2.0"]).success();
    // Replacing 1.0 rewrites its entry in place; deleting it then takes its status too.
    tag(
        dir.path(),
        &["quay.io/team/app:1.1", "app:1.0", "--insecure"],
    )
    .success();
    let insecure = "        \"importPolicy\": {\n          \"insecure\": true,\n          \"importMode\": \"Legacy\"\n        },\n";
    let legacy = "        \"importPolicy\": {\n          \"importMode\": \"Legacy\"\n        },\n";
    let replaced = APP_JSON.replacen(
        &json_tag("1.0", "DockerImage", "quay.io/team/app:1.0", "", "Source"),
        &format!(
            "{},\n{}",
            json_tag(
                "1.0",
                "DockerImage",
                "quay.io/team/app:1.1",
                insecure,
                "Source"
            ),
            json_tag(
                "2.0",
                "DockerImage",
                "quay.io/team/app:2.0",
                legacy,
                "Source"
            )
        ),
        1,
    );
    assert_eq!(read(dir.path(), "app.json"), replaced);
    tag(dir.path(), &["-d", "app:1.0"])
        .success()
        .stdout("Deleted tag team-a/app:1.0.\n");
    let status_start = APP_JSON
        .find("    \"tags\": [\n      {\n        \"tag\"")
        .unwrap();
    let want = format!("{}    \"tags\": []\n  }}\n}}\n", &APP_JSON[..status_start]).replacen(
        &json_tag("1.0", "DockerImage", "quay.io/team/app:1.0", "", "Source"),
        &json_tag(
            "2.0",
            "DockerImage",
            "quay.io/team/app:2.0",
            legacy,
            "Source",
        ),
        1,
    );
    let text = read(dir.path(), "app.json");
    assert_eq!(text, want);
    assert_valid_json(&text);
}

#[test]
fn json_on_one_line_or_with_tabs_keeps_its_layout() {
    let line = "{\"apiVersion\": \"image.openshift.io/v1\", \"kind\": \"ImageStream\", \"metadata\": {\"name\": \"j\"}, \"spec\": {\"tags\": []}}\n";
    let tabs = "{\r\n\t\"apiVersion\": \"image.openshift.io/v1\",\r\n\t\"kind\": \"ImageStream\",\r\n\t\"metadata\": {\r\n\t\t\"name\": \"t\"\r\n\t}\r\n}\r\n";
    let dir = repo(&[("j.json", line), ("t.json", tabs)]);
    tag(dir.path(), &["quay.io/a:1", "j:1", "t:1"]).success();
    tag(
        dir.path(),
        &["quay.io/a:2", "j:2", "--import-mode", "PreserveOriginal"],
    )
    .success();
    let one = |n: &str, extra: &str| {
        format!(
            "{{\"name\": \"{n}\", \"from\": {{\"kind\": \"DockerImage\", \"name\": \"quay.io/a:{n}\"}}, {extra}\"referencePolicy\": {{\"type\": \"Source\"}}}}"
        )
    };
    let want = line.replace(
        "[]",
        &format!(
            "[{}, {}]",
            one("1", "\"importPolicy\": {\"importMode\": \"Legacy\"}, "),
            one(
                "2",
                "\"importPolicy\": {\"importMode\": \"PreserveOriginal\"}, "
            )
        ),
    );
    assert_eq!(read(dir.path(), "j.json"), want);
    assert_valid_json(&want);
    let want = tabs.replace(
        "\t}\r\n}",
        "\t},\r\n\t\"spec\": {\r\n\t\t\"tags\": [\r\n\t\t\t{\r\n\t\t\t\t\"name\": \"1\",\r\n\t\t\t\t\"from\": {\r\n\t\t\t\t\t\"kind\": \"DockerImage\",\r\n\t\t\t\t\t\"name\": \"quay.io/a:1\"\r\n\t\t\t\t},\r\n\t\t\t\t\"importPolicy\": {\r\n\t\t\t\t\t\"importMode\": \"Legacy\"\r\n\t\t\t\t},\r\n\t\t\t\t\"referencePolicy\": {\r\n\t\t\t\t\t\"type\": \"Source\"\r\n\t\t\t\t}\r\n\t\t\t}\r\n\t\t]\r\n\t}\r\n}",
    );
    let text = read(dir.path(), "t.json");
    assert_eq!(text, want);
    assert_valid_json(&text);
    tag(dir.path(), &["-d", "j:1"]).success();
    assert_eq!(
        read(dir.path(), "j.json"),
        line.replace(
            "[]",
            &format!(
                "[{}]",
                one(
                    "2",
                    "\"importPolicy\": {\"importMode\": \"PreserveOriginal\"}, "
                )
            )
        )
    );
}

#[test]
fn json_tags_written_one_per_line_get_new_ones_the_same_way() {
    let list = r#"{
    "kind": "List",
    "apiVersion": "v1",
    "items": [
        {
            "kind": "ImageStream",
            "apiVersion": "image.openshift.io/v1",
            "metadata": {"name": "a"},
            "spec": {
                "tags": [
                    {"name": "1", "from": {"kind": "DockerImage", "name": "q.io/a:1"}}
                ]
            }
        }
    ]
}
"#;
    let dir = repo(&[("list.json", list)]);
    tag(dir.path(), &["q.io/a:2", "a:2", "a:1"]).success();
    let one = |name: &str| {
        format!(
            "{{\"name\": \"{name}\", \"from\": {{\"kind\": \"DockerImage\", \"name\": \"q.io/a:2\"}}, \"importPolicy\": {{\"importMode\": \"Legacy\"}}, \"referencePolicy\": {{\"type\": \"Source\"}}}}"
        )
    };
    let want = list.replace(
        "{\"name\": \"1\", \"from\": {\"kind\": \"DockerImage\", \"name\": \"q.io/a:1\"}}",
        &format!("{},\n                    {}", one("1"), one("2")),
    );
    let text = read(dir.path(), "list.json");
    assert_eq!(text, want);
    assert_valid_json(&text);
}

#[test]
fn json_first_tags_fill_an_empty_spec_or_null_tags_and_wrong_types_are_refused() {
    let empty = "{\n  \"kind\": \"ImageStream\",\n  \"metadata\": {\n    \"name\": \"e\"\n  },\n  \"spec\": {}\n}\n";
    let null = empty
        .replace("\"e\"", "\"n\"")
        .replace("{}", "{\n    \"tags\": null\n  }");
    let wrong =
        "{\"kind\": \"ImageStream\", \"metadata\": {\"name\": \"w\"}, \"spec\": {\"tags\": \"x\"}}";
    let dir = repo(&[("e.json", empty), ("n.json", &null), ("w.json", wrong)]);
    tag(dir.path(), &["q.io/a:1", "e:1", "n:1"]).success();
    let tags = "{\n    \"tags\": [\n      {\n        \"name\": \"1\",\n        \"from\": {\n          \"kind\": \"DockerImage\",\n          \"name\": \"q.io/a:1\"\n        },\n        \"importPolicy\": {\n          \"importMode\": \"Legacy\"\n        },\n        \"referencePolicy\": {\n          \"type\": \"Source\"\n        }\n      }\n    ]\n  }";
    assert_eq!(read(dir.path(), "e.json"), empty.replace("{}", tags));
    let want = null.replace("{\n    \"tags\": null\n  }", tags);
    assert_eq!(read(dir.path(), "n.json"), want);
    tag(dir.path(), &["q.io/a:1", "w:1"])
        .code(2)
        .stderr(predicates::str::contains(
            "w.json:1: spec.tags is a string, not a list",
        ));
    assert_eq!(read(dir.path(), "w.json"), wrong);
}

#[test]
fn a_file_without_a_final_line_break_keeps_ending_without_one() {
    let text = "apiVersion: image.openshift.io/v1\r\nkind: ImageStream\r\nmetadata:\r\n  name: app\r\nspec:\r\n  tags:\r\n  - name: a\r\n  - name: b\r\n  - name: b";
    let dir = repo(&[("app.yaml", text)]);
    tag(dir.path(), &["q.io/app:c", "app:c"]).success();
    let added = "\r\n  - name: c\r\n    from:\r\n      kind: DockerImage\r\n      name: q.io/app:c\r\n    importPolicy:\r\n      importMode: Legacy\r\n    referencePolicy:\r\n      type: Source";
    assert_eq!(read(dir.path(), "app.yaml"), format!("{text}{added}"));
    tag(dir.path(), &["-d", "app:c"]).success();
    assert_eq!(read(dir.path(), "app.yaml"), text);
    // Both entries of a duplicated tag, the last lines of the file.
    tag(dir.path(), &["-d", "app:b"]).success();
    assert_eq!(
        read(dir.path(), "app.yaml"),
        "apiVersion: image.openshift.io/v1\r\nkind: ImageStream\r\nmetadata:\r\n  name: app\r\nspec:\r\n  tags:\r\n  - name: a"
    );
}

#[test]
fn an_empty_yaml_spec_gets_a_block_with_the_first_tag() {
    let head = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: ";
    let braces = format!(
        "{head}braces\nspec: {{}}  # filled later\nstatus:\n  dockerImageRepository: \"\"\n"
    );
    let null = format!("{head}null-spec\nspec:\n");
    let dir = repo(&[("braces.yaml", &braces), ("null.yaml", &null)]);
    tag(dir.path(), &["q.io/a:1", "braces:1", "null-spec:1"]).success();
    let block = "spec:\n  tags:\n  - name: \"1\"\n    from:\n      kind: DockerImage\n      name: q.io/a:1\n    importPolicy:\n      importMode: Legacy\n    referencePolicy:\n      type: Source\n";
    assert_eq!(
        read(dir.path(), "braces.yaml"),
        braces.replace("spec: {}  # filled later\n", block)
    );
    assert_eq!(
        read(dir.path(), "null.yaml"),
        null.replace("spec:\n", block)
    );
}

/// Every ImageStream of the real-world corpus (outside Templates) takes a new scheduled tag, and
/// deleting it gives back the original bytes wherever the stream had tags to begin with.
#[test]
fn every_corpus_stream_takes_a_tag_and_deleting_it_gives_the_file_back() {
    let Some(corpus) = write_support::corpus_files() else {
        return;
    };
    let new = NewSpecTag {
        name: "zz-added".into(),
        from: FromRef {
            kind: "DockerImage".into(),
            name: "quay.io/team/app:1".into(),
            namespace: String::new(),
        },
        reference: false,
        import_policy: ImportPolicy {
            scheduled: true,
            ..ImportPolicy::default()
        },
        reference_policy: "Source".into(),
    };
    let change = |file: &streamlock::load::LoadedFile, index: usize, change: &TagChange| {
        let objects = find_objects(&file.parsed.documents);
        FileEdit::new(file).and_then(|mut edit| {
            edit.change_tag(&objects[index], change)?;
            edit.finish()
        })
    };
    let (mut streams, mut restored, mut refused) = (0, 0, Vec::new());
    for (file, indices) in &corpus {
        for &index in indices {
            streams += 1;
            let had_tags = find_objects(&file.parsed.documents)[index]
                .node
                .get("spec")
                .and_then(|s| s.get("tags"))
                .and_then(|t| t.as_seq())
                .is_some_and(|t| !t.is_empty());
            let added = match change(file, index, &TagChange::Set(new.clone())) {
                Ok(text) => text,
                Err(e) => {
                    refused.push(e.to_string());
                    continue;
                }
            };
            let name = file.source.path().to_string_lossy();
            let added = write_support::load(&name, &added);
            let back = change(&added, index, &TagChange::Delete("zz-added".into()))
                .unwrap_or_else(|e| panic!("deleting the added tag: {e}"));
            if had_tags {
                assert_eq!(back, file.source.text, "{name}");
                restored += 1;
            }
        }
    }
    write_support::print_refusals(
        &format!("{streams} ImageStreams tagged, {restored} given back byte for byte"),
        &refused,
    );
    assert!(
        streams > 800,
        "only {streams} corpus ImageStreams; is STREAMLOCK_CORPUS right?"
    );
    assert!(
        refused
            .iter()
            .all(|r| r.contains("flow-style YAML") || r.contains("anchored or aliased")),
        "refusals other than flow-style YAML or anchors: {refused:?}"
    );
}

#[test]
fn anchors_refuse_only_the_edits_that_would_touch_them() {
    let head = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\nspec:\n  lookupPolicy: &lp\n    local: true\n  tags:\n  - name: a\n";
    let shared = format!(
        "{head}    from: &f\n      kind: DockerImage\n      name: q.io/a:1\n  - name: b\n    from: *f\n"
    );
    let dir = repo(&[("app.yaml", &shared)]);
    tag(dir.path(), &["q.io/x:1", "app:c"])
        .code(2)
        .stderr(predicates::str::contains(
            "app.yaml:9: spec.tags or status.tags, or what holds them, is anchored or aliased",
        ));
    assert_eq!(read(dir.path(), "app.yaml"), shared);
    // An anchor elsewhere in spec is not in the way.
    std::fs::write(dir.path().join("app.yaml"), head).unwrap();
    tag(dir.path(), &["q.io/x:1", "app:c"]).success();
    assert_eq!(
        read(dir.path(), "app.yaml"),
        format!(
            "{head}  - name: c\n    from:\n      kind: DockerImage\n      name: q.io/x:1\n    importPolicy:\n      importMode: Legacy\n    referencePolicy:\n      type: Source\n"
        )
    );
}
