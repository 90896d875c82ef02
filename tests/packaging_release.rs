//! The release's own scripts, run for real: packaging/release-check.sh (the tag, Cargo.toml,
//! Cargo.lock, the hook repository's pin and CHANGELOG.md must agree) and
//! packaging/sync-pre-commit.sh (publishes packaging/pre-commit/ as the hook repository, tagged),
//! and the hook repository's manifest against the main repository's.

mod hooks_support;

use std::path::Path;
use std::process::{Command, Output};

use hooks_support::{git, git_repo, have, root, run, text};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The files release-check.sh reads, copied into a temp dir, CHANGELOG.md's section dated.
fn release_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "packaging/pre-commit/pyproject.toml",
    ] {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(root().join(file), to).expect("copy");
    }
    let changelog = std::fs::read_to_string(root().join("CHANGELOG.md")).expect("CHANGELOG.md");
    let undated = format!("## {VERSION} - unreleased\n");
    assert!(
        changelog.contains(&undated),
        "CHANGELOG.md has no {undated:?}"
    );
    let dated = changelog.replace(&undated, &format!("## {VERSION} - 2027-01-15\n"));
    std::fs::write(dir.path().join("CHANGELOG.md"), dated).expect("write");
    dir
}

fn release_check(tree: &Path, tag: &str) -> Output {
    run(Command::new(root().join("packaging/release-check.sh"))
        .args([tag, "notes.md"])
        .current_dir(tree))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn release_check_accepts_only_a_tag_every_file_agrees_with() {
    let tree = release_tree();
    let out = release_check(tree.path(), &format!("v{VERSION}"));
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{VERSION}\n"));
    let notes = std::fs::read_to_string(tree.path().join("notes.md")).expect("notes.md");
    assert!(notes.starts_with("\nFirst release.\n"), "{notes}");
    assert!(
        !notes.contains("## "),
        "the notes run past their section: {notes}"
    );

    let refused = |tree: &Path, tag: &str, says: &str| {
        let out = release_check(tree, tag);
        assert_eq!(out.status.code(), Some(1), "{tag}: {}", text(&out));
        assert!(text(&out).contains(says), "{tag}: {}", text(&out));
    };
    refused(tree.path(), VERSION, "is not vX.Y.Z");
    refused(
        tree.path(),
        "v99.0.0",
        &format!("Cargo.toml has version {VERSION}, the tag is v99.0.0"),
    );
    // The repository as it is: the section is not dated yet.
    refused(&root(), &format!("v{VERSION}"), "has no release date");

    // One file out of step with the tag at a time.
    let pin = format!("streamlock=={VERSION}");
    let locked = format!("name = \"streamlock\"\nversion = \"{VERSION}\"");
    for (file, from, to, says) in [
        (
            "packaging/pre-commit/pyproject.toml",
            pin.as_str(),
            "streamlock==0.0.1",
            "has '0.0.1' where the tag has",
        ),
        (
            "Cargo.lock",
            locked.as_str(),
            "name = \"streamlock\"\nversion = \"0.0.1\"",
            "Cargo.lock has streamlock 0.0.1",
        ),
    ] {
        let tree = release_tree();
        edit(&tree.path().join(file), from, to);
        refused(tree.path(), &format!("v{VERSION}"), says);
    }
}

#[test]
fn sync_publishes_exactly_the_hook_repository_and_tags_it() {
    // The published repository as the last release left it, with a file since removed here.
    let published = git_repo(&[("stale-hook.yaml", "- id: gone\n"), ("README.md", "old\n")]);
    let dir = tempfile::tempdir().expect("temp dir");
    let origin = dir.path().join("origin.git");
    let clone = dir.path().join("clone");
    let path = |p: &Path| p.to_str().expect("UTF-8 path").to_owned();
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--bare",
            &path(published.path()),
            &path(&origin),
        ],
    );
    git(
        dir.path(),
        &["clone", "--quiet", &path(&origin), &path(&clone)],
    );

    let out = run(Command::new(root().join("packaging/sync-pre-commit.sh"))
        .arg(&clone)
        .arg(VERSION)
        .current_dir(root())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "release")
        .env("GIT_AUTHOR_EMAIL", "release@localhost")
        .env("GIT_COMMITTER_NAME", "release")
        .env("GIT_COMMITTER_EMAIL", "release@localhost"));
    assert!(out.status.success(), "{}", text(&out));

    let tag = format!("v{VERSION}");
    let files = git(&origin, &["ls-tree", "--name-only", &tag]);
    let mut expected: Vec<String> = std::fs::read_dir(root().join("packaging/pre-commit"))
        .expect("packaging/pre-commit")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    expected.sort();
    assert_eq!(files.lines().collect::<Vec<_>>(), expected);
    let manifest = git(&origin, &["show", &format!("{tag}:.pre-commit-hooks.yaml")]);
    let here = std::fs::read_to_string(root().join("packaging/pre-commit/.pre-commit-hooks.yaml"))
        .expect("manifest");
    assert_eq!(manifest, here.trim_end());
    assert_eq!(
        git(&origin, &["log", "-1", "--format=%s", &tag]),
        format!("streamlock {VERSION}")
    );

    // A version the hook repository does not pin is refused before anything is committed.
    let out = run(Command::new(root().join("packaging/sync-pre-commit.sh"))
        .args([path(&clone).as_str(), "9.9.9"])
        .current_dir(root()));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("does not install streamlock==9.9.9"));
    assert_eq!(git(&clone, &["status", "--porcelain"]), "");
}

/// The hook repository offers the same hooks as the main repository's manifest, installed from the
/// wheel instead of built: every line the same except `language:`.
#[test]
fn hook_repository_offers_the_same_hooks_from_the_wheel_of_this_version() {
    let hooks = |path: &str| -> Vec<String> {
        std::fs::read_to_string(root().join(path))
            .expect(path)
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let main = hooks(".pre-commit-hooks.yaml");
    let wheel = hooks("packaging/pre-commit/.pre-commit-hooks.yaml");
    assert_eq!(main.len(), wheel.len(), "{main:#?}\n{wheel:#?}");
    for (a, b) in main.iter().zip(&wheel) {
        if a.trim() == "language: rust" {
            assert_eq!(b.trim(), "language: python");
        } else {
            assert_eq!(a, b);
        }
    }
    let pyproject = std::fs::read_to_string(root().join("packaging/pre-commit/pyproject.toml"))
        .expect("pyproject.toml");
    assert!(
        pyproject.contains(&format!("\nversion = \"{VERSION}\"\n")),
        "{pyproject}"
    );
    assert!(
        pyproject.contains(&format!("\ndependencies = [\"streamlock=={VERSION}\"]\n")),
        "{pyproject}"
    );
    if have("pre-commit") {
        let manifest = root().join("packaging/pre-commit/.pre-commit-hooks.yaml");
        let out = run(Command::new("pre-commit")
            .arg("validate-manifest")
            .arg(&manifest));
        assert!(out.status.success(), "{}", text(&out));
    }
}
