//! `invalid-reference-policy`: referencePolicy.type is not Source or Local.

use crate::lint::{Check, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "invalid-reference-policy",
    severity: Severity::Error,
    summary: "referencePolicy.type is not Source or Local",
    help: "referencePolicy.type must be `Source` (pull from the original registry) or `Local` (pull through the integrated registry). An empty value defaults to Source.",
    example: crate::lint::fixtures!("invalid-reference-policy"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let kind = tag.reference_policy.as_str();
        if matches!(kind, "" | "Source" | "Local") || cx.opaque(kind) {
            continue;
        }
        out.push(Finding::at(
            &RULE,
            path.key("referencePolicy").key("type"),
            format!("Invalid value: {kind:?}: valid values are \"Source\", \"Local\""),
        ));
    }
}
