//! `deprecated-docker-image-repository`: spec.dockerImageRepository is deprecated.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::path::FieldPath;

pub static RULE: Rule = Rule {
    id: "deprecated-docker-image-repository",
    severity: Severity::Warning,
    summary: "spec.dockerImageRepository is deprecated",
    help: "spec.dockerImageRepository imports up to 50 tags of a whole repository, chosen by the registry, and cannot be reviewed or pinned. Declare the tags you use in spec.tags instead.",
    example: crate::lint::fixtures!("deprecated-docker-image-repository"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if !cx.spec().docker_image_repository.is_empty() {
        out.push(Finding::at(
            &RULE,
            FieldPath::root().key("spec").key("dockerImageRepository"),
            "spec.dockerImageRepository is deprecated; list the tags you need in spec.tags",
        ));
    }
}
