//! `legacy-api-version`: `apiVersion: v1` is the legacy, pre-group API for ImageStreams.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::path::FieldPath;

pub static RULE: Rule = Rule {
    id: "legacy-api-version",
    severity: Severity::Note,
    summary: "`apiVersion: v1` is the legacy, pre-group API for ImageStreams",
    help: "OpenShift still serves ImageStreams under the legacy `v1` API, but new tooling (kubectl plugins, schema validators, Argo CD health checks) expects `image.openshift.io/v1`. Change the apiVersion; nothing else changes.",
    example: crate::lint::fixtures!("legacy-api-version"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if cx.object().get("apiVersion").and_then(|v| v.as_str()) == Some("v1") {
        out.push(Finding::at(
            &RULE,
            FieldPath::root().key("apiVersion"),
            "use `apiVersion: image.openshift.io/v1` instead of the legacy `v1`",
        ));
    }
}
