//! `invalid-object-type`: apiVersion or kind is missing, misspelt, or not an ImageStream API version.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::path::FieldPath;

pub static RULE: Rule = Rule {
    id: "invalid-object-type",
    severity: Severity::Error,
    summary: "apiVersion or kind is missing, misspelt, or not an ImageStream API version",
    help: "An ImageStream needs `apiVersion: image.openshift.io/v1` (or the legacy `v1`) and `kind: ImageStream`, spelt exactly so: kubectl and oc refuse an object without them (`apiVersion not set`, `no matches for kind`). Fix the key or the value.",
    example: crate::lint::fixtures!("invalid-object-type"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let object = cx.object();
    let root = FieldPath::root();
    if object.get("kind").is_none() {
        out.push(Finding::at(
            &RULE,
            root.key("kind"),
            "Required value: `kind` is missing (a key differing only in case does not count)",
        ));
    }
    match object.get("apiVersion").map(|v| v.as_str()) {
        None => out.push(Finding::at(
            &RULE,
            root.key("apiVersion"),
            "Required value: `apiVersion` is missing; use image.openshift.io/v1",
        )),
        Some(Some("image.openshift.io/v1" | "v1")) => {}
        Some(Some(v)) if cx.opaque(v) => {}
        Some(other) => out.push(Finding::at(
            &RULE,
            root.key("apiVersion"),
            format!(
                "Invalid value: {:?}: ImageStream is served as image.openshift.io/v1",
                other.unwrap_or("")
            ),
        )),
    }
}
