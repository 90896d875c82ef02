//! `invalid-from-name-form`: an ImageStreamTag or ImageStreamImage from.name has too many parts.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{
    reference,
    spec::{IMAGE_STREAM_IMAGE, IMAGE_STREAM_TAG},
};

pub static RULE: Rule = Rule {
    id: "invalid-from-name-form",
    severity: Severity::Error,
    summary: "an ImageStreamTag or ImageStreamImage from.name has too many parts",
    help: "ImageStreamTag sources are `<tag>` or `<stream>:<tag>`; ImageStreamImage sources are `<digest>` or `<stream>@<digest>`. Put a namespace in from.namespace, not in the name.",
    example: crate::lint::fixtures!("invalid-from-name-form"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        let Some(from) = &tag.from else { continue };
        if from.name.is_empty() || cx.opaque(&from.name) {
            continue;
        }
        let bad = match from.kind.as_str() {
            IMAGE_STREAM_TAG => reference::split_stream_tag(&from.name).is_err(),
            IMAGE_STREAM_IMAGE => reference::split_stream_image(&from.name).is_err(),
            _ => false,
        };
        if bad {
            out.push(Finding::at(
                &RULE,
                path.key("from").key("name"),
                format!("Invalid value: {:?}: must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>", from.name),
            ));
        }
    }
}
