//! `unknown-field`: a field that an ImageStream does not have (strict field validation reports it).

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{path::Seg, schema::Problem};

pub static RULE: Rule = Rule {
    id: "unknown-field",
    severity: Severity::Warning,
    summary: "a field that an ImageStream does not have (strict field validation reports it)",
    help: "The API server drops unknown fields, or rejects them under strict field validation (`kubectl apply --validate=strict`). Common slips: `apiversion` for `apiVersion`, `importPolicy` directly under `spec` instead of under each tag, `imagePullSecret` under `from`, `labels` at the top level instead of under `metadata`. Move or remove the field.",
    example: crate::lint::fixtures!("unknown-field"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for problem in cx.schema {
        if let Problem::Unknown { path, suggestion } = problem {
            let name = match path.0.last() {
                Some(Seg::Key(k)) => k.as_str(),
                _ => "",
            };
            let hint = match (suggestion, misplaced(name)) {
                (Some(s), _) => format!("; did you mean `{s}`?"),
                (None, Some(hint)) => format!("; {hint}"),
                (None, None) => String::new(),
            };
            out.push(
                Finding::at(&RULE, path.clone(), format!("unknown field `{name}`{hint}")).on_key(),
            );
        }
    }
}

/// Where fields that are often misplaced really belong.
fn misplaced(name: &str) -> Option<&'static str> {
    Some(match name {
        "importPolicy" | "referencePolicy" | "from" | "reference" => {
            "it belongs under each entry of spec.tags"
        }
        "labels" | "annotations" | "name" | "namespace" => "it belongs under metadata",
        "imagePullSecret" | "imagePullSecrets" => {
            "ImageStreams use the namespace's pull secrets; link the secret to a service account instead"
        }
        "local" => "it belongs under spec.lookupPolicy",
        "tags" => "it belongs under spec",
        _ => return None,
    })
}
