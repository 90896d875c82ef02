//! `invalid-namespace`: metadata.namespace is not a valid namespace (or missing, with --require-namespace).

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{names, path::FieldPath};

pub static RULE: Rule = Rule {
    id: "invalid-namespace",
    severity: Severity::Error,
    summary: "metadata.namespace is not a valid namespace (or missing, with --require-namespace)",
    help: "A namespace must be an RFC 1123 label: at most 63 characters of [a-z0-9-], starting and ending with an alphanumeric. A missing namespace is normal in GitOps repositories (kustomize or Argo CD sets it) and is reported only with --require-namespace.",
    example: crate::lint::fixtures!("invalid-namespace"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let path = FieldPath::root().key("metadata").key("namespace");
    let namespace = cx.spec().meta.namespace.as_str();
    if namespace.is_empty() {
        if cx.options.require_namespace {
            out.push(Finding::at(
                &RULE,
                path,
                "Required value: metadata.namespace is required (--require-namespace)",
            ));
        }
    } else if !cx.opaque(namespace)
        && let Err(why) = names::dns1123_label(namespace)
    {
        out.push(Finding::at(
            &RULE,
            path,
            format!("Invalid value: {namespace:?}: {why}"),
        ));
    }
}
