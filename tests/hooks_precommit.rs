//! The pre-commit hooks (`.pre-commit-hooks.yaml`) installed and run by pre-commit itself, from a
//! snapshot of this checkout: `try-repo` on a repository that should pass and on one that should
//! fail, and the network hook in the stages it is meant for, against a real registry.
//!
//! Every pre-commit run installs the hook with `cargo install`, which builds in release mode. The
//! builds share the release target directory of the wheel build (scripts/test.sh), so the
//! dependencies are compiled once. `CARGO_NET_OFFLINE` keeps them to crates already downloaded for this build
//! (`cargo install` re-resolves dependency versions; offline, it picks the local ones).

mod hooks_support;
mod support;

use std::path::Path;
use std::process::{Command, Output};

use hooks_support::{
    CONSISTENT, IMPORT_CHECK, commit_all, have, hook_result, imported_repo, run, snapshot, text,
};
use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

/// `pre-commit ARGS` in `repo`, building hooks into the shared target directory.
fn pre_commit(repo: &Path, args: &[&str]) -> Output {
    run(Command::new("pre-commit")
        .args(args)
        .args(["--color", "never"])
        .current_dir(repo)
        .env("CARGO_TARGET_DIR", hooks_support::release_build_dir())
        .env("CARGO_NET_OFFLINE", "true")
        .env("GIT_CONFIG_GLOBAL", "/dev/null"))
}

#[test]
fn try_repo_passes_a_consistent_repository_and_fails_a_broken_one() {
    if !have("pre-commit") {
        return;
    }
    let (hooks_dir, rev) = snapshot();
    let hooks_repo = hooks_dir.path().join("streamlock");
    let hooks_repo = hooks_repo.to_str().expect("UTF-8 path");
    let repo = imported_repo(CONSISTENT, &["--offline"]);

    // try-repo without a hook id runs every hook of the pre-commit stage.
    let try_repo = || {
        pre_commit(
            repo.path(),
            &["try-repo", hooks_repo, "--ref", &rev, "--all-files"],
        )
    };
    hooks_support::assert_offline_hooks_passed(&try_repo());
    hooks_support::write_files(repo.path(), hooks_support::BREAKING);
    commit_all(repo.path(), "break it");
    hooks_support::assert_offline_hooks_failed(&try_repo());
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
            .env("CARGO_TARGET_DIR", hooks_support::release_build_dir())
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
