//! `invalid-mapping`: an ImageStreamMapping the API server would reject.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{names, path::FieldPath, reference};

pub static RULE: Rule = Rule {
    id: "invalid-mapping",
    severity: Severity::Error,
    summary: "an ImageStreamMapping the API server would reject",
    help: "An ImageStreamMapping names its stream (metadata.name), the tag (`tag`) and the image (`image`, with metadata.name set to its digest and a dockerImageReference that parses) — ValidateImageStreamMapping. Fill in what is missing.",
    example: crate::lint::fixtures!("invalid-mapping"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let root = FieldPath::root();
    let object = cx.object();
    let text = |node: Option<&crate::load::Node>, key: &str| {
        node.and_then(|n| n.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    // v1 has no dockerImageRepository: the stream is named by metadata.name; upstream reports both
    // fields, with these paths, when neither is set.
    let repository = text(Some(object), "dockerImageRepository");
    if cx.spec().meta.name.is_empty() && repository.is_empty() {
        out.push(Finding::at(&RULE, root.key("name"), "Required value"));
        out.push(Finding::at(
            &RULE,
            root.key("dockerImageRepository"),
            "Required value",
        ));
    }
    if text(Some(object), "tag").is_empty() {
        out.push(Finding::at(&RULE, root.key("tag"), "Required value"));
    }
    // validateImage: the image's metadata (no namespace) and its pull spec.
    let image = object.get("image");
    let path = root.key("image");
    let name = text(image.and_then(|i| i.get("metadata")), "name");
    let name_path = path.key("metadata").key("name");
    if name.is_empty() {
        out.push(Finding::at(&RULE, name_path, names::NAME_REQUIRED));
    } else if let Err(why) = names::path_segment_name(&name) {
        out.push(Finding::at(
            &RULE,
            name_path,
            format!("Invalid value: {name:?}: {why}"),
        ));
    }
    let pull_spec = text(image, "dockerImageReference");
    let spec_path = path.key("dockerImageReference");
    if pull_spec.is_empty() {
        out.push(Finding::at(&RULE, spec_path, "Required value"));
    } else if let Err(e) = reference::parse(&pull_spec) {
        out.push(Finding::at(
            &RULE,
            spec_path,
            format!("Invalid value: {pull_spec:?}: {e}"),
        ));
    }
}
