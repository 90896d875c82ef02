//! The GitHub Action's shell steps (`action/*.sh`) run as the runner would run them: inputs in
//! `INPUT_*` variables, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY` and `RUNNER_TEMP` pointing at temp
//! files, the workspace as the working directory. Checked: the exit code, every output, the
//! annotations, the SARIF file and the job summary, against a real registry for check and import.

mod hooks_support;
mod support;

use std::process::Command;

use hooks_support::{Runner, commit_all, git, root, run, streamlock, text, write_files};
use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

fn bin() -> String {
    streamlock().to_str().expect("UTF-8 path").to_owned()
}

const GOOD: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: web\n  namespace: shop\n\
                    spec:\n  tags:\n  - name: \"1\"\n    from:\n      kind: DockerImage\n      name: quay.io/shop/web:1\n";
const BAD: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: Bad_Name\n\
                   spec:\n  tags:\n  - name: v1\n    from:\n      kind: DockerImageX\n      name: quay.io/a/b:1\n";

#[test]
fn lint_annotates_writes_sarif_and_summary_and_sets_outputs() {
    let runner = Runner::new();
    let workspace = tempfile::tempdir().expect("temp dir");
    write_files(
        workspace.path(),
        &[("deploy/good.yaml", GOOD), ("deploy/bad.yaml", BAD)],
    );
    let bin = bin();
    let step = runner.step(
        "run.sh",
        workspace.path(),
        &[
            ("STREAMLOCK", &bin),
            ("INPUT_COMMAND", "lint"),
            ("INPUT_PATHS", "deploy"),
            ("INPUT_SARIF_FILE", "lint.sarif"),
            ("INPUT_FAIL_ON", "error"),
            ("INPUT_SUMMARY", "true"),
        ],
    );
    assert_eq!(step.code, Some(1), "{}", step.shown);
    // Annotations: workflow commands on stdout, one per finding, pointing at the file and line.
    let annotations: Vec<&str> = step
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file=deploy/bad.yaml,line="))
        .collect();
    assert_eq!(annotations.len(), 2, "{}", step.stdout);
    assert!(annotations.iter().any(|a| a.contains("invalid-from-kind")));
    // SARIF where the workflow asked for it, with both results.
    let sarif = std::fs::read_to_string(workspace.path().join("lint.sarif")).expect("SARIF file");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(2)
    );
    // Outputs and the job summary.
    assert_eq!(step.output("failed"), "true");
    assert_eq!(step.output("changed"), "false");
    let summary_file = step.output("summary-file");
    let summary = std::fs::read_to_string(summary_file).expect("summary file");
    assert!(summary.starts_with("## streamlock lint\n"), "{summary}");
    assert!(summary.contains("Bad_Name"), "{summary}");
    assert_eq!(step.summary, summary);

    // fail-on: never reports the same and keeps the step green; summary: false leaves the job
    // summary alone.
    let runner = Runner::new();
    let step = runner.step(
        "run.sh",
        workspace.path(),
        &[
            ("STREAMLOCK", &bin),
            ("INPUT_COMMAND", "lint"),
            ("INPUT_PATHS", "deploy"),
            ("INPUT_FAIL_ON", "never"),
            ("INPUT_SUMMARY", "false"),
        ],
    );
    assert_eq!(step.code, Some(0), "{}", step.shown);
    assert_eq!(step.output("failed"), "true");
    assert_eq!(step.summary, "");
    assert!(step.stdout.contains("::error file=deploy/bad.yaml"));

    // A clean tree: exit 0, failed false, annotations none.
    std::fs::remove_file(workspace.path().join("deploy/bad.yaml")).expect("remove");
    let runner = Runner::new();
    let step = runner.step(
        "run.sh",
        workspace.path(),
        &[("STREAMLOCK", &bin), ("INPUT_PATHS", "deploy")],
    );
    assert_eq!(step.code, Some(0), "{}", step.shown);
    assert_eq!(step.output("failed"), "false");
    assert!(!step.stdout.contains("::error"), "{}", step.stdout);
}

#[test]
fn inputs_are_data_never_shell() {
    let runner = Runner::new();
    let workspace = tempfile::tempdir().expect("temp dir");
    write_files(workspace.path(), &[("a.yaml", GOOD)]);
    let bin = bin();
    // Command substitution and globs arrive as literal arguments: streamlock names them as paths
    // that do not exist, and nothing was executed or expanded.
    for (input, value, literal) in [
        ("INPUT_ARGS", "$(touch pwned) `touch pwned`", "$(touch"),
        ("INPUT_ARGS", "$(touch pwned) `touch pwned`", "`touch"),
        (
            "INPUT_PATHS",
            "*.yaml;touch${IFS}pwned",
            "*.yaml;touch${IFS}pwned",
        ),
    ] {
        let step = runner.step(
            "run.sh",
            workspace.path(),
            &[("STREAMLOCK", &bin), (input, value)],
        );
        let said = format!("streamlock: {literal}: no such file or directory");
        assert!(step.shown.contains(&said), "{input}: {}", step.shown);
        assert!(!workspace.path().join("pwned").exists(), "{input} ran");
    }
    // Bad input values are named, not guessed at.
    for (input, value, said) in [
        (
            "INPUT_COMMAND",
            "deploy",
            "command must be lint, check or import",
        ),
        ("INPUT_FAIL_ON", "sometimes", "fail-on must be"),
        ("INPUT_SUMMARY", "yes", "summary must be true or false"),
    ] {
        let step = runner.step(
            "run.sh",
            workspace.path(),
            &[("STREAMLOCK", &bin), (input, value)],
        );
        assert_eq!(step.code, Some(2), "{input}: {}", step.shown);
        assert!(step.shown.contains(said), "{input}: {}", step.shown);
    }
}

#[test]
fn oversized_summary_is_cut_below_githubs_limit() {
    let runner = Runner::new();
    let workspace = tempfile::tempdir().expect("temp dir");
    // About 1.6 MiB of human report: 2,000 files with two findings each.
    let files: Vec<(String, &str)> = (0..2000).map(|i| (format!("s{i:04}.yaml"), BAD)).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    write_files(workspace.path(), &files);
    let bin = bin();
    let step = runner.step(
        "run.sh",
        workspace.path(),
        &[("STREAMLOCK", &bin), ("INPUT_FAIL_ON", "never")],
    );
    assert_eq!(step.code, Some(0), "{}", step.shown);
    let full = std::fs::metadata(step.output("summary-file"))
        .expect("summary file")
        .len();
    assert!(full > 1024 * 1024, "the fixture is too small: {full} bytes");
    assert!(step.summary.len() < 1024 * 1024, "{}", step.summary.len());
    assert!(step.summary.ends_with(&format!(
        "```\n\n*(truncated: the full summary is in {})*\n",
        step.output("summary-file")
    )));
}

#[test]
fn check_and_import_against_a_real_registry() {
    let registry = TestRegistry::plain();
    let pusher = Pusher::new(&registry);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(pusher.push("shop/frontend", "2.4", Kind::DockerList));

    let workspace = tempfile::tempdir().expect("temp dir");
    let stream = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: frontend\n  namespace: shop\n\
                  spec:\n  tags:\n  - name: stable\n    from:\n      kind: DockerImage\n      \
                  name: registry.example.com/shop/frontend:2.4\n    importPolicy:\n      scheduled: true\n";
    write_files(workspace.path(), &[("apps/frontend.yaml", stream)]);
    let args = format!(
        "--mirror registry.example.com={addr}\n--insecure-registry {addr}",
        addr = registry.addr
    );
    let bin = bin();
    // Each step gets fresh runner files; the runner is kept for the summary file in its temp dir.
    let run_step = |command: &str| {
        let runner = Runner::new();
        let step = runner.step(
            "run.sh",
            workspace.path(),
            &[
                ("STREAMLOCK", &bin),
                ("INPUT_COMMAND", command),
                ("INPUT_PATHS", "apps"),
                ("INPUT_ARGS", &args),
            ],
        );
        (runner, step)
    };

    // check: the tag was never imported, so the status would change.
    let (_runner, step) = run_step("check");
    assert_eq!(step.code, Some(1), "{}", step.shown);
    assert_eq!(step.output("failed"), "true");
    assert_eq!(step.output("changed"), "true");
    let summary = std::fs::read_to_string(step.output("summary-file")).expect("summary");
    assert!(summary.starts_with("## streamlock import"), "{summary}");
    assert!(summary.contains("frontend"), "{summary}");
    assert_eq!(step.summary, summary);
    let before =
        std::fs::read_to_string(workspace.path().join("apps/frontend.yaml")).expect("read");
    assert_eq!(before, stream, "check wrote to the file");

    // import: writes the status, reports the change, and passes.
    let (_runner, step) = run_step("import");
    assert_eq!(step.code, Some(0), "{}", step.shown);
    assert_eq!(step.output("failed"), "false");
    assert_eq!(step.output("changed"), "true");
    let after = std::fs::read_to_string(workspace.path().join("apps/frontend.yaml")).expect("read");
    assert!(after.starts_with(stream), "{after}");
    assert!(after.contains("\nstatus:\n"), "{after}");

    // check again: nothing would change.
    let (_runner, step) = run_step("check");
    assert_eq!(step.code, Some(0), "{}", step.shown);
    assert_eq!(step.output("failed"), "false");
    assert_eq!(step.output("changed"), "false");
}

#[test]
fn a_pull_request_check_compares_with_its_base_branch() {
    let registry = TestRegistry::plain();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    for tag in ["2.4", "2.5"] {
        runtime.block_on(Pusher::new(&registry).push("shop/frontend", tag, Kind::Schema2));
    }
    let stream = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: frontend\n  namespace: shop\n\
                  spec:\n  tags:\n  - name: stable\n    from:\n      kind: DockerImage\n      \
                  name: registry.example.com/shop/frontend:2.4\n";
    let workspace = tempfile::tempdir().expect("temp dir");
    let dir = workspace.path();
    git(dir, &["init", "--quiet"]);
    write_files(dir, &[("apps/frontend.yaml", stream)]);
    let args = format!(
        "--mirror registry.example.com={addr}\n--insecure-registry {addr}",
        addr = registry.addr
    );
    let bin = bin();
    let run_step = |command: &str, base: Option<&str>| {
        let runner = Runner::new();
        let mut env = vec![
            ("STREAMLOCK", bin.as_str()),
            ("INPUT_COMMAND", command),
            ("INPUT_PATHS", "apps"),
            ("INPUT_ARGS", args.as_str()),
        ];
        if let Some(base) = base {
            env.push(("GITHUB_BASE_REF", base));
        }
        runner.step("run.sh", dir, &env)
    };
    assert_eq!(run_step("import", None).code, Some(0));
    commit_all(dir, "imported");
    // The base branch as actions/checkout with fetch-depth: 0 leaves it.
    git(dir, &["update-ref", "refs/remotes/origin/main", "HEAD"]);

    // The pull request bumps the tag by hand; status still names the same repository.
    let path = dir.join("apps/frontend.yaml");
    let edited = std::fs::read_to_string(&path)
        .expect("read")
        .replace("frontend:2.4\n", "frontend:2.5\n");
    std::fs::write(&path, &edited).expect("write");
    commit_all(dir, "bump");

    let step = run_step("check", Some("main"));
    assert_eq!(step.code, Some(1), "{}", step.shown);
    assert_eq!(step.output("changed"), "true", "{}", step.shown);
    assert!(
        step.stdout.contains("shop/frontend:stable"),
        "{}",
        step.shown
    );

    // Without the base branch's history the step says so instead of passing silently unaware.
    let step = run_step("check", Some("release-9"));
    assert_eq!(step.code, Some(0), "{}", step.shown);
    assert!(
        step.shown
            .contains("::warning title=streamlock action::origin/release-9 is not fetched"),
        "{}",
        step.shown
    );
}

#[test]
fn cache_key_follows_cargo_lock() {
    let runner = Runner::new();
    let workspace = tempfile::tempdir().expect("temp dir");
    let step = runner.step("cache-key.sh", workspace.path(), &[]);
    assert_eq!(step.code, Some(0), "{}", step.shown);
    let key = step.output("key").to_owned();
    assert!(key.starts_with("streamlock-Linux-X64-rustc-"), "{key}");

    // Another Cargo.lock, another key: a copy of the action whose lock file differs.
    let copy = tempfile::tempdir().expect("temp dir");
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    write_files(copy.path(), &[("Cargo.lock", &format!("{lock}\n"))]);
    let runner = Runner::new();
    let mut command = Command::new(root().join("action/cache-key.sh"));
    command
        .env("GITHUB_ACTION_PATH", copy.path())
        .env("GITHUB_OUTPUT", runner.path("output"));
    let out = run(&mut command);
    assert!(out.status.success(), "{}", text(&out));
    let other = std::fs::read_to_string(runner.path("output")).expect("output");
    assert_ne!(other.trim(), format!("key={key}"));
}
