//! `invalid-image-reference`: a DockerImage from.name is not a valid image reference.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{reference, spec::DOCKER_IMAGE};

pub static RULE: Rule = Rule {
    id: "invalid-image-reference",
    severity: Severity::Error,
    summary: "a DockerImage from.name is not a valid image reference",
    help: "OpenShift parses DockerImage sources with its own reference grammar: lowercase repository path, optional registry host[:port] (no IPv6 literals), tag [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}, digest sha256:<64 hex>. Fix the reference; the message is the server's.",
    example: crate::lint::fixtures!("invalid-image-reference"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let Some(from) = tag.from.as_ref().filter(|f| f.kind == DOCKER_IMAGE) else {
            continue;
        };
        if from.name.is_empty() || cx.opaque(&from.name) {
            continue;
        }
        if let Err(e) = reference::parse(&from.name) {
            out.push(Finding::at(
                &RULE,
                path.key("from").key("name"),
                format!("Invalid value: {:?}: {e}", from.name),
            ));
        }
    }
}
