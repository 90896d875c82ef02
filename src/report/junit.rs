//! `--format junit`: one test case per file; each error is a failure, for CI dashboards.

use std::fmt::Write;

use super::{Counts, display_path};
use crate::lint::{FileReport, Severity};

pub fn render(reports: &[FileReport]) -> String {
    let counts = Counts::of(reports);
    let failed = reports
        .iter()
        .filter(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"streamlock\" tests=\"{}\" failures=\"{failed}\">\n  <testsuite name=\"streamlock lint\" tests=\"{}\" failures=\"{failed}\">",
        counts.files, counts.files
    );
    for report in reports {
        let name = escape(&display_path(&report.path));
        let _ = write!(
            out,
            "    <testcase classname=\"streamlock.lint\" name=\"{name}\""
        );
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        for d in errors {
            let text = format!(
                "{}:{}:{}: {} [{}] {}",
                name, d.start.line, d.start.column, d.field, d.rule.id, d.message
            );
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                d.rule.id,
                escape(&d.message),
                escape(&text)
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
