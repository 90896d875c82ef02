//! `yaml-syntax`: a file that shows an ImageStream kind does not parse.

use crate::lint::{Check, FileContext, FileFinding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "yaml-syntax",
    severity: Severity::Error,
    summary: "a file that shows an ImageStream kind does not parse (or exceeds nesting/alias budgets)",
    help: "kubectl, oc and Argo CD cannot read this document either. Fix the syntax at the position \
           shown. Documents before the error were still linted.",
    example: crate::lint::fixtures!("yaml-syntax"),
    check: Check::File(check),
};

fn check(cx: &FileContext, out: &mut Vec<FileFinding>) {
    if let FileContext::Loaded { file, .. } = cx
        && let Some(error) = &file.parsed.error
    {
        out.push(FileFinding {
            span: error.span,
            message: error.message.clone(),
        });
    }
}
