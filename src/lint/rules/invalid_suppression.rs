//! `invalid-suppression`: a streamlock.io/ignore annotation names an unknown rule or gives no reason.

use crate::lint::{Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "invalid-suppression",
    severity: Severity::Warning,
    summary: "a streamlock.io/ignore annotation names an unknown rule or gives no reason",
    help: "Write one `rule-id: reason` per line in the `streamlock.io/ignore` annotation, e.g. `floating-tag-not-scheduled: rebuilt nightly by CI`. The reason is for the next reader.",
    check,
};

fn check(_: &Context, _: &mut Vec<Finding>) {
    // Reported by the lint driver while it reads the suppressions.
}
