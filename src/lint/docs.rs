//! Rule documentation in ruff's manner (what it checks, why it matters, an example, the fix), one
//! source for `streamlock lint --explain RULE` and docs/rules.md.

use super::{Rule, rules};

/// The full documentation of one rule, as `--explain RULE` prints it.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{} ({} by default)\n\n{}",
        rule.id,
        rule.severity,
        sections(rule, "##")
    )
}

/// docs/rules.md: an index of every rule, then each rule's documentation.
pub fn markdown() -> String {
    let all = || rules::ALL.iter().chain(rules::FILE);
    let mut out = String::from(
        "<!-- Generated from the rules in src/lint/rules/; regenerate with \
         `UPDATE_SNAPSHOTS=1 cargo test --test lint_rules`. -->\n\n\
         # Lint rules\n\n\
         Every rule `streamlock lint` runs, with its default severity. `streamlock lint --explain \
         RULE` prints the same text.\n\n\
         | Rule | Default | What it checks |\n|---|---|---|\n",
    );
    for rule in all() {
        out.push_str(&format!(
            "| [`{id}`](#{id}) | {} | {} |\n",
            rule.severity,
            rule.summary.replace('|', "\\|"),
            id = rule.id
        ));
    }
    for rule in all() {
        out.push_str(&format!(
            "\n## {}\n\nDefault severity: {}.\n\n{}",
            rule.id,
            rule.severity,
            sections(rule, "###")
        ));
    }
    out
}

/// The sections of a rule's documentation, headed at `level` (`##`, `###`).
fn sections(rule: &Rule, level: &str) -> String {
    format!(
        "{level} What it checks\n\n{summary}.\n\n\
         {level} Why it matters and how to fix it\n\n{help}\n\n\
         {level} Example\n\n{bad}\n\
         {level} Use instead\n\n{good}\n\
         {level} Configure\n\n\
         In .streamlock.yaml:\n\n```yaml\nrules:\n  {id}: off | note | warning | error\n```\n\n\
         On one object, with the annotation:\n\n\
         ```yaml\nmetadata:\n  annotations:\n    streamlock.io/ignore: \"{id}: <reason>\"\n```\n",
        summary = sentence(rule.summary),
        help = rule.help,
        bad = yaml_block(rule.example.bad),
        good = yaml_block(rule.example.good),
        id = rule.id,
    )
}

/// A fixture as a fenced block; a fixture that is not UTF-8 on purpose (`file-error`) shows U+FFFD.
fn yaml_block(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("```yaml\n{text}{newline}```\n")
}

/// A summary as a sentence: its first letter capitalised.
fn sentence(summary: &str) -> String {
    let mut chars = summary.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
