//! `invalid-tag-name`: a tag name that `oc tag` would refuse.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::reference;

pub static RULE: Rule = Rule {
    id: "invalid-tag-name",
    severity: Severity::Warning,
    summary: "a tag name that `oc tag` would refuse",
    help: "The API server does not check tag names, but image references do: a tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}, or no pull spec `<stream>:<tag>` can name it and `oc tag` refuses it. Rename the tag.",
    example: crate::lint::fixtures!("invalid-tag-name"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        if !reference::is_valid_tag_name(&tag.name) && !cx.opaque(&tag.name) {
            out.push(Finding::at(
                &RULE,
                path.key("name"),
                format!(
                    "{:?} is not a valid tag name: it must match [\\w][\\w.-]{{0,127}}",
                    tag.name
                ),
            ));
        }
    }
}
