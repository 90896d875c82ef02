//! Writing one string as a YAML scalar: plain where that reads back as the same string, quoted otherwise.

use crate::load::{Scalar, ScalarStyle, Value};

/// How the file quotes a kind of value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quote {
    Plain,
    Single,
    Double,
}

/// `s` as a YAML scalar in the preferred style, falling back to the next style that can hold it.
pub(crate) fn yaml_scalar(s: &str, preferred: Quote) -> String {
    match preferred {
        Quote::Plain if plain_is_safe(s) => s.to_string(),
        Quote::Single if !s.chars().any(char::is_control) => format!("'{}'", s.replace('\'', "''")),
        _ => double_quoted(s),
    }
}

/// A plain scalar is written only when it cannot be misread: no indicator at the start, no `: ` or
/// ` #` inside, and it resolves as a string under the go-yaml v2 rules Kubernetes decodes with (so
/// `"False"`, `"true"`, `"1.0"`, `"null"` stay quoted).
pub(crate) fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@`<=~ \t".contains(first)
        || s.ends_with([' ', ':'])
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(|c| c.is_control() || c == '\u{feff}')
    {
        return false;
    }
    let scalar = Scalar {
        text: s.to_string(),
        style: ScalarStyle::Plain,
        tag: None,
    };
    matches!(scalar.value(), Value::Str(_))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_would_change_type_are_quoted() {
        for s in [
            "False", "true", "yes", "1.0", "10", "null", "~", "", "0x1F", ".inf",
        ] {
            assert_eq!(yaml_scalar(s, Quote::Plain), format!("\"{s}\""), "{s}");
        }
    }

    #[test]
    fn digests_times_and_messages_stay_plain_when_safe() {
        for s in [
            "sha256:0123abcd",
            "quay.io/a/b@sha256:0123abcd",
            "2026-11-22T10:00:00Z",
            "ImportSuccess",
            "manifest unknown",
        ] {
            assert_eq!(yaml_scalar(s, Quote::Plain), s);
        }
    }

    #[test]
    fn indicators_and_comment_markers_force_quotes() {
        assert_eq!(yaml_scalar("a: b", Quote::Plain), "\"a: b\"");
        assert_eq!(yaml_scalar("a #b", Quote::Plain), "\"a #b\"");
        assert_eq!(yaml_scalar("*x", Quote::Plain), "\"*x\"");
        assert_eq!(
            yaml_scalar("line\n\"q\"\\", Quote::Plain),
            "\"line\\n\\\"q\\\"\\\\\""
        );
    }

    #[test]
    fn preferred_quotes_are_kept_when_they_can_hold_the_value() {
        assert_eq!(yaml_scalar("it's", Quote::Single), "'it''s'");
        assert_eq!(yaml_scalar("a\tb", Quote::Single), "\"a\\tb\"");
        assert_eq!(yaml_scalar("sha256:ab", Quote::Double), "\"sha256:ab\"");
    }
}
