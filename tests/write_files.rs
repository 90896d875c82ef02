//! The file side of write-back: atomic replacement, change detection, transactions, diffs and
//! `--status-dir` documents.

mod write_support;

use std::fs;
use std::path::Path;
use std::process::Command;

use streamlock::load::find_objects;
use streamlock::write::{
    Snapshot, Transaction, TransactionError, read_status, status_document, unified_diff,
    write_atomic,
};
use write_support::{failure_status, load, rich_status, set_status};

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn atomic_write_keeps_permissions_and_follows_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("is.yaml");
    fs::write(&file, "old\n").expect("write");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).expect("chmod");
    write_atomic(&file, Snapshot(Some(b"old\n".to_vec())), b"new\n").expect("written");
    assert_eq!(fs::read_to_string(&file).ok().as_deref(), Some("new\n"));
    assert_eq!(mode(&file), 0o640);

    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink(&file, &link).expect("symlink");
    write_atomic(&link, Snapshot(Some(b"new\n".to_vec())), b"newer\n").expect("written");
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&file).ok().as_deref(), Some("newer\n"));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left behind");
}

#[test]
fn a_file_changed_since_it_was_read_is_not_overwritten_and_nothing_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
    fs::write(&a, "a0").expect("write");
    fs::write(&b, "b0").expect("write");
    let mut t = Transaction::new();
    t.stage(&a, Snapshot(Some(b"a0".to_vec())), b"a1")
        .expect("staged");
    t.stage(&b, Snapshot(Some(b"b0".to_vec())), b"b1")
        .expect("staged");
    fs::write(&b, "b0 edited by someone else").expect("write");
    match t.commit() {
        Err(TransactionError::Changed { path, written }) => {
            assert!(path.ends_with("b.yaml"));
            assert!(written.is_empty());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(fs::read_to_string(&a).ok().as_deref(), Some("a0"));
    assert_eq!(
        fs::read_to_string(&b).ok().as_deref(),
        Some("b0 edited by someone else")
    );
}

#[test]
fn a_failed_rename_puts_back_the_files_already_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths: Vec<_> = ["a", "b", "c"].iter().map(|n| dir.path().join(n)).collect();
    let mut t = Transaction::new();
    for p in &paths {
        fs::write(p, "0").expect("write");
        t.stage(p, Snapshot(None), b"1").expect("staged");
    }
    // A directory now stands where `b` was: renaming a file over it fails.
    fs::remove_file(&paths[1]).expect("rm");
    fs::create_dir(&paths[1]).expect("mkdir");
    let err = t.commit().expect_err("rename over a directory fails");
    assert!(
        err.written().is_empty(),
        "nothing may stay written: {:?}",
        err.written()
    );
    assert_eq!(fs::read_to_string(&paths[0]).ok().as_deref(), Some("0"));
    assert_eq!(fs::read_to_string(&paths[2]).ok().as_deref(), Some("0"));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn new_files_are_created_with_ordinary_permissions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("new.yaml");
    write_atomic(&path, Snapshot(None), b"x").expect("written");
    assert_eq!(fs::read(&path).ok().as_deref(), Some(&b"x"[..]));
    #[cfg(unix)]
    assert_ne!(
        mode(&path) & 0o044,
        0,
        "readable beyond the owner as with the usual umask"
    );
}

/// `git apply` is the judge of whether the diff is the one git would show.
fn git_applies(old: &str, new: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("deploy")).expect("mkdir");
    let file = dir.path().join("deploy/is.yaml");
    fs::write(&file, old).expect("write");
    let diff = unified_diff("deploy/is.yaml", old, new);
    let patch = dir.path().join("p.diff");
    fs::write(&patch, &diff).expect("write");
    let status = Command::new("git")
        .args(["apply", "--whitespace=nowarn", "p.diff"])
        .current_dir(dir.path())
        .status()
        .expect("git runs");
    assert!(status.success(), "git apply rejected:\n{diff}");
    assert_eq!(
        fs::read_to_string(&file).ok().as_deref(),
        Some(new),
        "{diff}"
    );
}

#[test]
fn diffs_apply_with_git_including_missing_final_newlines() {
    let old = "kind: ImageStream\nmetadata:\n  name: a\nspec:\n  tags: []";
    let new = set_status(old, 0, &failure_status(&["latest"])).expect("edited");
    let diff = unified_diff("deploy/is.yaml", old, &new);
    assert!(diff.starts_with("diff --git a/deploy/is.yaml b/deploy/is.yaml\n--- a/deploy/is.yaml\n+++ b/deploy/is.yaml\n@@ "));
    assert!(
        diff.contains("-  tags: []\n\\ No newline at end of file\n+  tags: []\n+status:\n"),
        "{diff}"
    );
    assert!(diff.ends_with("\\ No newline at end of file\n"), "{diff}");
    git_applies(old, &new);
    let crlf = old.replace('\n', "\r\n") + "\r\n";
    git_applies(
        &crlf,
        &set_status(&crlf, 0, &rich_status()).expect("edited"),
    );
    assert_eq!(unified_diff("x", old, old), "");
}

#[test]
fn status_documents_read_back_as_the_status() {
    let status = rich_status();
    let text = status_document("app", "team", &status);
    assert!(text.starts_with("apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: app\n  namespace: team\nstatus:\n  dockerImageRepository: "));
    let file = load("s.yaml", &text);
    let objects = find_objects(&file.parsed.documents);
    assert_eq!(objects.len(), 1);
    assert_eq!(
        objects[0].node.get("status").and_then(read_status),
        Some(status)
    );
}
