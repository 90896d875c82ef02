//! `invalid-istag-name`: an ImageStreamTag document's metadata.name is not `STREAM:TAG`.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{istag, names, path::FieldPath};

pub static RULE: Rule = Rule {
    id: "invalid-istag-name",
    severity: Severity::Error,
    summary: "an ImageStreamTag document's metadata.name is not `STREAM:TAG`",
    help: "An ImageStreamTag is named `<stream_name>:<tag>`: the API server splits the name at the first `:` and stores the tag in that stream, creating the stream when it does not exist (openshift-apiserver imagestreamtag rest.go Create). Name it so, with a valid ImageStream name before the `:`.",
    example: crate::lint::fixtures!("invalid-istag-name"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let path = FieldPath::root().key("metadata").key("name");
    let name = cx.written_name();
    if cx.opaque(name) {
        return;
    }
    if name.is_empty() {
        out.push(Finding::at(&RULE, path, names::NAME_REQUIRED));
        return;
    }
    // ValidateObjectMeta with path.ValidatePathSegmentName (openshift-apiserver
    // pkg/image/apis/image/validation/validation.go `ValidateImageStreamTagWithWhitelister`).
    if let Err(why) = names::path_segment_name(name) {
        out.push(Finding::at(
            &RULE,
            path,
            format!("Invalid value: {name:?}: {why}"),
        ));
        return;
    }
    let (stream, _, ok) = istag::split_name(name);
    if !ok {
        // rest.go Create: SplitImageStreamTag is not ok.
        out.push(Finding::at(
            &RULE,
            path,
            format!("{name:?} must be of the form <stream_name>:<tag>"),
        ));
    } else if let Err(why) = names::image_stream_name(stream) {
        // The stream the tag is stored in is validated as an ImageStream.
        out.push(Finding::at(
            &RULE,
            path,
            format!("Invalid value: {stream:?}: {why}"),
        ));
    }
}
