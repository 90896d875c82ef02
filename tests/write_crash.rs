//! Crash safety of multi-file writes: a child process replaces many files in transactions over and over
//! and is killed (SIGKILL) at varying moments; after every kill each file must be one complete version,
//! and the files must be the old version or the new one of a single transaction.
//!
//! The child is this same test binary running its ignored `child_writer` test, so no extra binary or
//! hidden command-line entry point is needed.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use streamlock::write::{Snapshot, Transaction};

const FILES: usize = 24;
const DIR_VAR: &str = "STREAMLOCK_TEST_CRASH_DIR";

fn content(file: usize, version: u64) -> String {
    format!(
        "file {file} version {version}\n{}",
        format!("{file}:{version} ").repeat(3000)
    )
}

/// The version a file holds, if it is one complete version of itself.
fn version_of(dir: &Path, file: usize) -> Option<u64> {
    let text = fs::read_to_string(dir.join(format!("{file}.yaml"))).ok()?;
    let version = text
        .lines()
        .next()?
        .strip_prefix(&format!("file {file} version "))?
        .parse()
        .ok()?;
    (text == content(file, version)).then_some(version)
}

#[test]
#[ignore = "run by kill_mid_transaction_leaves_every_file_old_or_new as its child process"]
fn child_writer() {
    let Some(dir) = std::env::var_os(DIR_VAR) else {
        return;
    };
    let dir = Path::new(&dir);
    loop {
        let current: Vec<u64> = (0..FILES)
            .map(|i| version_of(dir, i).unwrap_or(0))
            .collect();
        let next = current.iter().max().copied().unwrap_or(0) + 1;
        let mut transaction = Transaction::new();
        for (i, version) in current.iter().enumerate() {
            let path = dir.join(format!("{i}.yaml"));
            let old = content(i, *version).into_bytes();
            if transaction
                .stage(&path, Snapshot(Some(old)), content(i, next).as_bytes())
                .is_err()
            {
                return;
            }
        }
        if transaction.commit().is_err() {
            return;
        }
    }
}

#[test]
fn kill_mid_transaction_leaves_every_file_old_or_new() {
    let dir = tempfile::tempdir().expect("temp dir");
    for i in 0..FILES {
        fs::write(dir.path().join(format!("{i}.yaml")), content(i, 0)).expect("write");
    }
    let exe = std::env::current_exe().expect("test binary");
    let mut torn_transactions = 0;
    let mut last_max = 0;
    let mut before = vec![0u64; FILES];
    for round in 0..40u64 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "child_writer",
                "--ignored",
                "--test-threads=1",
                "-q",
            ])
            .env(DIR_VAR, dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("child starts");
        // Spread the kills over the child's start-up, staging and renaming.
        std::thread::sleep(Duration::from_millis(20 + (round * 37) % 150));
        child.kill().expect("kill");
        child.wait().expect("reaped");

        let versions: Vec<u64> = (0..FILES)
            .map(|i| {
                version_of(dir.path(), i)
                    .unwrap_or_else(|| panic!("round {round}: file {i} is torn"))
            })
            .collect();
        // The last transaction renamed files in order: a prefix holds its version, the rest hold what
        // the transaction before it wrote (or what the round started with, if none finished).
        let max = versions.iter().max().copied().unwrap_or(0);
        let new = versions.iter().take_while(|&&v| v == max).count();
        let rest = &versions[new..];
        assert!(
            rest.iter().all(|&v| v + 1 == max) || rest == &before[new..],
            "round {round}: not old-or-new of one transaction: {before:?} -> {versions:?}"
        );
        if !rest.is_empty() && new > 0 {
            torn_transactions += 1;
        }
        before = versions;
        assert!(max >= last_max);
        last_max = max;
    }
    for entry in fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            name.ends_with(".yaml") || name.starts_with(".streamlock-"),
            "unexpected file {name}"
        );
    }
    assert!(
        last_max > 0,
        "the child never completed a transaction; the kills tested nothing"
    );
    println!(
        "{last_max} transactions committed; {torn_transactions} of 40 kills landed between two renames"
    );
}
