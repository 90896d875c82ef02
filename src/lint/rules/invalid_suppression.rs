//! `invalid-suppression`: a streamlock.io/ignore annotation names an unknown rule or gives no reason.
//! The same reading of the annotation tells the lint driver which rules an object switches off.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::imagestream::StreamView;
use crate::model::path::FieldPath;

/// Annotation that switches rules off for one object: `"rule-id: reason"`, one per line.
pub const IGNORE_ANNOTATION: &str = "streamlock.io/ignore";

pub static RULE: Rule = Rule {
    id: "invalid-suppression",
    severity: Severity::Warning,
    summary: "a streamlock.io/ignore annotation names an unknown rule or gives no reason",
    help: "Write one `rule-id: reason` per line in the `streamlock.io/ignore` annotation, e.g. `floating-tag-not-scheduled: rebuilt nightly by CI`. The reason is for the next reader.",
    example: crate::lint::fixtures!("invalid-suppression"),
    check: Check::Object(check),
};

/// One line of the annotation.
enum Entry<'a> {
    /// A known rule with a reason: switched off.
    Ignored(&'static Rule),
    NoReason(&'static Rule),
    Unknown(&'a str),
}

fn entries<'a>(view: &'a StreamView<'_>) -> impl Iterator<Item = Entry<'a>> {
    let text = view.spec.annotation(IGNORE_ANNOTATION).unwrap_or("");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (id, reason) = line.split_once(':').unwrap_or((line, ""));
            match super::find(id.trim()) {
                Some(rule) if !reason.trim().is_empty() => Entry::Ignored(rule),
                Some(rule) => Entry::NoReason(rule),
                None => Entry::Unknown(id.trim()),
            }
        })
}

/// The rules this object switches off with a well-formed entry.
pub fn suppressed(view: &StreamView<'_>) -> Vec<&'static str> {
    entries(view)
        .filter_map(|entry| match entry {
            Entry::Ignored(rule) => Some(rule.id),
            Entry::NoReason(_) | Entry::Unknown(_) => None,
        })
        .collect()
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let path = FieldPath::root()
        .key("metadata")
        .key("annotations")
        .key(IGNORE_ANNOTATION);
    for entry in entries(cx.view) {
        let message = match entry {
            Entry::Ignored(_) => continue,
            Entry::NoReason(rule) => format!(
                "suppression of `{}` gives no reason; write `{}: <why>`",
                rule.id, rule.id
            ),
            Entry::Unknown(id) => {
                format!("`{id}` is not a streamlock rule; see `streamlock lint --explain`")
            }
        };
        out.push(Finding::at(&RULE, path.clone(), message));
    }
}
