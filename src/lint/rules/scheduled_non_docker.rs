//! `scheduled-non-docker`: importPolicy.scheduled on an ImageStreamTag or ImageStreamImage source.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::spec::{IMAGE_STREAM_IMAGE, IMAGE_STREAM_TAG};

pub static RULE: Rule = Rule {
    id: "scheduled-non-docker",
    severity: Severity::Error,
    summary: "importPolicy.scheduled on an ImageStreamTag or ImageStreamImage source",
    help: "Only tags pointing to a registry (from.kind DockerImage) can be scheduled for background import. Remove `scheduled`, or point the tag at the registry image.",
    example: crate::lint::fixtures!("scheduled-non-docker"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let kind = tag.from.as_ref().map_or("", |f| f.kind.as_str());
        if tag.import_policy.scheduled && matches!(kind, IMAGE_STREAM_TAG | IMAGE_STREAM_IMAGE) {
            out.push(Finding::at(
                &RULE,
                path.key("importPolicy").key("scheduled"),
                "Invalid value: true: only tags pointing to Docker repositories may be scheduled for background import",
            ));
        }
    }
}
