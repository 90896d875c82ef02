//! `--format json`: the documented contract, one JSON document.

use serde_json::{Value, json};

use super::{Counts, display_path};
use crate::lint::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    let counts = Counts::of(reports);
    let diagnostics: Vec<Value> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics.iter().map(move |d| {
                json!({
                    "file": display_path(&r.path),
                    "line": d.start.line,
                    "column": d.start.column,
                    "end_line": d.end.line,
                    "end_column": d.end.column,
                    "severity": d.severity.as_str(),
                    "rule": d.rule.id,
                    "field": d.field,
                    "message": d.message,
                    "help": d.rule.help,
                })
            })
        })
        .collect();
    let doc = json!({
        "version": 1,
        "files": counts.files,
        "streams": counts.streams,
        "diagnostics": diagnostics,
    });
    format!("{doc:#}\n")
}
