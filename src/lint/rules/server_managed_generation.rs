//! `server-managed-generation`: a spec tag carries a generation other than 0 or null.

use crate::lint::{Check, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "server-managed-generation",
    severity: Severity::Warning,
    summary: "a spec tag carries a generation other than 0 or null",
    help: "spec.tags[].generation is managed by the API server: on create every tag gets 1, on update a value other than 0 is replaced by the stored one. A client may send only null (keep) or 0 (re-import now). Remove the field, or set it to null.",
    example: crate::lint::fixtures!("server-managed-generation"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        if let Some(generation) = tag.generation.filter(|&g| g != 0) {
            out.push(Finding::at(
                &RULE,
                path.key("generation"),
                format!("generation {generation} is set by the server; send null or 0"),
            ));
        }
    }
}
