//! `reference-with-import-policy`: `reference: true` together with an import policy that is never used.

use crate::lint::{Check, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "reference-with-import-policy",
    severity: Severity::Warning,
    summary: "`reference: true` together with an import policy that is never used",
    help: "A `reference: true` tag is never imported: the cluster records from.name as it is. `scheduled` and `insecure` have no effect on it. Remove them, or drop `reference` if you meant to import.",
    example: crate::lint::fixtures!("reference-with-import-policy"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let policy = &tag.import_policy;
        // Not `importMode`: the server defaults it on every tag (image/v1 defaults.go
        // SetDefaults_TagImportPolicy) and `oc tag --reference` sends it, so exported and tagged
        // streams carry it on reference tags too.
        if tag.reference && (policy.scheduled || policy.insecure) {
            out.push(Finding::at(
                &RULE,
                path.key("importPolicy"),
                format!(
                    "tag {:?} is a reference (never imported), so its importPolicy does nothing",
                    tag.name
                ),
            ));
        }
    }
}
