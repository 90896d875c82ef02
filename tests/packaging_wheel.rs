//! The `streamlock` wheel as users get it: built by pip from this checkout (PEP 517, maturin from
//! PyPI; scripts/test.sh builds it once and names its directory in STREAMLOCK_WHEELS), installed
//! into a fresh virtualenv on a PATH without Rust, and installed by pre-commit through the hook
//! repository in packaging/pre-commit/, from that directory alone (no package index).
//!
//! The times printed (`cargo test --test packaging_wheel -- --nocapture`) are measurements for the
//! README, not assertions: the machine may be busy.

mod hooks_support;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use hooks_support::{
    BREAKING, CONSISTENT, assert_offline_hooks_failed, assert_offline_hooks_passed, commit_all,
    git, git_repo, have, imported_repo, path_without_rust, root, run, text, wheels, write_files,
};

const VERSION: &str = env!("CARGO_PKG_VERSION");

#[test]
fn wheel_carries_only_the_binary_and_runs_without_rust() {
    let Some(wheels) = wheels() else {
        return;
    };
    let venv = tempfile::tempdir().expect("temp dir");
    let out = run(Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv.path()));
    assert!(out.status.success(), "python3 -m venv: {}", text(&out));
    let bin = venv.path().join("bin");
    let path = path_without_rust(&bin);

    let started = Instant::now();
    let out = run(Command::new(bin.join("pip"))
        .args([
            "install",
            "--no-index",
            "--disable-pip-version-check",
            "--find-links",
        ])
        .arg(&wheels)
        .arg(format!("streamlock=={VERSION}"))
        .env("PATH", &path));
    let install = started.elapsed();
    assert!(out.status.success(), "pip install: {}", text(&out));
    eprintln!(
        "measured: pip install of the wheel into a fresh venv, no index: {:.1} s",
        install.as_secs_f64()
    );

    // The user has no Rust: nothing the wheel installed may need it.
    let which = run(Command::new("sh")
        .args(["-c", "command -v cargo || command -v rustc"])
        .env("PATH", &path));
    assert!(!which.status.success(), "Rust is on PATH: {}", text(&which));

    let out = run(Command::new("streamlock")
        .arg("--version")
        .env("PATH", &path));
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    // Built from this checkout: the commit is this checkout's HEAD (a stale wheel fails here).
    let head = git(&root(), &["rev-parse", "--short=12", "HEAD"]);
    assert_eq!(said.trim(), format!("streamlock {VERSION} (commit {head})"));
    let resolved = run(Command::new("sh")
        .args(["-c", "command -v streamlock"])
        .env("PATH", &path));
    assert_eq!(
        String::from_utf8_lossy(&resolved.stdout).trim(),
        bin.join("streamlock").to_str().expect("UTF-8 path")
    );

    // And it works: a real lint finding from the installed binary.
    let repo = git_repo(BREAKING);
    let out = run(Command::new("streamlock")
        .arg("lint")
        .current_dir(repo.path())
        .env("PATH", &path));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("invalid-from-kind"), "{}", text(&out));

    // The wheel holds the binary and its metadata, no Python module.
    let wheel = std::fs::read_dir(&wheels)
        .expect("wheels")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("streamlock-"))
        })
        .expect("the wheel");
    let listing = run(Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(&wheel));
    let names = String::from_utf8_lossy(&listing.stdout).into_owned();
    let data = format!("streamlock-{VERSION}.data/scripts/streamlock");
    let dist_info = format!("streamlock-{VERSION}.dist-info/");
    assert!(names.lines().any(|n| n == data), "{names}");
    for name in names.lines() {
        assert!(
            name == data || name.starts_with(&dist_info),
            "unexpected {name} in the wheel"
        );
    }
}

/// `pre-commit ARGS` in `repo` as a user without Rust runs it: its own PRE_COMMIT_HOME, pip told to
/// install from `wheels` only.
fn pre_commit(repo: &Path, home: &Path, wheels: &Path, args: &[&str]) -> std::process::Output {
    let venv_bin = Path::new(&which("pre-commit"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    run(Command::new("pre-commit")
        .args(args)
        .args(["--color", "never"])
        .current_dir(repo)
        .env("PATH", path_without_rust(&venv_bin))
        .env("PRE_COMMIT_HOME", home)
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", wheels)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("VIRTUALENV_NO_PERIODIC_UPDATE", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null"))
}

fn which(program: &str) -> String {
    let out = run(Command::new("sh").args(["-c", &format!("command -v {program}")]));
    assert!(out.status.success(), "{program} is not on PATH");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn hook_repository_installs_the_wheel_and_passes_and_fails_where_it_should() {
    let Some(wheels) = wheels() else {
        return;
    };
    if !have("pre-commit") {
        return;
    }
    // The hook repository as it is published: packaging/pre-commit/ alone, committed.
    let hooks = tempfile::tempdir().expect("temp dir");
    git(hooks.path(), &["init", "--quiet"]);
    let source = root().join("packaging/pre-commit");
    for entry in std::fs::read_dir(&source).expect("packaging/pre-commit") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), hooks.path().join(entry.file_name())).expect("copy");
    }
    let rev = commit_all(hooks.path(), "hooks");
    let hooks_repo = hooks.path().to_str().expect("UTF-8 path");

    let repo = imported_repo(CONSISTENT, &["--offline"]);
    let home = tempfile::tempdir().expect("temp dir");
    let try_repo = || {
        pre_commit(
            repo.path(),
            home.path(),
            &wheels,
            &["try-repo", hooks_repo, "--ref", &rev, "--all-files"],
        )
    };

    // try-repo installs into a store of its own every time: the hook's virtualenv, and pip
    // installing the hook repository and the wheel into it.
    assert_offline_hooks_passed(&try_repo());

    // As users run it: a config naming the repository and its tag, a first run that installs the
    // hooks, later runs that start them.
    let config = format!(
        "repos:\n- repo: {hooks_repo}\n  rev: {rev}\n  hooks:\n  - id: streamlock-lint\n  - id: streamlock-check\n"
    );
    write_files(repo.path(), &[(".pre-commit-config.yaml", &config)]);
    commit_all(repo.path(), "hooks");
    let run_hooks = || {
        let started = Instant::now();
        let out = pre_commit(repo.path(), home.path(), &wheels, &["run", "--all-files"]);
        (out, started.elapsed().as_secs_f64())
    };
    let (out, cold) = run_hooks();
    assert_offline_hooks_passed(&out);
    assert!(
        text(&out).contains("Initializing environment"),
        "{}",
        text(&out)
    );
    let (out, warm) = run_hooks();
    assert_offline_hooks_passed(&out);
    assert!(
        !text(&out).contains("Initializing environment"),
        "{}",
        text(&out)
    );
    eprintln!(
        "measured: pre-commit run --all-files, both offline hooks: first run (installs the wheel) {cold:.1} s, next run {warm:.1} s"
    );

    write_files(repo.path(), BREAKING);
    commit_all(repo.path(), "break it");
    assert_offline_hooks_failed(&try_repo());

    // Without the wheel the hook cannot be installed, and pip names the release it lacks.
    let no_wheel = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(&wheels).expect("wheels") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.starts_with("setuptools-") {
            std::fs::copy(&path, no_wheel.path().join(name)).expect("copy");
        }
    }
    let fresh_home = tempfile::tempdir().expect("temp dir");
    let out = pre_commit(
        repo.path(),
        fresh_home.path(),
        no_wheel.path(),
        &["try-repo", hooks_repo, "--ref", &rev, "--all-files"],
    );
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains(&format!(
            "No matching distribution found for streamlock=={VERSION}"
        )),
        "{shown}"
    );
}
