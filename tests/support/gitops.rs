//! `fixtures/gitops-repo` as a user has it: a Git work tree (so its `.gitignore` applies as it does
//! in a clone) in a temporary directory that tests may change. See the fixture's README.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixture in the source tree (read-only for tests).
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gitops-repo")
}

/// Copies the fixture to `dir/gitops-repo` and runs `git init` there; returns that root. Fails the
/// test when `git` is missing: without it `.gitignore` is not honoured and the test would prove
/// nothing.
pub fn gitops_repo(dir: &Path) -> PathBuf {
    let root = dir.join("gitops-repo");
    copy_tree(&fixture(), &root);
    let status = Command::new("git")
        .args(["init", "--quiet"])
        .current_dir(&root)
        .status()
        .expect("`git` must be on PATH to make the fixture a Git work tree");
    assert!(status.success(), "git init failed in {}", root.display());
    root
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create fixture copy");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Runs `git ARGS` in `root` as a committer named `t`; fails the test when it fails.
pub fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(root)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .expect("`git` must be on PATH");
    assert!(status.success(), "git {args:?} in {}", root.display());
}

/// Commits everything in the work tree at `root` (even nothing).
pub fn commit(root: &Path, message: &str) {
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", message, "--allow-empty"]);
}
