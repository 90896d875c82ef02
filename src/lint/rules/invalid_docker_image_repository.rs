//! `invalid-docker-image-repository`: spec.dockerImageRepository is not a valid repository.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{path::FieldPath, reference};

pub static RULE: Rule = Rule {
    id: "invalid-docker-image-repository",
    severity: Severity::Error,
    summary: "spec.dockerImageRepository is not a valid repository",
    help: "spec.dockerImageRepository must be a repository reference without a tag or digest, e.g. `quay.io/org/app`. It is deprecated anyway: prefer one spec tag per image.",
    example: crate::lint::fixtures!("invalid-docker-image-repository"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let repo = cx.spec().docker_image_repository.as_str();
    if repo.is_empty() || cx.opaque(repo) {
        return;
    }
    let path = FieldPath::root().key("spec").key("dockerImageRepository");
    let why = match reference::parse(repo) {
        Err(e) => e.to_string(),
        Ok(r) if !r.tag.is_empty() => "the repository name may not contain a tag".to_string(),
        Ok(r) if !r.id.is_empty() => "the repository name may not contain an ID".to_string(),
        Ok(_) => return,
    };
    out.push(Finding::at(
        &RULE,
        path,
        format!("Invalid value: {repo:?}: {why}"),
    ));
}
