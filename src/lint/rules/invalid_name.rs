//! `invalid-name`: metadata.name is missing or not a valid ImageStream name.

use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::{names, path::FieldPath};

pub static RULE: Rule = Rule {
    id: "invalid-name",
    severity: Severity::Error,
    summary: "metadata.name is missing or not a valid ImageStream name",
    help: "The API server requires metadata.name (generateName alone does not work with `oc apply`), matching [a-z0-9]+([._-][a-z0-9]+)* (lowercase, separators only between alphanumerics), not `.` or `..`, without `/` or `%`, and namespace/name at most 255 characters. Rename the stream.",
    example: crate::lint::fixtures!("invalid-name"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let meta = cx.object().get("metadata");
    let path = FieldPath::root().key("metadata");
    let name = cx.written_name();
    if cx.opaque(name) {
        return;
    }
    if name.is_empty() {
        out.push(Finding::at(&RULE, path.key("name"), names::NAME_REQUIRED));
    } else if let Err(why) = names::image_stream_name(name) {
        out.push(Finding::at(
            &RULE,
            path.key("name"),
            format!("Invalid value: {name:?}: {why}"),
        ));
    }
    if let Some(prefix) = meta
        .and_then(|m| m.get("generateName"))
        .and_then(|n| n.as_str())
        && !cx.opaque(prefix)
        && let Err(why) = names::image_stream_name(prefix)
    {
        out.push(Finding::at(
            &RULE,
            path.key("generateName"),
            format!("Invalid value: {prefix:?}: {why}"),
        ));
    }
    let namespace = &cx.spec().meta.namespace;
    if namespace.len() + 1 + name.len() > 255 {
        out.push(Finding::at(
            &RULE,
            path.key("name"),
            format!(
                "Invalid value: {name:?}: 'namespace/name' cannot be longer than 255 characters"
            ),
        ));
    }
}
