//! `invalid-import-mode`: importPolicy.importMode is not Legacy or PreserveOriginal.

use crate::lint::{Check, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "invalid-import-mode",
    severity: Severity::Error,
    summary: "importPolicy.importMode is not Legacy or PreserveOriginal",
    help: "importMode must be `Legacy` (import one platform of a manifest list), `PreserveOriginal` (keep the whole list) or empty (the cluster default).",
    example: crate::lint::fixtures!("invalid-import-mode"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let mode = tag.import_policy.import_mode.as_str();
        if matches!(mode, "" | "Legacy" | "PreserveOriginal") || cx.opaque(mode) {
            continue;
        }
        out.push(Finding::at(
            &RULE,
            path.key("importPolicy").key("importMode"),
            format!("Invalid value: {mode:?}: invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'"),
        ));
    }
}
