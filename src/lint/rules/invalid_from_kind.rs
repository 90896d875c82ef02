//! `invalid-from-kind`: from.kind is missing or not DockerImage, ImageStreamTag or ImageStreamImage.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::spec::{DOCKER_IMAGE, IMAGE_STREAM_IMAGE, IMAGE_STREAM_TAG};

pub static RULE: Rule = Rule {
    id: "invalid-from-kind",
    severity: Severity::Error,
    summary: "from.kind is missing or not DockerImage, ImageStreamTag or ImageStreamImage",
    help: "from.kind must be exactly `DockerImage`, `ImageStreamTag` or `ImageStreamImage` (case-sensitive). The API server reports any other value as Required.",
    example: crate::lint::fixtures!("invalid-from-kind"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let Some(from) = &tag.from else { continue };
        if matches!(
            from.kind.as_str(),
            DOCKER_IMAGE | IMAGE_STREAM_TAG | IMAGE_STREAM_IMAGE
        ) || cx.opaque(&from.kind)
        {
            continue;
        }
        let hint = [DOCKER_IMAGE, IMAGE_STREAM_TAG, IMAGE_STREAM_IMAGE]
            .iter()
            .find(|k| k.eq_ignore_ascii_case(&from.kind))
            .map(|k| format!(" (did you mean {k}?)"))
            .unwrap_or_default();
        out.push(Finding::at(
            &RULE,
            path.key("from").key("kind"),
            format!("Required value: valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'{hint}"),
        ));
    }
}
