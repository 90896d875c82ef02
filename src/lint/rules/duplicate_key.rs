//! `duplicate-key`: a mapping key of a linted object is written twice.

use crate::lint::{Check, FileContext, FileFinding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "duplicate-key",
    severity: Severity::Error,
    summary: "a mapping key is written twice",
    help: "Kubernetes clients reject a YAML mapping with a repeated key (`mapping key already \
           defined`), and a JSON reader silently keeps the last value. Remove or merge one of the two.",
    example: crate::lint::fixtures!("duplicate-key"),
    check: Check::File(check),
};

fn check(cx: &FileContext, out: &mut Vec<FileFinding>) {
    let FileContext::Loaded { file, linted } = cx else {
        return;
    };
    // Duplicate keys in other kinds of object (a DeploymentConfig beside the stream) are not ours.
    for dup in &file.parsed.duplicates {
        if !linted
            .iter()
            .any(|s| s.start <= dup.second.start && dup.second.end <= s.end)
        {
            continue;
        }
        let first = file.source.position(dup.first.start);
        out.push(FileFinding {
            span: dup.second,
            message: format!(
                "key `{}` is already defined at line {}",
                dup.key, first.line
            ),
        });
    }
}
