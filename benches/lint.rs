//! In-process lint cost on the real-world corpus (STREAMLOCK_CORPUS) or, without it, the fixtures,
//! each pass spread over the rayon pool as `lint` does:
//! - `parser_events`: read every file and pull the YAML parser's events, nothing built (the floor
//!   under our loader);
//! - `parse_only`: read and load every file into the spanned tree, then drop it (the floor under
//!   lint: what no rule can avoid);
//! - `lint_all`: the whole lint, rules and cross-stream checks included.
//!
//! `cargo bench --bench lint`; `bench/lint.sh` puts these beside process-level timings.

use std::path::{Path, PathBuf};

use granit_parser::{Options, Parser};
use rayon::prelude::*;
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

#[divan::bench(sample_count = 10)]
fn parser_events(bencher: divan::Bencher) {
    let files = files();
    let limits = Limits::default();
    let mut options = Options::default();
    options.block_nesting_limit = limits.max_depth;
    options.flow_nesting_limit = limits.max_depth;
    bencher.bench(|| {
        files
            .par_iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .map(|text| {
                Parser::new_from_str_with_options(&text, options.clone())
                    .take_while(Result::is_ok)
                    .count()
            })
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 10)]
fn parse_only(bencher: divan::Bencher) {
    let files = files();
    bencher.bench(|| {
        files
            .par_iter()
            .filter_map(|f| load::load_file(f, Limits::default()).ok())
            .map(|f| f.parsed.documents.len())
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 10)]
fn lint_all(bencher: divan::Bencher) {
    let files = files();
    bencher.bench(|| {
        lint::lint_files(&files, &LintOptions::default(), &Config::default())
            .reports
            .len()
    });
}
