//! Shared by the tests of the pre-commit hooks, the GitHub Action and the examples: the checkout,
//! the external validators (PyPI packages that `.ci/run` installs), throw-away Git repositories, and
//! a committed snapshot of the working tree — pre-commit installs a hook repository at a commit, so
//! uncommitted work has to be committed somewhere first.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The checkout under test.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The streamlock binary cargo built for these tests.
pub fn streamlock() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_streamlock"))
}

/// Whether `name --version` runs. When it does not, the test is skipped with a note, except in CI
/// (`CI` set), where `.ci/run` installs every tool and a missing one is a failure.
pub fn have(name: &str) -> bool {
    let found = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is not installed; .ci/run installs it (pip)"
        );
        eprintln!("skipped: {name} is not installed (pip install it, or run .ci/run)");
    }
    found
}

/// Runs a command and returns its output, whatever its exit status.
pub fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// stdout and stderr together, for assertions and failure messages.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `git ARGS` in `dir` with a fixed identity and no user configuration; panics on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = run(Command::new("git")
        .args([
            "-c",
            "user.name=streamlock tests",
            "-c",
            "user.email=tests@localhost",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1"));
    assert!(
        output.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        text(&output)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Writes `files` (relative path, content) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directories");
        }
        std::fs::write(&path, content).expect("write file");
    }
}

/// A new Git repository holding `files`, committed.
pub fn git_repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "--quiet"]);
    write_files(dir.path(), files);
    commit_all(dir.path(), "fixtures");
    dir
}

/// Commits everything in the work tree; returns the new HEAD.
pub fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A clone of the checkout with the working tree's uncommitted changes (tracked and untracked,
/// minus ignored files) committed on top: what the hooks would be once this work is committed.
/// Returns the clone and its HEAD.
pub fn snapshot() -> (tempfile::TempDir, String) {
    let root = root();
    let dir = tempfile::tempdir().expect("temp dir");
    let clone = dir.path().join("streamlock");
    let root_s = root.to_str().expect("UTF-8 checkout path");
    let clone_s = clone.to_str().expect("UTF-8 temp path");
    git(dir.path(), &["clone", "--quiet", root_s, clone_s]);
    let changed = git(
        &root,
        &["ls-files", "--modified", "--others", "--exclude-standard"],
    );
    for path in changed.lines() {
        let from = root.join(path);
        let to = clone.join(path);
        if from.is_file() {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).expect("create directories");
            }
            std::fs::copy(&from, &to).expect("copy changed file");
        } else {
            let _ = std::fs::remove_file(&to);
        }
    }
    let head = commit_all(&clone, "work in progress");
    (dir, head)
}

/// The outcome pre-commit printed for a hook: `Passed`, `Failed` or `Skipped`, from the line
/// `NAME.....Passed` (or `NAME...(no files to check)Skipped`).
pub fn hook_result<'a>(output: &'a str, name: &str) -> Option<&'a str> {
    let line = output
        .lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with('.'))?;
    line[name.len()..]
        .trim_start_matches('.')
        .rsplit(')')
        .next()
}
