//! `file-error`: a file that shows an ImageStream kind cannot be read as a manifest.

use crate::lint::{Check, FileContext, FileFinding, Rule, Severity};
use crate::load::Span;

pub static RULE: Rule = Rule {
    id: "file-error",
    severity: Severity::Error,
    summary: "the file cannot be read as a manifest",
    help: "The file is unreadable, too large, binary or not UTF-8, and its text shows an ImageStream \
           kind (or could not be read at all, so there is no telling). Fix the file, or exclude it with \
           --exclude or `exclude:` in .streamlock.yaml if it is not a manifest. Files that show no \
           ImageStream are skipped, not reported.",
    example: crate::lint::fixtures!("file-error"),
    check: Check::File(check),
};

fn check(cx: &FileContext, out: &mut Vec<FileFinding>) {
    if let FileContext::Unreadable(error) = cx {
        out.push(FileFinding {
            span: error.at.map_or(Span::default(), |at| Span::new(at, at)),
            message: error.message.clone(),
        });
    }
}
