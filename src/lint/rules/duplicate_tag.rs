//! `duplicate-tag`: two spec tags have the same name; the server silently keeps the last.

use crate::lint::{Context, Finding, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "duplicate-tag",
    severity: Severity::Warning,
    summary: "two spec tags have the same name; the server silently keeps the last",
    help: "spec.tags is a list keyed by name: the API server turns it into a map, so an earlier tag with the same name is dropped without a word. Remove or rename one of them.",
    check,
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let tags = &cx.spec().tags;
    for (i, tag) in tags.iter().enumerate() {
        if let Some(later) = tags[i + 1..].iter().position(|t| t.name == tag.name) {
            let later = &cx.view.tag_paths[i + 1 + later];
            out.push(Finding::at(
                &RULE,
                cx.view.tag_paths[i].key("name"),
                format!(
                    "tag {:?} is defined again at {later}; the server keeps only the last one",
                    tag.name
                ),
            ));
        }
    }
}
