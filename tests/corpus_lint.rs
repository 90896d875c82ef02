//! Lints every file of the real-world corpus (path in STREAMLOCK_CORPUS, the directory holding
//! MANIFEST.tsv): no panic, no file skipped (every corpus file holds an ImageStream), a single
//! `template-source` note for each Helm/Go or Jinja2 template that is not YAML/JSON until rendered
//! (and for the Ansible templates that read as YAML but hold `{{ }}` placeholders),
//! a single syntax error for the one broken file, and, elsewhere, only errors from rules that mirror
//! an API-server rejection.

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
    // The notes say what each of them is: "(Helm Go template)", "(Jinja2)", "(kube-burner Go
    // template)", "(broken file, not a template)". All 17 show `kind: ImageStream` (or the JSON
    // `"kind": "ImageStream"`), so all 17 are ours.
    let not_yaml = |note: &str| -> Vec<PathBuf> {
        rows.iter()
            .filter(|r| {
                r.get(8)
                    .is_some_and(|n| n.contains("NOT valid YAML/JSON") && n.contains(note))
            })
            .map(|r| root.join(r[0]))
            .collect()
    };
    let templates: Vec<PathBuf> = ["Go template)", "(Jinja2)"]
        .iter()
        .flat_map(|note| not_yaml(note))
        .collect();
    let broken = not_yaml("(broken file");
    assert!(files.len() > 1000, "corpus too small: {}", files.len());
    assert_eq!((templates.len(), broken.len()), (16, 1));

    let linted = lint::lint_files(&files, &LintOptions::default(), &Config::default());
    assert!(linted.skipped.is_empty(), "skipped: {:?}", linted.skipped);
    let reports = linted.reports;
    assert_eq!(reports.len(), files.len());
    let mut streams = 0;
    for report in &reports {
        streams += report.streams;
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let shown = report.path.display();
        if templates.contains(&report.path) {
            let rules: Vec<_> = report.diagnostics.iter().map(|d| d.rule.id).collect();
            assert_eq!(rules, ["template-source"], "{shown}");
        } else if broken.contains(&report.path) {
            assert_eq!(errors.len(), 1, "{shown}: {errors:?}");
            assert_eq!(errors[0].rule.id, "yaml-syntax", "{shown}");
        } else {
            // Ansible templates that read as YAML (`namespace: "{{ guid }}-dev"`) are template
            // sources too: their placeholders are never reported as invalid values.
            let text = std::fs::read_to_string(&report.path).unwrap_or_default();
            for d in &report.diagnostics {
                assert!(
                    !d.message.contains("{{") || d.message.contains("${{"),
                    "{shown}: a placeholder reported: {}",
                    d.message
                );
                if d.rule.id == "template-source" {
                    assert!(text.contains("{{"), "{shown}: no markup");
                }
            }
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
