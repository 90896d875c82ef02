//! `broken-alias`: an ImageStreamTag alias loops or points at a tag that does not exist.

use crate::lint::{Context, CrossCheck, Finding, Rule, Severity};
use crate::model::{reference, spec::IMAGE_STREAM_TAG};

pub static RULE: Rule = Rule {
    id: "broken-alias",
    severity: Severity::Warning,
    summary: "an ImageStreamTag alias loops or points at a tag that does not exist",
    help: "A tag `from: {kind: ImageStreamTag, name: <stream>:<tag>}` follows its source. When the source tag does not exist in the stream, the alias never gets an image; when aliases form a cycle, none of them does. Point the alias at a tag that has a DockerImage source.",
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let own = &cx.spec().meta;
    for (tag, path) in cx.spec().tags.iter().zip(&cx.view.tag_paths) {
        let Some(from) = tag.from.as_ref().filter(|f| f.kind == IMAGE_STREAM_TAG) else {
            continue;
        };
        let Ok((stream, target)) = reference::split_stream_tag(&from.name) else {
            continue;
        };
        let stream = stream.unwrap_or(&own.name);
        let namespace = if from.namespace.is_empty() {
            own.namespace.as_str()
        } else {
            from.namespace.as_str()
        };
        if cx.opaque(&from.name) {
            continue;
        }
        let path = path.key("from").key("name");
        if stream == own.name && (namespace == own.namespace || from.namespace.is_empty()) {
            if let Some(cycle) = cycle_from(cx, &tag.name) {
                out.push(Finding::at(
                    &RULE,
                    path,
                    format!("aliases form a loop: {}", cycle.join(" -> ")),
                ));
            } else if cx.spec().tag(target).is_none() && !has_status(cx, target) {
                out.push(Finding::at(
                    &RULE,
                    path,
                    format!("tag {target:?} does not exist in this stream"),
                ));
            }
        } else {
            let finding = Finding::at(
                &RULE,
                path,
                format!("image stream {stream:?} has no tag {target:?}"),
            );
            let check = CrossCheck::MissingTag {
                namespace: namespace.to_string(),
                name: stream.to_string(),
                tag: target.to_string(),
            };
            cx.report_if(out, finding, check);
        }
    }
}

fn has_status(cx: &Context, tag: &str) -> bool {
    cx.view
        .status
        .as_ref()
        .is_some_and(|s| s.tags.iter().any(|t| t.tag == tag))
}

/// Follows same-stream aliases from `start`; returns the chain when it comes back to `start`.
fn cycle_from(cx: &Context, start: &str) -> Option<Vec<String>> {
    let mut chain = vec![start.to_string()];
    let mut current = start;
    for _ in 0..cx.spec().tags.len() {
        let from = cx
            .spec()
            .tag(current)?
            .from
            .as_ref()
            .filter(|f| f.kind == IMAGE_STREAM_TAG && f.namespace.is_empty())?;
        let (stream, next) = reference::split_stream_tag(&from.name).ok()?;
        if stream.is_some_and(|s| s != cx.spec().meta.name) {
            return None;
        }
        chain.push(next.to_string());
        if next == start {
            return Some(chain);
        }
        current = next;
    }
    None
}
