//! `insecure-import`: importPolicy.insecure allows plain HTTP and unverified TLS.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{path::FieldPath, spec::INSECURE_REPOSITORY};

pub static RULE: Rule = Rule {
    id: "insecure-import",
    severity: Severity::Warning,
    summary: "importPolicy.insecure allows plain HTTP and unverified TLS",
    help: "With `insecure: true` the image is imported over HTTPS without certificate checks, or over plain HTTP: anyone on the path can substitute the image. Add the registry's CA to the cluster instead, and remove `insecure`.",
    example: crate::lint::fixtures!("insecure-import"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (tag, path) in cx.spec_tags() {
        if tag.import_policy.insecure {
            out.push(Finding::at(
                &RULE,
                path.key("importPolicy").key("insecure"),
                format!("tag {:?} is imported without TLS verification", tag.name),
            ));
        }
    }
    if cx.spec().annotation(INSECURE_REPOSITORY) == Some("true") {
        let path = FieldPath::root()
            .key("metadata")
            .key("annotations")
            .key(INSECURE_REPOSITORY);
        out.push(Finding::at(
            &RULE,
            path,
            "every tag of this stream is imported without TLS verification",
        ));
    }
}
