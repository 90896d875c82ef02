//! `istag-conflict`: a tag is defined both by an ImageStreamTag document and in its stream's spec.

use crate::lint::{Check, Context, CrossCheck, Finding, Rule, Severity};
use crate::model::path::FieldPath;

pub static RULE: Rule = Rule {
    id: "istag-conflict",
    severity: Severity::Warning,
    summary: "a tag is defined both by an ImageStreamTag document and in its stream's spec",
    help: "Creating an ImageStreamTag for a tag the stream already has fails (`imagestreamtags.image.openshift.io \"STREAM:TAG\" already exists`); `oc apply` turns it into an update that replaces the stream's tag, and the next apply of the ImageStream sets it back. streamlock reads the stream's own definition. Keep the tag in one place.",
    example: crate::lint::fixtures!("istag-conflict"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let meta = &cx.spec().meta;
    for tag in &cx.spec().tags {
        if cx.opaque(&meta.name) || cx.opaque(&tag.name) {
            continue;
        }
        let finding = Finding::at(
            &RULE,
            FieldPath::root().key("metadata").key("name"),
            format!(
                "ImageStream {:?} already defines tag {:?} in its spec: creating this ImageStreamTag fails with `already exists`, applying it replaces the stream's tag until the stream is applied again; streamlock reads the stream's definition",
                meta.name, tag.name
            ),
        );
        let check = CrossCheck::SpecTagDefined {
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            tag: tag.name.clone(),
        };
        out.push(finding.only_if(check));
    }
}
