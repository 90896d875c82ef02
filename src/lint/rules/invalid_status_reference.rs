//! `invalid-status-reference`: a status item has no dockerImageReference, or one that does not parse.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{path::FieldPath, reference};

pub static RULE: Rule = Rule {
    id: "invalid-status-reference",
    severity: Severity::Error,
    summary: "a status item has no dockerImageReference, or one that does not parse",
    help: "Every status.tags[].items[] entry needs a dockerImageReference that parses as an image reference. Status is normally written by the cluster or by `streamlock import`; remove the item or re-import.",
    example: crate::lint::fixtures!("invalid-status-reference"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(status) = &cx.view.status else {
        return;
    };
    let base = FieldPath::root().key("status").key("tags");
    for (i, tag) in status.tags.iter().enumerate() {
        for (j, item) in tag.items.iter().enumerate() {
            let path = base
                .named(i, &tag.tag)
                .key("items")
                .index(j)
                .key("dockerImageReference");
            let reference = item.docker_image_reference.as_str();
            if reference.is_empty() {
                out.push(Finding::at(&RULE, path, "Required value"));
            } else if cx.opaque(reference) {
                continue;
            } else if let Err(e) = reference::parse(reference) {
                out.push(Finding::at(
                    &RULE,
                    path,
                    format!("Invalid value: {reference:?}: {e}"),
                ));
            }
        }
    }
}
