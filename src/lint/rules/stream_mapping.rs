//! `stream-mapping`: an ImageStreamMapping is a registry's create-only call, not an object for Git.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::path::FieldPath;

pub static RULE: Rule = Rule {
    id: "stream-mapping",
    severity: Severity::Note,
    summary: "an ImageStreamMapping is a registry's create-only call, not an object for Git",
    help: "The integrated registry creates an ImageStreamMapping after a push to record the image in a tag's history. The API serves only create for it (openshift-apiserver imagestreammapping rest.go): it cannot be read back, so `oc apply` and GitOps tools cannot keep it in sync, and streamlock neither imports nor writes it. To keep a tag in Git, write a spec tag in the ImageStream, or an ImageStreamTag document.",
    example: crate::lint::fixtures!("stream-mapping"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    out.push(Finding::at(
        &RULE,
        FieldPath::root().key("kind"),
        format!(
            "ImageStreamMapping {:?} is a create-only call a registry makes after a push, not a thing to keep in Git: it is not imported or written; use a spec tag or an ImageStreamTag document",
            cx.spec().meta.name
        ),
    ));
}
