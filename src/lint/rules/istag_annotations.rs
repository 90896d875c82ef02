//! `istag-annotations`: an ImageStreamTag document's tag.annotations differ from its metadata.annotations.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::imagestream::string_map;
use crate::model::path::FieldPath;

pub static RULE: Rule = Rule {
    id: "istag-annotations",
    severity: Severity::Error,
    summary: "an ImageStreamTag document's tag.annotations differ from its metadata.annotations",
    help: "The API server keeps one set of annotations for an ImageStreamTag: its metadata.annotations, which become the spec tag's (ValidateImageStreamTag). Leave tag.annotations out, or make it equal to metadata.annotations.",
    example: crate::lint::fixtures!("istag-annotations"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(annotations) = cx
        .object()
        .get("tag")
        .and_then(|t| t.get("annotations"))
        .filter(|a| a.as_map().is_some())
    else {
        return;
    };
    // Semantic.DeepEqual of two maps: the same pairs, whatever their order (last duplicate wins).
    let as_map = |pairs: Vec<(String, String)>| {
        pairs
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let on_tag = as_map(string_map(Some(annotations)));
    let on_object = as_map(cx.spec().meta.annotations.clone());
    if on_tag != on_object {
        out.push(Finding::at(
            &RULE,
            FieldPath::root().key("tag").key("annotations"),
            "Invalid value: \"<map>\": tag annotations must not be provided or must be equal to the object meta annotations",
        ));
    }
}
