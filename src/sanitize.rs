//! One sanitiser for text that came from outside (registry answers, file and tag names) before it
//! reaches a terminal, a file, a report or an annotation.
//!
//! Control characters (C0 but tab and newline where allowed, DEL, C1) could move the cursor, retitle a
//! terminal (OSC) or forge lines in a log; bidirectional overrides (U+202A–U+202E, U+2066–U+2069) make
//! a text read differently from what it is. Each such character becomes `\u{…}`, visible and inert.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The longest registry text kept in a status message, report or terminal line, in characters.
/// OpenShift's own messages are a line; a registry that sends megabytes must not bloat a manifest.
pub const MAX_REMOTE_TEXT: usize = 1024;

/// Whether `c` must not reach an output as itself.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// `text` on one line: every control or bidi character (newlines too) escaped.
pub fn line(text: &str) -> Cow<'_, str> {
    clean(text, false)
}

/// `text` with newlines and tabs kept, every other control or bidi character escaped.
pub fn multiline(text: &str) -> Cow<'_, str> {
    clean(text, true)
}

/// Registry text for a message: one line, at most [`MAX_REMOTE_TEXT`] characters, with a marker
/// saying how much was cut (a limit says so, it never truncates silently).
pub fn remote(text: &str) -> String {
    let cleaned = line(text);
    let count = cleaned.chars().count();
    if count <= MAX_REMOTE_TEXT {
        return cleaned.into_owned();
    }
    let mut out: String = cleaned.chars().take(MAX_REMOTE_TEXT).collect();
    let _ = write!(out, "… ({} more characters cut)", count - MAX_REMOTE_TEXT);
    out
}

fn clean(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_lines && matches!(c, '\n' | '\t');
    if !text.chars().any(|c| unsafe_char(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) && !keep(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            line("docker.io/library/mysql:8"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(line("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(line("x\u{202E}y\u{9b}z"), "x\\u{202e}y\\u{9b}z");
        assert_eq!(line("one\ntwo\r"), "one\\u{a}two\\u{d}");
        assert_eq!(multiline("one\n\ttwo\r"), "one\n\ttwo\\u{d}");
    }

    #[test]
    fn remote_text_is_bounded_and_says_so() {
        let long = "x".repeat(MAX_REMOTE_TEXT + 10);
        let out = remote(&long);
        assert!(out.starts_with(&"x".repeat(MAX_REMOTE_TEXT)));
        assert!(out.ends_with("… (10 more characters cut)"), "{out}");
        assert_eq!(remote("short\u{1b}"), "short\\u{1b}");
    }
}
