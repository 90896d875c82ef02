//! `duplicate-tag`: two spec tags have the same name; the server silently keeps the last.

use std::collections::HashMap;

use crate::lint::{Check, Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "duplicate-tag",
    severity: Severity::Warning,
    summary: "two spec tags have the same name; the server silently keeps the last",
    help: "spec.tags is a list keyed by name: the API server turns it into a map, so an earlier tag with the same name is dropped without a word. Remove or rename one of them.",
    example: crate::lint::fixtures!("duplicate-tag"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let tags = &cx.spec().tags;
    // The next tag of the same name for each tag, in one pass from the end (streams may hold thousands).
    let mut next_of: HashMap<&str, usize> = HashMap::new();
    let mut next = vec![None; tags.len()];
    for (i, tag) in tags.iter().enumerate().rev() {
        next[i] = next_of.insert(tag.name.as_str(), i);
    }
    for (i, (tag, later)) in tags.iter().zip(next).enumerate() {
        if let Some(later) = later {
            // Both carry the same name, so the field path cannot tell them apart: the line can.
            let line = cx.line_of(&cx.view.tag_paths[later].key("name"));
            out.push(Finding::at(
                &RULE,
                cx.view.tag_paths[i].key("name"),
                format!(
                    "tag {:?} is also defined at line {line}; the server keeps only the last one",
                    tag.name
                ),
            ));
        }
    }
}
