//! In-process lint cost on the real-world corpus (STREAMLOCK_CORPUS) or, without it, the fixtures:
//! the parse-only floor (read + YAML events → spanned tree) against the whole lint.
//!
//! `cargo bench --bench lint`

use std::path::{Path, PathBuf};

use streamlock::lint::{self, Config, LintOptions};
use streamlock::load::{self, Limits};

fn main() {
    divan::main();
}

fn files() -> Vec<PathBuf> {
    let root = std::env::var_os("STREAMLOCK_CORPUS")
        .map(|c| PathBuf::from(c).join("files"))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    let (files, _) = streamlock::discover::discover(&[root], &[]).expect("discover");
    files
}

/// The floor: read and parse every file, nothing else.
#[divan::bench(sample_count = 10)]
fn parse_only(bencher: divan::Bencher) {
    let files = files();
    bencher.bench(|| {
        files
            .iter()
            .filter_map(|f| load::load_file(f, Limits::default()).ok())
            .map(|f| f.parsed.documents.len())
            .sum::<usize>()
    });
}

/// Parse, index and run every rule (single-threaded parse would be the same work; rayon spreads it).
#[divan::bench(sample_count = 10)]
fn lint_all(bencher: divan::Bencher) {
    let files = files();
    bencher.bench(|| lint::lint_files(&files, &LintOptions::default(), &Config::default()).len());
}
