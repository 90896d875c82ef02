//! `floating-tag-not-scheduled`: a DockerImage tag follows a moving tag such as `latest` but is not scheduled.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{reference, spec::DOCKER_IMAGE};

pub static RULE: Rule = Rule {
    id: "floating-tag-not-scheduled",
    severity: Severity::Note,
    summary: "a DockerImage tag follows a moving tag such as `latest` but is not scheduled",
    help: "Without `importPolicy.scheduled: true` the cluster imports the tag once and never notices when it moves. Schedule it (and let `streamlock import --scheduled` keep Git in step), pin a digest, or point at an immutable version tag.",
    example: crate::lint::fixtures!("floating-tag-not-scheduled"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let Some(from) = tag.from.as_ref().filter(|f| f.kind == DOCKER_IMAGE) else {
            continue;
        };
        if tag.reference || tag.import_policy.scheduled || cx.opaque(&from.name) {
            continue;
        }
        let Ok(parsed) = reference::parse(&from.name) else {
            continue;
        };
        if parsed.id.is_empty()
            && !parsed.name.is_empty()
            && matches!(parsed.tag.as_str(), "" | "latest")
        {
            out.push(Finding::at(
                &RULE,
                path.key("from").key("name"),
                format!("{:?} follows `latest`, but the tag is not scheduled: it is imported once and then goes stale", from.name),
            ));
        }
    }
}
