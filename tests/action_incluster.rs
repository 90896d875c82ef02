//! The in-cluster job script (`examples/in-cluster/import.sh`) run for real, as the CronJob's
//! container runs it: it clones a Git repository (a bare one on disk), imports against a real
//! registry, and pushes one branch whose commit message is the summary; it deletes the branch once
//! nothing moves, and pushes again when a scheduled tag moves.

mod hooks_support;
mod support;

use std::path::Path;
use std::process::Command;

use hooks_support::{git, git_repo, root, run, streamlock, text};
use support::images::{Kind, Pusher};
use support::registry::TestRegistry;

const BRANCH: &str = "streamlock/scheduled-import";

const STREAM: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: python\n  namespace: ci\n\
                      spec:\n  tags:\n  - name: \"3.12\"\n    from:\n      kind: DockerImage\n      \
                      name: registry.example.com/runtimes/python:3.12\n    importPolicy:\n      scheduled: true\n";

/// Runs the job with a fresh HOME, streamlock on PATH, and the registry reached through a mirror.
fn job(origin: &Path, registry: &TestRegistry) -> (Option<i32>, String) {
    let home = tempfile::tempdir().expect("temp dir");
    let bin_dir = streamlock().parent().expect("bin dir").to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let out = run(Command::new(root().join("examples/in-cluster/import.sh"))
        .env("HOME", home.path())
        .env_remove("GIT_CONFIG_GLOBAL")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("PATH", path)
        .env("GIT_URL", format!("file://{}", origin.display()))
        .env(
            "STREAMLOCK_ARGS",
            format!(
                "--mirror registry.example.com={addr} --insecure-registry {addr}",
                addr = registry.addr
            ),
        ));
    (out.status.code(), text(&out))
}

#[test]
fn pushes_one_branch_with_the_summary_and_deletes_it_when_nothing_moved() {
    let registry = TestRegistry::plain();
    let mut pusher = Pusher::new(&registry);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let first = runtime.block_on(pusher.push("runtimes/python", "3.12", Kind::Schema2));

    let work = git_repo(&[("streams/python.yaml", STREAM)]);
    let dir = tempfile::tempdir().expect("temp dir");
    let origin = dir.path().join("origin.git");
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--bare",
            work.path().to_str().expect("UTF-8"),
            origin.to_str().expect("UTF-8"),
        ],
    );

    // The tag has no status yet: the job imports it and pushes the branch.
    let (code, said) = job(&origin, &registry);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains(&format!("pushed {BRANCH}")), "{said}");
    let message = git(&origin, &["log", "-1", "--format=%B", BRANCH]);
    assert!(
        message.starts_with("Import moved ImageStream tags\n\n## streamlock import"),
        "{message}"
    );
    assert!(message.contains("python"), "{message}");
    let file = git(&origin, &["show", &format!("{BRANCH}:streams/python.yaml")]);
    assert!(file.starts_with(STREAM.trim_end()), "{file}");
    assert!(file.contains(&first.digest), "{file}");
    // main itself is untouched: the change waits for review.
    let main = git(&origin, &["show", "main:streams/python.yaml"]);
    assert_eq!(main, STREAM.trim_end());

    // The pull request is merged: nothing moves any more, so the branch goes away.
    git(&origin, &["update-ref", "refs/heads/main", BRANCH]);
    let (code, said) = job(&origin, &registry);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("nothing moved"), "{said}");
    assert!(said.contains(&format!("deleted {BRANCH}")), "{said}");
    let branches = git(&origin, &["branch", "--list", BRANCH]);
    assert_eq!(branches, "");

    // A new patch release moves the scheduled tag: the branch is back, based on the new main.
    pusher.seed = "2".into();
    let second = runtime.block_on(pusher.push("runtimes/python", "3.12", Kind::Schema2));
    assert_ne!(first.digest, second.digest);
    let (code, said) = job(&origin, &registry);
    assert_eq!(code, Some(0), "{said}");
    let file = git(&origin, &["show", &format!("{BRANCH}:streams/python.yaml")]);
    assert!(file.contains(&second.digest), "{file}");
    let parent = git(&origin, &["rev-parse", &format!("{BRANCH}~1")]);
    assert_eq!(parent, git(&origin, &["rev-parse", "main"]));
}
