//! `missing-from-name`: a spec tag has `from` without a name.

use crate::lint::{Check, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "missing-from-name",
    severity: Severity::Error,
    summary: "a spec tag has `from` without a name",
    help: "When a tag has `from`, from.name is required: the image reference (DockerImage), `<tag>` or `<stream>:<tag>` (ImageStreamTag), or `<stream>@<digest>` (ImageStreamImage). Add the name or remove `from` for a tag without a source.",
    example: crate::lint::fixtures!("missing-from-name"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        if tag.from.as_ref().is_some_and(|f| f.name.is_empty()) {
            out.push(Finding::at(
                &RULE,
                path.key("from").key("name"),
                "Required value",
            ));
        }
    }
}
