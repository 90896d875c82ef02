//! `--format sarif`: SARIF 2.1.0 for code scanning, with every rule's help.

use serde_json::{Value, json};

use super::display_path;
use crate::lint::{FileReport, Severity, rules};

pub fn render(reports: &[FileReport]) -> String {
    let all: Vec<_> = rules::ALL.iter().chain(rules::FILE).collect();
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let rule_docs: Vec<Value> = all
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.help},
                "help": {"text": r.help},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|report| {
            let uri = display_path(&report.path);
            let all = &all;
            report.diagnostics.iter().map(move |d| {
                let message = if d.field.is_empty() {
                    d.message.clone()
                } else {
                    format!("{}: {}", d.field, d.message)
                };
                json!({
                    "ruleId": d.rule.id,
                    "ruleIndex": all.iter().position(|r| r.id == d.rule.id),
                    "level": level(d.severity),
                    "message": {"text": message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {
                                "startLine": d.start.line,
                                "startColumn": d.start.column,
                                "endLine": d.end.line,
                                "endColumn": d.end.column.max(d.start.column + usize::from(d.end.line == d.start.line)),
                            }
                        }
                    }]
                })
            })
        })
        .collect();
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
