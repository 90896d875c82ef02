//! Lints every file of the real-world corpus (path in STREAMLOCK_CORPUS, the directory holding
//! MANIFEST.tsv): no panic, a single clear file-level error for each file that is not YAML/JSON,
//! and, elsewhere, only errors from rules that mirror an API-server rejection.

mod skip;

use std::path::PathBuf;

use streamlock::lint::{self, Config, LintOptions, Severity};

/// Rules whose errors are the API server's (or kubectl's) own rejections.
const SERVER_RULES: &[&str] = &[
    "invalid-object-type",
    "invalid-name",
    "invalid-namespace",
    "invalid-metadata",
    "wrong-type",
    "invalid-docker-image-repository",
    "missing-from-name",
    "invalid-from-kind",
    "invalid-image-reference",
    "invalid-from-name-form",
    "scheduled-non-docker",
    "invalid-reference-policy",
    "invalid-import-mode",
    "invalid-status-reference",
    "duplicate-key",
];

#[test]
fn the_corpus_reads_without_false_errors() {
    let Some(root) = skip::corpus() else {
        return;
    };
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let rows: Vec<Vec<&str>> = manifest
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    let files: Vec<PathBuf> = rows.iter().map(|r| root.join(r[0])).collect();
    let not_yaml: Vec<PathBuf> = rows
        .iter()
        .filter(|r| r.get(8).is_some_and(|n| n.contains("NOT valid YAML/JSON")))
        .map(|r| root.join(r[0]))
        .collect();
    assert!(files.len() > 1000, "corpus too small: {}", files.len());
    assert_eq!(not_yaml.len(), 17);

    let reports = lint::lint_files(&files, &LintOptions::default(), &Config::default());
    assert_eq!(reports.len(), files.len());
    let mut streams = 0;
    for report in &reports {
        streams += report.streams;
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if not_yaml.contains(&report.path) {
            assert_eq!(errors.len(), 1, "{}: {errors:?}", report.path.display());
            assert!(
                matches!(errors[0].rule.id, "file-error" | "yaml-syntax"),
                "{}: {:?}",
                report.path.display(),
                errors[0]
            );
        } else {
            for e in errors {
                assert!(
                    SERVER_RULES.contains(&e.rule.id),
                    "{}:{}: unexpected {} error: {}",
                    report.path.display(),
                    e.start.line,
                    e.rule.id,
                    e.message
                );
            }
        }
    }
    assert!(streams > 800, "only {streams} ImageStreams linted");
}
