//! `unresolved-stream`: an ImageStreamTag/ImageStreamImage source names a stream that is not in the linted files.

use crate::lint::{Check, Context, CrossCheck, Finding, Rule, Severity};
use crate::model::{
    reference,
    spec::{IMAGE_STREAM_IMAGE, IMAGE_STREAM_TAG, SpecTag, StreamMeta},
};

pub static RULE: Rule = Rule {
    id: "unresolved-stream",
    severity: Severity::Warning,
    summary: "an ImageStreamTag/ImageStreamImage source names a stream that is not in the linted files",
    help: "The referenced stream may live only in the cluster (then this is fine: suppress it), or its name is misspelt. The server rejects the tag with NotFound if the stream does not exist when the tag is created.",
    example: crate::lint::fixtures!("unresolved-stream"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let own = &cx.spec().meta;
    for (tag, path) in cx.spec_tags() {
        let Some((stream, namespace)) = source_stream(tag, own) else {
            continue;
        };
        if cx.opaque(stream) || cx.opaque(namespace) {
            continue;
        }
        if stream == own.name {
            continue;
        }
        let finding = Finding::at(
            &RULE,
            path.key("from").key("name"),
            format!(
                "image stream {:?} is not defined in the linted files; it must exist in namespace {:?} of the cluster",
                stream,
                if namespace.is_empty() {
                    "(this stream's)"
                } else {
                    namespace
                }
            ),
        );
        let check = CrossCheck::NoStream {
            namespace: namespace.to_string(),
            name: stream.to_string(),
        };
        out.push(finding.only_if(check));
    }
}

/// The (stream, namespace) an ImageStreamTag/ImageStreamImage tag reads from.
pub fn source_stream<'a>(tag: &'a SpecTag, own: &'a StreamMeta) -> Option<(&'a str, &'a str)> {
    let from = tag.from.as_ref()?;
    let stream = match from.kind.as_str() {
        IMAGE_STREAM_TAG => reference::split_stream_tag(&from.name).ok()?.0,
        IMAGE_STREAM_IMAGE => reference::split_stream_image(&from.name).ok()?.0,
        _ => return None,
    };
    let namespace = if from.namespace.is_empty() {
        own.namespace.as_str()
    } else {
        from.namespace.as_str()
    };
    Some((stream.unwrap_or(own.name.as_str()), namespace))
}
