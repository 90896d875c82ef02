//! `invalid-metadata`: a label or annotation key, or a label value, is not valid.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{names, path::FieldPath};

pub static RULE: Rule = Rule {
    id: "invalid-metadata",
    severity: Severity::Error,
    summary: "a label or annotation key, or a label value, is not valid",
    help: "Label and annotation keys are qualified names (an optional DNS-subdomain prefix and `/`, then at most 63 characters of [A-Za-z0-9_.-] starting and ending with an alphanumeric); label values are at most 63 such characters or empty; all annotations together are at most 256 KiB. Rename the key or shorten the value.",
    example: crate::lint::fixtures!("invalid-metadata"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let meta = FieldPath::root().key("metadata");
    let labels = cx
        .object()
        .get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.as_map())
        .unwrap_or(&[]);
    for entry in labels {
        let key = entry.key.as_str().unwrap_or("");
        let path = meta.key("labels").key(key);
        if cx.opaque(key) {
            continue;
        }
        if let Err(why) = names::qualified_name(key) {
            out.push(
                Finding::at(
                    &RULE,
                    path.clone(),
                    format!("Invalid value: {key:?}: {why}"),
                )
                .on_key(),
            );
        }
        if let Some(value) = entry.value.as_str().filter(|v| !cx.opaque(v))
            && let Err(why) = names::label_value(value)
        {
            out.push(Finding::at(
                &RULE,
                path,
                format!("Invalid value: {value:?}: {why}"),
            ));
        }
    }
    let mut total = 0;
    for (key, value) in &cx.spec().meta.annotations {
        total += key.len() + value.len();
        if cx.opaque(key) {
            continue;
        }
        if let Err(why) = names::qualified_name(key) {
            let path = meta.key("annotations").key(key);
            out.push(Finding::at(&RULE, path, format!("Invalid value: {key:?}: {why}")).on_key());
        }
    }
    if total > 256 * 1024 {
        out.push(Finding::at(
            &RULE,
            meta.key("annotations"),
            format!("Too long: may not be more than 262144 bytes (has {total})"),
        ));
    }
}
