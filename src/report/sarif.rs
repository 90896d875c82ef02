//! `--format sarif`: SARIF 2.1.0 for code scanning, with every rule's help.
//!
//! Shaped for GitHub's upload limits (docs.github.com, "SARIF results exceed limit"): a run holding
//! more than 25,000 results is rejected whole, so past [`MAX_RESULTS`] the most severe findings are
//! kept and one last note result says how many were left out and where to find them all.

use serde_json::{Value, json};

use super::display_path;
use crate::lint::{Check, Diagnostic, Example, FileReport, Rule, Severity, rules};
use crate::sanitize;

/// GitHub's hard limit on results per run.
pub const MAX_RESULTS: usize = 25_000;

/// The rule of the note that stands for the results left out; not a lint rule, so it has no
/// `--explain` entry.
static LEFT_OUT: Rule = Rule {
    id: "results-left-out",
    severity: Severity::Note,
    summary: "more findings than one SARIF run may hold; the rest are in the other reports",
    help: "GitHub code scanning rejects a SARIF run with more than 25,000 results, so streamlock keeps \
           the most severe ones and leaves the rest out. Run `streamlock lint --format json` (or \
           human) to see every finding.",
    // Not a lint rule: no fixtures, and written by the SARIF renderer, never by a check.
    example: Example {
        bad: b"",
        good: b"",
    },
    check: Check::File(|_, _| {}),
};

pub fn render(reports: &[FileReport]) -> String {
    let all: Vec<&Rule> = rules::ALL
        .iter()
        .chain(rules::FILE)
        .copied()
        .chain([&LEFT_OUT])
        .collect();
    let rule_docs: Vec<Value> = all
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": display_name(r.id),
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.help},
                "help": {"text": r.help},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let rule_index = |id: &str| all.iter().position(|r| r.id == id);

    let mut findings: Vec<(&FileReport, &Diagnostic)> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
        .collect();
    let total = findings.len();
    if total > MAX_RESULTS {
        // Stable: within a severity, the order of the files and of the findings stays.
        findings.sort_by_key(|(_, d)| std::cmp::Reverse(d.severity));
    }
    let kept = if total > MAX_RESULTS {
        MAX_RESULTS - 1
    } else {
        total
    };
    let mut results: Vec<Value> = findings[..kept]
        .iter()
        .map(|&(report, d)| {
            let message = if d.field.is_empty() {
                d.message.clone()
            } else {
                format!("{}: {}", d.field, d.message)
            };
            json!({
                "ruleId": d.rule.id,
                "ruleIndex": rule_index(d.rule.id),
                "level": level(d.severity),
                "message": {"text": sanitize::line(&message)},
                "locations": [location(report, d.start.line, d.start.column, d.end.line,
                    d.end.column.max(d.start.column + usize::from(d.end.line == d.start.line)))],
            })
        })
        .collect();
    if let Some(&(first_left_out, _)) = findings.get(kept) {
        results.push(json!({
            "ruleId": LEFT_OUT.id,
            "ruleIndex": rule_index(LEFT_OUT.id),
            "level": "note",
            "message": {"text": format!(
                "{} more findings are not in this SARIF file (GitHub accepts at most {MAX_RESULTS} \
                 results per run); `streamlock lint --format json` lists all {total}",
                total - kept
            )},
            "locations": [location(first_left_out, 1, 1, 1, 2)],
        }));
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "streamlock",
                "informationUri": "https://github.com/streamlock/streamlock",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_docs,
            }},
            "results": results,
        }]
    });
    format!("{doc:#}\n")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn location(
    report: &FileReport,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri_reference(&display_path(&report.path))},
            "region": {
                "startLine": start_line,
                "startColumn": start_column,
                "endLine": end_line,
                "endColumn": end_column,
            }
        }
    })
}

/// A path as an RFC 3986 relative reference (or absolute-path reference): every byte but the
/// unreserved characters and the `/` separators percent-encoded, so a space, `%`, `#` or `?` in a
/// file name cannot end the path or turn into another file, and a `:` cannot read as a scheme.
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `duplicate-tag` → `DuplicateTag`: a name distinct from the id, as the SARIF multitool's SARIF1001
/// asks (`name` is for people, `id` is the stable key).
fn display_name(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_references() {
        assert_eq!(uri_reference("deploy/x y.yaml"), "deploy/x%20y.yaml");
        assert_eq!(uri_reference("a%2f#b?.yaml"), "a%252f%23b%3F.yaml");
        assert_eq!(uri_reference("c:/é.yaml"), "c%3A/%C3%A9.yaml");
        assert_eq!(uri_reference("/abs/ok-1_2~.json"), "/abs/ok-1_2~.json");
    }

    #[test]
    fn rule_names_differ_from_ids() {
        assert_eq!(display_name("duplicate-tag"), "DuplicateTag");
        assert_eq!(display_name("yaml-syntax"), "YamlSyntax");
        for rule in rules::ALL.iter().chain(rules::FILE) {
            assert_ne!(display_name(rule.id), rule.id);
        }
    }
}
