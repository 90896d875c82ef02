//! Shared by the tests of the pre-commit hooks, the GitHub Action and the examples: the checkout,
//! the external validators (which scripts/test.sh installs), throw-away Git repositories, and
//! a committed snapshot of the working tree — pre-commit installs a hook repository at a commit, so
//! uncommitted work has to be committed somewhere first.
#![allow(dead_code)]

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../skip/mod.rs"]
pub mod skip;

/// The checkout under test.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The streamlock binary cargo built for these tests.
pub fn streamlock() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_streamlock"))
}

/// The release-mode target directory that scripts/test.sh builds the wheel in and that every test
/// building a release binary shares (the Action's build, the hooks' `cargo install`), so the
/// dependencies are compiled in release mode once.
pub fn release_build_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-build")
}

/// Whether `name --version` runs. When it does not, the test fails unless the run allows skipping
/// `tools` (scripts/test.sh installs every tool).
pub fn have(name: &str) -> bool {
    let found = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        skip::or_fail(
            "tools",
            &format!("{name} is not installed (scripts/test.sh installs it)"),
        );
    }
    found
}

/// The directory scripts/test.sh builds the wheel into (`STREAMLOCK_WHEELS`), with the setuptools
/// wheel pip needs to install the hook repository without an index. `None` when the wheel tests are
/// skipped on purpose; a directory named but empty is always a failure.
pub fn wheels() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("STREAMLOCK_WHEELS").map(PathBuf::from) else {
        skip::or_fail(
            "wheel",
            "STREAMLOCK_WHEELS is not set: scripts/test.sh builds the wheel (a release build) and sets it",
        );
        return None;
    };
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("STREAMLOCK_WHEELS={}: {e}", dir.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    for prefix in ["streamlock-", "setuptools-"] {
        let found = names
            .iter()
            .filter(|n| n.starts_with(prefix) && n.ends_with(".whl"));
        assert_eq!(
            found.count(),
            1,
            "STREAMLOCK_WHEELS={} must hold one {prefix}*.whl (scripts/test.sh puts it there): {names:?}",
            dir.display()
        );
    }
    Some(dir)
}

/// PATH without any directory that has cargo, rustc or rustup in it, and with `first` in front: the
/// machine of a user who has no Rust. Panics when that would also lose git or python3.
pub fn path_without_rust(first: &Path) -> OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| {
            !["cargo", "rustc", "rustup"]
                .iter()
                .any(|t| dir.join(t).exists())
        })
        .collect();
    for needed in ["git", "python3"] {
        assert!(
            kept.iter().any(|dir| dir.join(needed).exists()),
            "{needed} shares a directory with the Rust toolchain on PATH; cannot hide Rust"
        );
    }
    std::env::join_paths(std::iter::once(first.to_path_buf()).chain(kept)).expect("PATH")
}

// The GitHub Action's steps, run as the runner runs them (tests/action_*.rs).

/// A runner's files for one step.
pub struct Runner {
    dir: tempfile::TempDir,
}

/// What one step left behind.
pub struct Step {
    pub code: Option<i32>,
    pub stdout: String,
    pub shown: String,
    pub outputs: HashMap<String, String>,
    pub summary: String,
}

impl Runner {
    pub fn new() -> Runner {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("temp")).expect("runner temp");
        Runner { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `action/SCRIPT` in `workspace` with `env` (the step's `env:` block) and reads back what
    /// the step wrote to the runner's files. Outputs and summary accumulate across steps, as on GitHub.
    pub fn step(&self, script: &str, workspace: &Path, env: &[(&str, &str)]) -> Step {
        let mut command = Command::new(root().join("action").join(script));
        command
            .current_dir(workspace)
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary"))
            .env("RUNNER_TEMP", self.path("temp"))
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        for (name, value) in env {
            command.env(name, value);
        }
        let out = run(&mut command);
        let read = |name| std::fs::read_to_string(self.path(name)).unwrap_or_default();
        // Later lines win, as GitHub reads GITHUB_OUTPUT.
        let outputs = read("output")
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Step {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            shown: text(&out),
            outputs,
            summary: read("summary"),
        }
    }
}

impl Step {
    pub fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no output {name}: {:?}\n{}", self.outputs, self.shown))
    }
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

pub const LINT: &str = "streamlock lint";
pub const CHECK: &str = "streamlock status check (offline)";
pub const IMPORT_CHECK: &str = "streamlock import check (registries)";

/// A stream pinned by digest and an alias to it from another stream in another file (so the
/// offline check has to see both files), a Helm template that is not YAML until rendered, excluded
/// by `.streamlock.yaml`, and unrelated JSON: every hook must pass it.
pub const CONSISTENT: &[(&str, &str)] = &[
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

/// Added to CONSISTENT, fails both offline hooks: a kind the API server rejects, and a tag whose
/// status was never imported.
pub const BREAKING: &[(&str, &str)] = &[
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
];

/// A repository of `files` whose status was written by `streamlock import --write ARGS`, committed.
pub fn imported_repo(files: &[(&str, &str)], args: &[&str]) -> tempfile::TempDir {
    let repo = git_repo(files);
    let out = run(Command::new(streamlock())
        .args(["import", "--write"])
        .args(args)
        .current_dir(repo.path()));
    assert!(out.status.success(), "import --write: {}", text(&out));
    commit_all(repo.path(), "status");
    repo
}

/// What `pre-commit try-repo --all-files` must show on CONSISTENT: both offline hooks passed, the
/// network hook did not run at the pre-commit stage.
pub fn assert_offline_hooks_passed(out: &Output) {
    let shown = text(out);
    assert!(out.status.success(), "good repository failed:\n{shown}");
    assert_eq!(hook_result(&shown, LINT), Some("Passed"), "{shown}");
    assert_eq!(hook_result(&shown, CHECK), Some("Passed"), "{shown}");
    assert_eq!(
        hook_result(&shown, IMPORT_CHECK),
        None,
        "the network hook ran in the pre-commit stage:\n{shown}"
    );
}

/// What it must show once BREAKING is committed: both offline hooks failed, each naming its finding.
pub fn assert_offline_hooks_failed(out: &Output) {
    let shown = text(out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert_eq!(hook_result(&shown, LINT), Some("Failed"), "{shown}");
    assert!(shown.contains("invalid-from-kind"), "{shown}");
    assert!(shown.contains("streams/broken.yaml"), "{shown}");
    assert_eq!(hook_result(&shown, CHECK), Some("Failed"), "{shown}");
    assert!(shown.contains("tag fresh:v2 has no status"), "{shown}");
}
