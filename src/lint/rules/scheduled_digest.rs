//! `scheduled-digest`: a scheduled tag whose source is a digest: it is imported once and never again.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{reference, spec::DOCKER_IMAGE};

pub static RULE: Rule = Rule {
    id: "scheduled-digest",
    severity: Severity::Warning,
    summary: "a scheduled tag whose source is a digest: it is imported once and never again",
    help: "A digest never moves, so the scheduler drops a digest reference after its first successful import. Drop `scheduled`, or point the tag at a tag (`repo:tag`, or `repo:tag@sha256:…` with `streamlock import --pin`) to follow updates.",
    example: crate::lint::fixtures!("scheduled-digest"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let Some(from) = tag.from.as_ref().filter(|f| f.kind == DOCKER_IMAGE) else {
            continue;
        };
        if !tag.import_policy.scheduled {
            continue;
        }
        if reference::parse(&from.name).is_ok_and(|r| !r.id.is_empty()) {
            out.push(Finding::at(
                &RULE,
                path.key("importPolicy").key("scheduled"),
                format!(
                    "{:?} is a digest: scheduled import stops after the first success",
                    from.name
                ),
            ));
        }
    }
}
