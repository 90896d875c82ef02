//! `--format junit`: one test case per file; each error is a failure, for CI dashboards. Valid against
//! Jenkins' junit-10.xsd (jenkinsci/xunit-plugin), which requires `errors` on every `testsuite`.

use std::fmt::Write;

use super::{Counts, display_path};
use crate::lint::{FileReport, Severity};
use crate::sanitize;

pub fn render(reports: &[FileReport]) -> String {
    let counts = Counts::of(reports);
    let failed = reports
        .iter()
        .filter(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // `errors` counts test cases that could not run; lint runs every file, so it is always 0.
    let totals = format!(
        "tests=\"{}\" failures=\"{failed}\" errors=\"0\"",
        counts.files
    );
    let _ = writeln!(
        out,
        "<testsuites name=\"streamlock\" {totals}>\n  <testsuite name=\"streamlock lint\" {totals}>"
    );
    for report in reports {
        let path = display_path(&report.path);
        let _ = write!(
            out,
            "    <testcase classname=\"streamlock.lint\" name=\"{}\"",
            escape(&path)
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
                "{path}:{}:{}: {} [{}] {}",
                d.start.line, d.start.column, d.field, d.rule.id, d.message
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

/// Text for an XML attribute or element, escaped once. XML 1.0 cannot carry most control
/// characters at all, so every one (and any bidi override) is first made visible by the sanitiser.
fn escape(s: &str) -> String {
    let clean = sanitize::line(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_are_escaped_once() {
        assert_eq!(escape("a&b <c> \"d\""), "a&amp;b &lt;c&gt; &quot;d&quot;");
        assert_eq!(escape("x\u{1b}[31m\ny"), "x\\u{1b}[31m\\u{a}y");
    }
}
