//! The unified diff `--diff` prints: what `--write` would change, in the form `git diff` shows.

use similar::TextDiff;

/// A `git diff`-style unified diff of one file (`path` relative, with `/`), empty when nothing changes.
/// A last line without a line break is marked `\ No newline at end of file`, so `git apply` accepts it.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let body = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    format!("diff --git a/{path} b/{path}\n{body}")
}
