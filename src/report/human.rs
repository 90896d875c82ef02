//! `--format human`: miette's graphical diagnostics with the source snippet, then a summary line.

use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{Counts, display_path};
use crate::lint::{Diagnostic, FileReport, Severity};
use crate::load::Source;
use crate::sanitize;

pub fn render(reports: &[FileReport], color: bool, summary: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for report in reports {
        // Names and messages may hold text from outside: no control character reaches the terminal.
        let name = sanitize::line(&display_path(&report.path)).into_owned();
        let source = Named {
            name: &name,
            text: &report.source.text,
            source: &report.source,
            lone_returns: has_lone_return(report.source.text.as_bytes()),
        };
        for d in &report.diagnostics {
            let shown = Shown { d, source: &source };
            if handler.render_report(&mut out, &shown).is_err() {
                out.push_str(&format!(
                    "{name}:{}:{}: {}\n",
                    d.start.line,
                    d.start.column,
                    sanitize::line(&d.message)
                ));
            }
        }
    }
    if !summary {
        return out;
    }
    let counts = Counts::of(reports);
    out.push_str(&format!(
        "{} in {} ({})\n",
        counts.describe(),
        super::plural(counts.files, "file"),
        super::plural(counts.streams, "ImageStream")
    ));
    out
}

/// A file's text under its name, so snippets are headed `path:line:col`.
struct Named<'a> {
    name: &'a str,
    text: &'a str,
    source: &'a Source,
    /// miette also ends a line at a `\r` not followed by `\n`; `Source` lines end at `\n` only.
    lone_returns: bool,
}

impl SourceCode for Named<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // miette walks the text from its first byte for every snippet; hand it the text from a few
        // lines above the span instead, and shift its answer back (a large file has many findings).
        let from = window_start(self.text, span.offset(), before);
        let shifted = SourceSpan::new((span.offset() - from).into(), span.len());
        let inner = self.text[from..].read_span(&shifted, before, after)?;
        let lines_before = if self.lone_returns {
            line_breaks(&self.text.as_bytes()[..from])
        } else {
            self.source.position(from).line - 1
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + lines_before,
            inner.column(),
            inner.line_count() + lines_before,
        )))
    }
}

/// The start of the line `context` lines above the one holding byte `at` (a line start in miette's
/// sense too: just after a `\n`), or 0.
fn window_start(text: &str, at: usize, context: usize) -> usize {
    let bytes = &text.as_bytes()[..at.min(text.len())];
    let mut end = bytes.len();
    for _ in 0..=context {
        match bytes[..end].iter().rposition(|&b| b == b'\n') {
            Some(newline) => end = newline,
            None => return 0,
        }
    }
    end + 1
}

/// Line breaks as miette counts them: `\n`, `\r\n` and a lone `\r` each end a line.
fn line_breaks(bytes: &[u8]) -> usize {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    let lone_returns = (0..bytes.len()).filter(|&i| lone_return(bytes, i)).count();
    newlines + lone_returns
}

fn has_lone_return(bytes: &[u8]) -> bool {
    bytes.contains(&b'\r') && (0..bytes.len()).any(|i| lone_return(bytes, i))
}

fn lone_return(bytes: &[u8], i: usize) -> bool {
    bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')
}

/// One diagnostic as miette sees it.
struct Shown<'a> {
    d: &'a Diagnostic,
    source: &'a Named<'a>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&sanitize::line(&self.d.message))
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = sanitize::line(&self.d.message);
        if self.d.field.is_empty() {
            f.write_str(&message)
        } else {
            write!(f, "{}: {message}", sanitize::line(&self.d.field))
        }
    }
}

impl std::error::Error for Shown<'_> {}

impl MietteDiagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.d.rule.id))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "{} (streamlock lint --explain {})",
            self.d.rule.summary, self.d.rule.id
        )))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        (!self.source.text.is_empty()).then_some(self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.text.is_empty() {
            return None;
        }
        let span = self.d.span;
        let len = (span.end - span.start).max(usize::from(span.start < self.source.text.len()));
        let label = LabeledSpan::new_with_span(None, SourceSpan::new(span.start.into(), len));
        Some(Box::new(std::iter::once(label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The windowed read gives miette exactly what reading the whole text would, for every span
    /// start, whatever the line endings.
    #[test]
    fn windowed_snippets_match_whole_text_reads() {
        for text in [
            "a: 1\nb:\n  c: 2\n\nd: [x, y]\n",
            "a: 1\r\nb:\r\n  c: 2\r\n\r\nd: 3",
            "a: 1\rb: 2\r\rc: 3\r",
            "a: \"x\ry\"\nb: 2\r\nc: 3\rd: ç\n",
        ] {
            let source = Source::new("x.yaml", text.to_string());
            let named = Named {
                name: "x.yaml",
                text,
                source: &source,
                lone_returns: has_lone_return(text.as_bytes()),
            };
            for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                for len in [0, 1] {
                    let span = SourceSpan::new(start.into(), len.min(text.len() - start));
                    let ours = named.read_span(&span, 1, 1).unwrap();
                    let whole = text.read_span(&span, 1, 1).unwrap();
                    let parts = |c: &dyn SpanContents| {
                        (
                            c.data().to_vec(),
                            *c.span(),
                            c.line(),
                            c.column(),
                            c.line_count(),
                        )
                    };
                    assert_eq!(parts(&*ours), parts(&*whole), "{text:?} at {start}+{len}");
                }
            }
        }
    }
}
