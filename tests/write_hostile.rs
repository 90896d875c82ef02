//! Hostile trees: links planted in a status directory, a run killed between staging and renaming,
//! files owned by someone else, a file swapped for a link while a run writes, and more changed files
//! than the process may hold open.

mod support;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use streamlock::write::{Snapshot, Transaction, TransactionError, status_path, write_atomic};
use support::cli::{Run, run, streamlock, write_stream};
use support::faults::{MANIFEST, ThreadServer};
use support::images::sha256;

/// `import --status-dir STATUS FILE` in `repo`, against the registry at `addr`.
fn import_to_status_dir(home: &Path, repo: &Path, addr: &str, status: &str, file: &str) -> Run {
    run(streamlock(home).current_dir(repo).args([
        "import",
        "--status-dir",
        status,
        "--insecure-registry",
        addr,
        file,
    ]))
}

#[cfg(unix)]
#[test]
fn links_inside_the_status_directory_are_refused_and_nothing_outside_is_written() {
    use std::os::unix::fs::symlink;
    let server = ThreadServer::every_tag();
    let addr = server.addr.clone();
    let home = tempfile::tempdir().expect("home");
    let root = tempfile::tempdir().expect("root");
    let repo = root.path().join("repo");
    let outside = root.path().join("outside");
    fs::create_dir_all(&outside).expect("outside");
    fs::write(outside.join("precious.txt"), "precious\n").expect("precious");
    // `write_stream` puts every stream in namespace `team`.
    write_stream(&repo, "s", &[("v1", &format!("{addr}/team/app:v1"))]);
    write_stream(
        &repo.join("more"),
        "t",
        &[("v1", &format!("{addr}/team/app:v1"))],
    );
    let status = repo.join("status");
    fs::create_dir_all(status.join("team")).expect("status");
    // A planted file link, and (below) a planted namespace link.
    symlink("../../../outside/precious.txt", status.join("team/s.yaml")).expect("link");

    let out = import_to_status_dir(home.path(), &repo, &addr, "status", "s.yaml");
    assert_ne!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(
            "status/team/s.yaml: is a symbolic link inside the status directory; refused"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        fs::read_to_string(outside.join("precious.txt"))
            .ok()
            .as_deref(),
        Some("precious\n")
    );
    assert!(fs::symlink_metadata(status.join("team/s.yaml")).is_ok_and(|m| m.is_symlink()));

    fs::remove_dir_all(status.join("team")).expect("clear");
    symlink(&outside, status.join("team")).expect("namespace link");
    let out = import_to_status_dir(home.path(), &repo, &addr, "status", "more/t.yaml");
    assert_ne!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("status/team: is a symbolic link"),
        "{}",
        out.stderr
    );
    let mut inside: Vec<_> = fs::read_dir(&outside)
        .expect("outside")
        .map(|e| e.expect("entry").file_name())
        .collect();
    inside.sort();
    assert_eq!(inside, ["precious.txt"], "nothing written through the link");

    // The status directory itself may be a link: the user named it.
    fs::remove_file(status.join("team")).expect("unlink");
    let real = root.path().join("real-status");
    fs::create_dir_all(&real).expect("real");
    let named = root.path().join("named-status");
    symlink(&real, &named).expect("named link");
    assert!(status_path(&named, "team", "t").is_ok());
    let named = named.to_str().expect("utf-8");
    let out = import_to_status_dir(home.path(), &repo, &addr, named, "more/t.yaml");
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(
        fs::read_to_string(real.join("team/t.yaml")).is_ok_and(|s| s.contains(&sha256(MANIFEST)))
    );
}

#[cfg(unix)]
#[test]
fn a_file_swapped_for_a_link_after_staging_is_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("dir");
    let (file, elsewhere) = (dir.path().join("is.yaml"), dir.path().join("elsewhere.txt"));
    fs::write(&file, "old\n").expect("write");
    fs::write(&elsewhere, "old\n").expect("write");
    let mut transaction = Transaction::new();
    transaction
        .stage(&file, Snapshot(Some(b"old\n".to_vec())), b"new\n")
        .expect("staged");
    fs::remove_file(&file).expect("remove");
    symlink(&elsewhere, &file).expect("link");
    let err = transaction
        .commit()
        .expect_err("a link is not the file read");
    assert!(matches!(err, TransactionError::Changed { .. }), "{err}");
    assert_eq!(
        fs::read_to_string(&elsewhere).ok().as_deref(),
        Some("old\n")
    );
}

#[cfg(unix)]
#[test]
fn owner_and_group_are_kept_where_the_process_may() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("is.yaml");
    fs::write(&file, "old\n").expect("write");
    let root = unsafe { libc::geteuid() } == 0;
    let (uid, gid) = if root {
        (4321, 8765)
    } else {
        let meta = fs::metadata(&file).expect("meta");
        (meta.uid(), meta.gid())
    };
    std::os::unix::fs::chown(&file, Some(uid), Some(gid)).expect("chown");
    write_atomic(&file, Snapshot(Some(b"old\n".to_vec())), b"new\n").expect("written");
    let meta = fs::metadata(&file).expect("meta");
    assert_eq!((meta.uid(), meta.gid()), (uid, gid));
    assert_eq!(fs::read_to_string(&file).ok().as_deref(), Some("new\n"));
    if !root {
        eprintln!(
            "NOT TESTED: giving a file back to another owner needs root; only the own-owner case ran"
        );
    }
}

#[test]
fn stale_temporary_files_of_a_killed_run_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().expect("dir");
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let age = |name: &str, at: SystemTime| {
        let path = dir.path().join(name);
        fs::write(&path, "partial").expect("write");
        fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(at))
            .expect("age");
    };
    age(".streamlock-a1B2c3.tmp", hour_ago);
    age(".streamlock-fresh1.tmp", SystemTime::now());
    age(".streamlock-notours.tmp", hour_ago);
    age("keep.tmp", hour_ago);
    write_atomic(&dir.path().join("is.yaml"), Snapshot(None), b"new\n").expect("written");
    let mut left: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".streamlock-fresh1.tmp",
            ".streamlock-notours.tmp",
            "is.yaml",
            "keep.tmp"
        ],
        "only an old file of streamlock's own pattern goes; a running write's file stays"
    );
}

/// Counts the descriptors this process has open.
#[cfg(target_os = "linux")]
fn open_descriptors() -> usize {
    fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn staged_files_hold_no_open_descriptor() {
    let dir = tempfile::tempdir().expect("dir");
    let before = open_descriptors();
    let mut transaction = Transaction::new();
    for i in 0..300 {
        transaction
            .stage(
                &dir.path().join(format!("{i}.yaml")),
                Snapshot(None),
                b"x\n",
            )
            .expect("staged");
    }
    // Other tests of this binary run at the same time; 300 staged files must not show.
    assert!(
        open_descriptors() < before + 50,
        "{before} → {}",
        open_descriptors()
    );
    assert_eq!(transaction.commit().expect("written").len(), 300);
    assert!(Path::new(&dir.path().join("299.yaml")).exists());
}
