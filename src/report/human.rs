//! `--format human`: miette's graphical diagnostics with the source snippet, then a summary line.

use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{Counts, display_path};
use crate::lint::{Diagnostic, FileReport, Severity};

pub fn render(reports: &[FileReport], color: bool, summary: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for report in reports {
        let name = display_path(&report.path);
        let source = Named {
            name: &name,
            text: &report.source.text,
        };
        for d in &report.diagnostics {
            let shown = Shown { d, source: &source };
            if handler.render_report(&mut out, &shown).is_err() {
                out.push_str(&format!(
                    "{name}:{}:{}: {}\n",
                    d.start.line, d.start.column, d.message
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
}

impl SourceCode for Named<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One diagnostic as miette sees it.
struct Shown<'a> {
    d: &'a Diagnostic,
    source: &'a Named<'a>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.d.field.is_empty() {
            f.write_str(&self.d.message)
        } else {
            write!(f, "{}: {}", self.d.field, self.d.message)
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
