//! `--format github`: workflow commands that GitHub turns into annotations on the diff.

use std::fmt::Write;

use super::{Counts, display_path};
use crate::lint::{FileReport, Severity};
use crate::sanitize;

/// GitHub shows at most this many annotations of each level per step.
const SHOWN_PER_LEVEL: usize = 10;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let file = escape_property(&display_path(&report.path));
        for d in &report.diagnostics {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let message = if d.field.is_empty() {
                d.message.clone()
            } else {
                format!("{}: {}", d.field, d.message)
            };
            let _ = writeln!(
                out,
                "::{level} file={file},line={},col={},endLine={},endColumn={},title={}::{}",
                d.start.line,
                d.start.column,
                d.end.line,
                d.end.column,
                escape_property(&format!("streamlock {}", d.rule.id)),
                escape_data(&message),
            );
        }
    }
    let counts = Counts::of(reports);
    let _ = writeln!(
        out,
        "streamlock: {} in {}",
        counts.describe(),
        super::plural(counts.files, "file")
    );
    if counts.errors > SHOWN_PER_LEVEL || counts.warnings > SHOWN_PER_LEVEL {
        let _ = writeln!(
            out,
            "streamlock: GitHub shows only {SHOWN_PER_LEVEL} annotations of each level per step; see the log or the SARIF report for all"
        );
    }
    out
}

/// The message of a workflow command: the runner decodes `%25`, `%0D` and `%0A` back, so a newline
/// stays a line break of the annotation, and every other control or bidi character is made visible
/// before it could reach the log (actions/toolkit, packages/core/src/command.ts, `escapeData`).
fn escape_data(s: &str) -> String {
    encode(&sanitize::multiline(s))
}

/// A property (`file`, `title`): one line, and `:` and `,` encoded too (`escapeProperty`).
fn escape_property(s: &str) -> String {
    encode(&sanitize::line(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// `sanitize` has already turned `\r` into visible text; what is left to encode is `%` and `\n`.
fn encode(s: &str) -> String {
    s.replace('%', "%25").replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        // A forged command or a terminal escape in a name or message stays inert text.
        assert_eq!(
            escape_data("x\r::error::forged\u{1b}[2J"),
            "x\\u{d}::error::forged\\u{1b}[2J"
        );
        assert_eq!(escape_property("a\nb\u{202e}"), "a\\u{a}b\\u{202e}");
    }
}
