//! The pre-commit hooks (`.pre-commit-hooks.yaml`) installed and run by pre-commit itself, from a
//! snapshot of this checkout: `try-repo` on a repository that should pass and on one that should
//! fail, and the network hook in the stages it is meant for, against a real registry.
//!
//! Every pre-commit run installs the hook with `cargo install`, which builds in release mode. The
//! builds share one target directory under cargo's test temp dir, so only the first one compiles
//! the dependencies. `CARGO_NET_OFFLINE` keeps them to crates already downloaded for this build
//! (`cargo install` re-resolves dependency versions; offline, it picks the local ones).

mod hooks_support;
mod support;

use std::path::Path;
use std::process::{Command, Output};

use hooks_support::{commit_all, git_repo, have, hook_result, run, snapshot, streamlock, text};
use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

const LINT: &str = "streamlock lint";
const CHECK: &str = "streamlock status check (offline)";
const IMPORT_CHECK: &str = "streamlock import check (registries)";

/// `pre-commit ARGS` in `repo`, building hooks into the shared target directory.
fn pre_commit(repo: &Path, args: &[&str]) -> Output {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-build");
    run(Command::new("pre-commit")
        .args(args)
        .args(["--color", "never"])
        .current_dir(repo)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        .env("GIT_CONFIG_GLOBAL", "/dev/null"))
}

/// A stream pinned by digest and an alias to it from another stream in another file (so the
/// offline check has to see both files), a Helm template that is not YAML until rendered, excluded
/// by `.streamlock.yaml`, and unrelated JSON.
const GOOD: &[(&str, &str)] = &[
    (
        "streams/base.yaml",
        "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: base\n  namespace: shop\n\
         spec:\n  tags:\n  - name: \"1.0\"\n    from:\n      kind: DockerImage\n      \
         name: registry.example.com/base@sha256:0000000000000000000000000000000000000000000000000000000000000001\n    \
         reference: true\n",
    ),
    (
        "streams/web.json",
        "{\"apiVersion\": \"image.openshift.io/v1\", \"kind\": \"ImageStream\",\n \
         \"metadata\": {\"name\": \"web\", \"namespace\": \"shop\"},\n \
         \"spec\": {\"tags\": [{\"name\": \"base\", \"from\": {\"kind\": \"ImageStreamTag\", \"name\": \"base:1.0\"}}]}}\n",
    ),
    (".streamlock.yaml", "exclude:\n  - \"charts/**\"\n"),
    (
        "charts/web/templates/configmap.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata: [\n",
    ),
    ("package.json", "{\"name\": \"not-an-imagestream\"}\n"),
];

/// A repository of `files` whose status was written by `streamlock import --write ARGS`, committed.
fn imported_repo(files: &[(&str, &str)], args: &[&str]) -> tempfile::TempDir {
    let repo = git_repo(files);
    let out = run(Command::new(streamlock())
        .args(["import", "--write"])
        .args(args)
        .current_dir(repo.path()));
    assert!(out.status.success(), "import --write: {}", text(&out));
    commit_all(repo.path(), "status");
    repo
}

#[test]
fn try_repo_passes_a_consistent_repository_and_fails_a_broken_one() {
    if !have("pre-commit") {
        return;
    }
    let (hooks_dir, rev) = snapshot();
    let hooks_repo = hooks_dir.path().join("streamlock");
    let hooks_repo = hooks_repo.to_str().expect("UTF-8 path");
    let repo = imported_repo(GOOD, &["--offline"]);

    // try-repo without a hook id runs every hook of the pre-commit stage.
    let out = pre_commit(
        repo.path(),
        &["try-repo", hooks_repo, "--ref", &rev, "--all-files"],
    );
    let shown = text(&out);
    assert!(out.status.success(), "good repository failed:\n{shown}");
    assert_eq!(hook_result(&shown, LINT), Some("Passed"), "{shown}");
    assert_eq!(hook_result(&shown, CHECK), Some("Passed"), "{shown}");
    assert_eq!(
        hook_result(&shown, IMPORT_CHECK),
        None,
        "the network hook ran in the pre-commit stage:\n{shown}"
    );

    // A kind the API server rejects, and a tag whose status was never imported.
    hooks_support::write_files(
        repo.path(),
        &[
            (
                "streams/broken.yaml",
                "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: broken\n\
                 spec:\n  tags:\n  - name: v1\n    from:\n      kind: DockerImageX\n      name: quay.io/a/b:1\n",
            ),
            (
                "streams/fresh.yaml",
                "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: fresh\n\
                 spec:\n  tags:\n  - name: v2\n    from:\n      kind: DockerImage\n      name: quay.io/a/fresh:2\n",
            ),
        ],
    );
    commit_all(repo.path(), "break it");
    let out = pre_commit(
        repo.path(),
        &["try-repo", hooks_repo, "--ref", &rev, "--all-files"],
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert_eq!(hook_result(&shown, LINT), Some("Failed"), "{shown}");
    assert!(shown.contains("invalid-from-kind"), "{shown}");
    assert!(shown.contains("streams/broken.yaml"), "{shown}");
    assert_eq!(hook_result(&shown, CHECK), Some("Failed"), "{shown}");
    assert!(shown.contains("tag fresh:v2 has no status"), "{shown}");
}

#[test]
fn import_check_runs_on_push_and_on_demand_and_fails_when_a_scheduled_tag_moves() {
    if !have("pre-commit") {
        return;
    }
    let registry = TestRegistry::plain();
    let pusher = Pusher::new(&registry);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(pusher.push("runtimes/python", "3.12", Kind::Schema2));

    let (hooks_dir, rev) = snapshot();
    let hooks_repo = hooks_dir.path().join("streamlock");
    let mirror = format!("registry.example.com={}", registry.addr);
    let network = [
        "--mirror",
        mirror.as_str(),
        "--insecure-registry",
        registry.addr.as_str(),
    ];
    let stream = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: python\n  namespace: ci\n\
                  spec:\n  tags:\n  - name: \"3.12\"\n    from:\n      kind: DockerImage\n      \
                  name: registry.example.com/runtimes/python:3.12\n    importPolicy:\n      scheduled: true\n";
    let repo = imported_repo(&[("python.yaml", stream)], &network);
    let config = format!(
        "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: streamlock-import-check\n    args: [{}]\n",
        hooks_repo.display(),
        network.join(", ")
    );
    hooks_support::write_files(repo.path(), &[(".pre-commit-config.yaml", &config)]);
    commit_all(repo.path(), "hooks");
    let home = tempfile::tempdir().expect("temp dir");
    let run_stage = |stage: &str| {
        let out = run(Command::new("pre-commit")
            .args([
                "run",
                "--all-files",
                "--color",
                "never",
                "--hook-stage",
                stage,
            ])
            .current_dir(repo.path())
            .env("PRE_COMMIT_HOME", home.path())
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-build"),
            )
            .env("CARGO_NET_OFFLINE", "true")
            .env("GIT_CONFIG_GLOBAL", "/dev/null"));
        (out.status.code(), text(&out))
    };

    let (code, shown) = run_stage("manual");
    assert_eq!(code, Some(0), "{shown}");
    assert_eq!(hook_result(&shown, IMPORT_CHECK), Some("Passed"), "{shown}");
    // Not a commit-time hook: pre-commit.ci and plain commits never reach a registry.
    let (code, shown) = run_stage("pre-commit");
    assert_eq!(code, Some(0), "{shown}");
    assert_eq!(hook_result(&shown, IMPORT_CHECK), None, "{shown}");

    // A new patch release moves the scheduled tag: the recorded status is now stale.
    let mut pusher = pusher;
    pusher.seed = "2".into();
    runtime.block_on(pusher.push("runtimes/python", "3.12", Kind::Schema2));
    for stage in ["manual", "pre-push"] {
        let (code, shown) = run_stage(stage);
        assert_eq!(code, Some(1), "{stage}: {shown}");
        assert_eq!(hook_result(&shown, IMPORT_CHECK), Some("Failed"), "{shown}");
        assert!(shown.contains("ci/python:3.12"), "{stage}: {shown}");
    }
}
