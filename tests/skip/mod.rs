//! What a test does when something it needs is missing: it fails, naming what is missing and how to
//! provide it, unless the run asked to go without exactly that (`STREAMLOCK_ALLOW_SKIP`, a comma
//! list of `corpus`, `tools`, `wheel`, or `all`). Then it says so on stderr and the caller returns;
//! scripts/test.sh prints the skips it was asked for before and after the run.
#![allow(dead_code)]

use std::path::PathBuf;

/// Fails the test unless `STREAMLOCK_ALLOW_SKIP` allows skipping `what`; `missing` says what is
/// missing and how to get it.
pub fn or_fail(what: &str, missing: &str) {
    let allow = std::env::var("STREAMLOCK_ALLOW_SKIP").unwrap_or_default();
    if allow
        .split(',')
        .map(str::trim)
        .any(|w| w == what || w == "all")
    {
        eprintln!("SKIPPED, as STREAMLOCK_ALLOW_SKIP={allow} asks: {missing}");
    } else {
        panic!(
            "cannot run: {missing}. Provide it, or skip this on purpose with STREAMLOCK_ALLOW_SKIP={what}"
        );
    }
}

/// The real-world corpus (`STREAMLOCK_CORPUS`: a directory with `files/` and `MANIFEST.tsv`), or
/// `None` when its tests are skipped on purpose.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("STREAMLOCK_CORPUS").map(PathBuf::from);
    if dir.is_none() {
        or_fail(
            "corpus",
            "STREAMLOCK_CORPUS is not set (the directory of real ImageStream files with a MANIFEST.tsv)",
        );
    }
    dir
}
