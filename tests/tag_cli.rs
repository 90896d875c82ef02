//! `streamlock tag`: oc tag's source kinds and messages, and lossless in-place edits whose expected
//! file contents are written by hand.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

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
        "  - name: empty\n  - name: prod\n    from:\n      kind: ImageStreamImage\n      name: ruby@{A}\n    referencePolicy:\n      type: Source\n"
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
            "  - name: latest\n    from:\n      kind: ImageStreamTag\n      name: ruby:3.4\n    referencePolicy:\n      type: Source\n",
        )
        .replace(
            "  - name: empty\n",
            "  - name: empty\n  - name: \"3.4\"\n    from:\n      kind: DockerImage\n      name: registry.example.com/ruby:3.4\n    importPolicy:\n      insecure: true\n      scheduled: true\n    referencePolicy:\n      type: Source\n  - name: pinned\n    from:\n      kind: DockerImage\n      name: registry.example.com/ruby:3.2\n    referencePolicy:\n      type: Source\n",
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
            "{a}spec:\n  tags:\n  - name: \"2\"\n    from:\n      kind: DockerImage\n      name: quay.io/t/tools:2\n    referencePolicy:\n      type: Source\n"
        )
    );
    assert_eq!(
        read(dir.path(), "b.yml"),
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n    name: kit\nspec:\n    lookupPolicy:\n        local: true\n    tags:\n    - name: \"2\"\n      from:\n          kind: DockerImage\n          name: quay.io/t/tools:2\n      referencePolicy:\n          type: Source\n"
    );
}

#[test]
fn oc_refusals_change_nothing() {
    let original = fixture("ruby.yaml");
    let json = "{\"apiVersion\": \"image.openshift.io/v1\", \"kind\": \"ImageStream\", \"metadata\": {\"name\": \"j\"}, \"spec\": {\"tags\": []}}\n";
    let dir = repo(&[("ruby.yaml", &original), ("j.json", json)]);
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
    refuse(&["quay.io/a:1", "j:1"], "edits block-style YAML only");
    assert_eq!(read(dir.path(), "ruby.yaml"), original);
    assert_eq!(read(dir.path(), "j.json"), json);
}
