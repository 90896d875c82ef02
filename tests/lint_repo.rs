//! `streamlock` in a GitOps repository as users have them (`fixtures/gitops-repo`, copied into a Git
//! work tree): a Helm chart, kustomize base and overlay, an Ansible role with Jinja2, a dot-directory,
//! another team's broken files, ImageStreams as YAML, JSON and a List, and a gitignored directory.
//! Lint speaks of the ImageStreams only; every command reads the same files.

mod support;

use std::path::Path;

use serde_json::Value;
use support::cli::{Run, run, streamlock};
use support::gitops::gitops_repo;

/// Runs `streamlock ARGS` in `root` (the working directory a user would have).
fn in_repo(root: &Path, args: &[&str]) -> Run {
    let home = root.with_file_name("home");
    std::fs::create_dir_all(&home).expect("home");
    run(streamlock(&home).current_dir(root).args(args))
}

/// (file, line, rule, severity) of every diagnostic of a `lint --format json` run.
fn diagnostics(doc: &Value) -> Vec<(String, u64, String, String)> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

fn stderr_lines(run: &Run) -> Vec<&str> {
    run.stderr.lines().collect()
}

const DELIBERATE: &str = "streams/lint-error-on-purpose.yaml";
const HELM_IMAGESTREAM: &str = "charts/app/templates/imagestream.yaml";
/// An Ansible template that reads as YAML, its values quoted `"{{ placeholders }}"`.
const JINJA_IMAGESTREAM: &str = "ansible/roles/imagestreams/templates/batch-imagestream.yaml";

/// The files of the fixture that hold no ImageStream, as `-v` lists them.
const NOT_OURS: &[&str] = &[
    ".github/workflows/check.yml",
    "ansible/roles/imagestreams/tasks/main.yml",
    "ansible/roles/imagestreams/vars/main.yml",
    "charts/app/Chart.yaml",
    "charts/app/templates/deployment.yaml",
    "charts/app/values.yaml",
    "kustomize/base/kustomization.yaml",
    "kustomize/overlays/prod/kustomization.yaml",
    "other-team/deploymentconfig.yaml",
    "other-team/settings-configmap.yaml",
];

#[test]
fn lint_reports_exactly_the_imagestream_errors_of_a_real_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = gitops_repo(dir.path());
    let out = in_repo(&root, &["lint", "--format", "json"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let doc = json(&out);
    let found = diagnostics(&doc);
    let expected = [
        (JINJA_IMAGESTREAM, 6, "template-source", "note"),
        (HELM_IMAGESTREAM, 4, "template-source", "note"),
        (DELIBERATE, 9, "invalid-metadata", "error"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(f, l, r, s)| (f.to_string(), *l, r.to_string(), s.to_string()))
        .collect();
    assert_eq!(found, expected);
    // Eight files are ours: two template sources (no stream read from them), the kustomize base
    // and overlay patch, .openshift/, the JSON, the List (two streams) and the deliberate error.
    // The rendered copy under the gitignored rendered/ would make a ninth file and eighth stream.
    assert_eq!((&doc["files"], &doc["streams"]), (&8.into(), &7.into()));
    let skipped = "info: 10 files skipped: not ImageStream YAML (-v lists them)";
    assert_eq!(stderr_lines(&out), [skipped]);
}

#[test]
fn dot_directories_are_read_but_not_git_and_not_what_gitignore_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = gitops_repo(dir.path());
    // The same invalid ImageStream planted in each place shows which places are read.
    let planted = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: planted\n  labels:\n    team: not valid\n";
    for place in [".openshift", ".git", "rendered/app"] {
        std::fs::write(root.join(place).join("planted.yaml"), planted).expect("plant");
    }
    let out = in_repo(&root, &["lint", "--format", "json"]);
    let errors: Vec<String> = diagnostics(&json(&out))
        .into_iter()
        .filter(|(_, _, _, severity)| severity == "error")
        .map(|(file, ..)| file)
        .collect();
    assert_eq!(errors, [".openshift/planted.yaml", DELIBERATE]);
}

#[test]
fn verbose_lists_the_skipped_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = gitops_repo(dir.path());
    let out = in_repo(&root, &["lint", "-v"]);
    let listed: Vec<&str> = stderr_lines(&out)
        .into_iter()
        .filter_map(|l| l.strip_prefix("streamlock: skipped "))
        .map(|l| l.strip_suffix(": not ImageStream YAML").unwrap_or(l))
        .collect();
    assert_eq!(listed, NOT_OURS);
    assert!(
        out.stderr
            .contains("info: 10 files skipped: not ImageStream YAML\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn paths_without_an_imagestream_say_so_in_one_line_and_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = gitops_repo(dir.path());
    for (args, line) in [
        (
            &["lint", "other-team"][..],
            "streamlock: no ImageStream in other-team: 2 files read, none holds one",
        ),
        (
            &["import", "--check", "--offline", "other-team"][..],
            "streamlock: no ImageStream in other-team: 2 files read, none holds one",
        ),
        (
            &["lint", "charts/app/templates/deployment.yaml"][..],
            "streamlock: no ImageStream in charts/app/templates/deployment.yaml: 1 file read, none holds one",
        ),
    ] {
        let out = in_repo(&root, args);
        assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
        assert_eq!(stderr_lines(&out), [line], "{args:?}");
    }
    std::fs::create_dir(root.join("empty")).expect("mkdir");
    let out = in_repo(&root, &["lint", "empty"]);
    assert_eq!(out.code, Some(0));
    assert_eq!(
        stderr_lines(&out),
        ["streamlock: no ImageStream in empty: no .yaml, .yml or .json file there"]
    );
    // As a hook passes them: every staged file, counted rather than listed.
    let staged = [NOT_OURS[0], NOT_OURS[1], NOT_OURS[2], NOT_OURS[3]];
    let out = in_repo(&root, &[&["lint"][..], &staged].concat());
    assert_eq!(out.code, Some(0));
    assert_eq!(
        stderr_lines(&out),
        ["streamlock: no ImageStream in the 4 paths given: 4 files read, none holds one"]
    );
    // Not a failure: -q hides it.
    let out = in_repo(&root, &["lint", "-q", "other-team"]);
    assert_eq!((out.code, out.stderr.as_str()), (Some(0), ""));
}

#[test]
fn quiet_never_hides_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = gitops_repo(dir.path());
    let out = in_repo(&root, &["lint", "-q"]);
    assert_eq!(out.code, Some(1));
    assert!(out.stdout.contains("invalid-metadata"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("{DELIBERATE}:9:11")),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("1 error"), "summary under -q");
    assert_eq!(out.stderr, "");
}

#[test]
fn template_sources_get_one_note_and_are_not_imported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = gitops_repo(dir.path());
    // A .j2 file is not walked, but a user may name it.
    let j2 = "ansible/roles/imagestreams/templates/imagestream.yaml.j2";
    let out = in_repo(&root, &["lint", "--format", "json", j2]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let doc = json(&out);
    assert_eq!(
        diagnostics(&doc),
        [(j2.to_string(), 4, "template-source".into(), "note".into())]
    );
    assert!(
        doc["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Jinja2 template source")),
        "{doc}"
    );
    let out = in_repo(&root, &["import", "--check", "--offline", "charts/app"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("info: 1 file skipped: Helm/Go template source, imported only once rendered"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("no ImageStream"), "{}", out.stderr);
    // The role's quoted placeholders are no stream: `{{ registry }}/team/batch:1.0` is never checked
    // or looked up.
    let out = in_repo(&root, &["import", "--check", "--offline", "ansible"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        stderr_lines(&out),
        [
            "info: 2 files skipped: not ImageStream YAML (-v lists them)",
            "info: 1 file skipped: Helm/Go or Jinja2 template source, imported only once rendered (-v lists them)",
        ]
    );
}

#[test]
fn describe_tag_and_import_are_not_failed_by_someone_elses_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = gitops_repo(dir.path());
    let out = in_repo(&root, &["describe", "is/team/tools"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("Name:\t\t\ttools\n"),
        "{}",
        out.stdout
    );
    let out = in_repo(
        &root,
        &[
            "tag",
            "--source",
            "docker",
            "quay.example/team/tools:2.0",
            "team/tools:next",
            "--dry-run",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.contains("+++ b/.openshift/imagestream.yaml"),
        "{}",
        out.stdout
    );
    // The offline check fails only for the streams' missing status, never for the other files.
    let out = in_repo(&root, &["import", "--check", "--offline"]);
    let said = format!("{}{}", out.stdout, out.stderr);
    for other in NOT_OURS
        .iter()
        .chain([&HELM_IMAGESTREAM, &JINJA_IMAGESTREAM])
    {
        assert!(!said.contains(&format!("{other}:")), "{other}: {said}");
    }
    assert!(said.contains(".openshift/imagestream.yaml: "), "{said}");
}
