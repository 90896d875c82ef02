//! ImageStreamTag and ImageStreamMapping documents, as users keep them beside their streams, linted
//! and imported against a real registry (docker-registry on loopback; `quay.example` is mirrored to
//! it and never contacted): a document's tag is a spec tag of its stream, recorded in the stream's
//! file; a document whose stream is not among the files is told, not written.

mod support;

use std::path::{Path, PathBuf};

use support::cli::{Run, run, streamlock};
use support::images::Kind;
use support::registry::TestRegistry;

const APP: &str = "apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: team
spec:
  tags:
  - name: '1'
    from:
      kind: DockerImage
      name: quay.example/team/app:1
";

/// Tag `docs` of `app`, kept as a document of its own.
const DOCS: &str = "apiVersion: image.openshift.io/v1
kind: ImageStreamTag
metadata:
  name: app:docs
  namespace: team
tag:
  from:
    kind: DockerImage
    name: quay.example/team/docs:2
";

/// A tag of a stream that is not among the files.
const ORPHAN: &str = "apiVersion: image.openshift.io/v1
kind: ImageStreamTag
metadata:
  name: other:v1
  namespace: team
tag:
  from:
    kind: DockerImage
    name: quay.example/team/app:1
";

struct Repo {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    registry: TestRegistry,
}

impl Repo {
    fn new(files: &[(&str, &str)]) -> Repo {
        let registry = TestRegistry::plain();
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("repo");
        std::fs::create_dir_all(&root).expect("mkdir");
        let mirrors = support::registry::loopback_mirror_sets(&["quay.example"], &registry.addr);
        std::fs::write(tmp.path().join("mirrors.yaml"), mirrors).expect("write");
        for (name, text) in files {
            std::fs::write(root.join(name), text).expect("write");
        }
        Repo {
            _tmp: tmp,
            root,
            registry,
        }
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.root.join(name)).expect("read")
    }

    fn streamlock(&self, args: &[&str]) -> Run {
        let home = self.root.parent().expect("parent");
        let mirrors = home.join("mirrors.yaml");
        let mut command = streamlock(home);
        command
            .current_dir(&self.root)
            .env("SOURCE_DATE_EPOCH", "1767225600");
        command.args(args);
        if args[0] == "import" {
            command
                .arg("--mirror-config")
                .arg(&mirrors)
                .args(["--insecure-registry", &self.registry.addr]);
        }
        run(&mut command)
    }

    fn manifest_requests(&self) -> usize {
        let requests = self.registry.requests();
        requests
            .iter()
            .filter(|r| r.contains("/manifests/"))
            .count()
    }
}

fn status_lines(text: &str) -> &str {
    &text[text.find("status:").expect("status written")..]
}

#[test]
fn a_documents_tag_is_imported_into_its_streams_file() {
    let repo = Repo::new(&[
        ("app.yaml", APP),
        ("app-docs.yaml", DOCS),
        ("other-v1.yaml", ORPHAN),
    ]);
    let app = support::cli::push(&repo.registry, "team/app", "1", Kind::Schema2);
    let docs = support::cli::push(&repo.registry, "team/docs", "2", Kind::Schema2);

    let lint = repo.streamlock(&["lint", "--format", "json", "."]);
    assert_eq!(lint.code, Some(0), "{}{}", lint.stdout, lint.stderr);

    let out = repo.streamlock(&["import", "--write", "."]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let status = repo.read("app.yaml");
    let status = status_lines(&status);
    for (tag, repository, digest) in [
        ("\"1\"", "app", &app.digest),
        ("docs", "docs", &docs.digest),
    ] {
        let entry = &status[status.find(&format!("- tag: {tag}\n")).expect(tag)..];
        let recorded = format!(
            "dockerImageReference: quay.example/team/{repository}@{digest}\n      image: {digest}\n"
        );
        let at = entry.find("dockerImageReference").expect("an item");
        assert!(entry[at..].starts_with(&recorded), "{status}");
    }
    // The documents are not edited; the one whose stream is missing is told, with the fix.
    assert_eq!(repo.read("app-docs.yaml"), DOCS);
    assert_eq!(repo.read("other-v1.yaml"), ORPHAN);
    assert!(
        out.stderr.contains(
            "streamlock: other-v1.yaml:1: ImageStreamTag team/other:v1: its ImageStream team/other \
             is not among the files, so the tag's status is not recorded; pass the stream's file \
             too, or move the tag into that stream's spec.tags\n"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("app:docs"), "{}", out.stderr);

    // Recorded: the checks pass, and the document's tag is not looked up again.
    let before = repo.manifest_requests();
    for check in [
        &["import", "--check", "."][..],
        &["import", "--check", "--offline", "."],
    ] {
        let out = repo.streamlock(check);
        assert_eq!(out.code, Some(0), "{check:?}: {}", out.stderr);
    }
    assert_eq!(repo.manifest_requests(), before);

    // Without the document, its status entry has no spec tag: the offline check has nothing to
    // say about it, and the stream's own tag still passes.
    let alone = repo.streamlock(&["import", "--check", "--offline", "app.yaml"]);
    assert_eq!(alone.code, Some(0), "{}", alone.stderr);
}

/// The Git rule sees an edit of a document as it sees an edit of a spec tag: `docs:2` → `docs:3`
/// keeps the repository, so only the committed document tells that the status is stale.
#[test]
fn an_edited_document_is_looked_up_under_the_git_rule() {
    let repo = Repo::new(&[("app.yaml", APP), ("app-docs.yaml", DOCS)]);
    support::cli::push(&repo.registry, "team/app", "1", Kind::Schema2);
    support::cli::push(&repo.registry, "team/docs", "2", Kind::Schema2);
    let three = support::cli::push(&repo.registry, "team/docs", "3", Kind::Schema2);
    support::gitops::git(&repo.root, &["init", "--quiet"]);
    let out = repo.streamlock(&["import", "--write", "."]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    support::gitops::git(&repo.root, &["add", "-A"]);
    support::gitops::git(&repo.root, &["commit", "-qm", "recorded"]);

    std::fs::write(
        repo.root.join("app-docs.yaml"),
        DOCS.replace("docs:2", "docs:3"),
    )
    .expect("edit");
    let check = repo.streamlock(&["import", "--check", "."]);
    assert_eq!(check.code, Some(1), "{}{}", check.stdout, check.stderr);
    let out = repo.streamlock(&["import", "--write", "."]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = repo.read("app.yaml");
    assert!(
        text.contains(&format!(
            "dockerImageReference: quay.example/team/docs@{}\n",
            three.digest
        )),
        "{text}"
    );
    let check = repo.streamlock(&["import", "--check", "--since", "none", "."]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
}

#[test]
fn the_streams_own_definition_of_a_tag_wins_and_lint_says_so() {
    let both = format!(
        "{APP}  - name: docs\n    from:\n      kind: DockerImage\n      name: quay.example/team/app:1\n"
    );
    let repo = Repo::new(&[("app.yaml", &both), ("app-docs.yaml", DOCS)]);
    let app = support::cli::push(&repo.registry, "team/app", "1", Kind::Schema2);

    let lint = repo.streamlock(&["lint", "--format", "json", "."]);
    assert_eq!(lint.code, Some(0), "a warning: {}", lint.stdout);
    let report: serde_json::Value = serde_json::from_str(&lint.stdout).expect("json");
    let found: Vec<(&str, &str, &str)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or(""),
                d["rule"].as_str().unwrap_or(""),
                d["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("app-docs.yaml", "istag-conflict", "metadata.name")],
        "{}",
        lint.stdout
    );

    // quay.example/team/docs was never pushed: only the stream's own source is looked up.
    let out = repo.streamlock(&["import", "--write", "."]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = repo.read("app.yaml");
    let status = status_lines(&text);
    let entry = &status[status.find("- tag: docs\n").expect("docs recorded")..];
    let recorded = format!(
        "dockerImageReference: quay.example/team/app@{}\n",
        app.digest
    );
    let at = entry.find("dockerImageReference").expect("an item");
    assert!(entry[at..].starts_with(&recorded), "{text}");
    assert!(
        !repo
            .registry
            .requests()
            .iter()
            .any(|r| r.contains("team/docs")),
        "the document's source was looked up"
    );
}

#[test]
fn bad_documents_get_the_api_servers_errors() {
    let bad_tag = "apiVersion: image.openshift.io/v1
kind: ImageStreamTag
metadata:
  name: app
  annotations:
    description: one
tag:
  annotations:
    description: two
  from:
    kind: DockerImages
    name: ''
  referencePolicy:
    type: Remote
";
    let mapping = "apiVersion: image.openshift.io/v1
kind: ImageStreamMapping
metadata:
  name: app
image:
  metadata:
    name: sha256:0123456789012345678901234567890123456789012345678901234567890123
";
    let repo = Repo::new(&[("istag.yaml", bad_tag), ("mapping.yaml", mapping)]);
    let lint = repo.streamlock(&["lint", "--format", "json", "."]);
    assert_eq!(lint.code, Some(1), "{}", lint.stderr);
    let report: serde_json::Value = serde_json::from_str(&lint.stdout).expect("json");
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {} {}: {}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["severity"].as_str().unwrap_or(""),
                d["rule"].as_str().unwrap_or(""),
                d["field"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    let want = [
        "istag.yaml:4 error invalid-istag-name metadata.name: \"app\" must be of the form <stream_name>:<tag>",
        "istag.yaml:8 error istag-annotations tag.annotations: Invalid value: \"<map>\": tag annotations must not be provided or must be equal to the object meta annotations",
        "istag.yaml:11 error invalid-from-kind tag.from.kind: Required value: valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'",
        "istag.yaml:12 error missing-from-name tag.from.name: Required value",
        "istag.yaml:14 error invalid-reference-policy tag.referencePolicy.type: Invalid value: \"Remote\": valid values are \"Source\", \"Local\"",
        "mapping.yaml:2 note stream-mapping kind: ImageStreamMapping \"app\" is a create-only call a registry makes after a push, not a thing to keep in Git: it is not imported or written; use a spec tag or an ImageStreamTag document",
        "mapping.yaml:1 error invalid-mapping tag: Required value",
        "mapping.yaml:5 error invalid-mapping image.dockerImageReference: Required value",
    ];
    let mut sorted = found.clone();
    sorted.sort();
    let mut wanted: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    wanted.sort();
    assert_eq!(sorted, wanted, "{}", found.join("\n"));

    // Import has nothing to do with either: no stream, nothing written, nothing looked up.
    let out = repo.streamlock(&["import", "--write", "."]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(repo.read("mapping.yaml"), mapping);
    assert!(Path::new(&repo.root.join("istag.yaml")).is_file());
    assert!(repo.registry.requests().is_empty());
}
