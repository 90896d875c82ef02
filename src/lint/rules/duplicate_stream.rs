//! `duplicate-stream`: another linted manifest defines an ImageStream of the same namespace and name.

use crate::lint::{Check, Context, CrossCheck, Finding, Rule, Severity};
use crate::model::path::FieldPath;

pub static RULE: Rule = Rule {
    id: "duplicate-stream",
    severity: Severity::Warning,
    summary: "another linted manifest defines an ImageStream of the same namespace and name",
    help: "The cluster holds one ImageStream per namespace and name: whichever manifest is applied last \
           replaces the other's tags, and `streamlock import --status-dir` refuses to write one status \
           file for both. Remove or rename all but one definition. Streams without metadata.namespace \
           are not compared, since the namespace they land in is chosen when they are applied.",
    example: crate::lint::fixtures!("duplicate-stream"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let meta = &cx.spec().meta;
    if meta.namespace.is_empty()
        || meta.name.is_empty()
        || cx.opaque(&meta.namespace)
        || cx.opaque(&meta.name)
    {
        return;
    }
    let finding = Finding::at(
        &RULE,
        FieldPath::root().key("metadata").key("name"),
        format!(
            "ImageStream {}/{} is defined more than once in the linted files; the cluster keeps only one",
            meta.namespace, meta.name
        ),
    );
    let check = CrossCheck::DefinedAgain {
        namespace: meta.namespace.clone(),
        name: meta.name.clone(),
    };
    out.push(finding.only_if(check));
}
