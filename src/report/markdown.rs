//! Markdown for GitHub (CommonMark with GFM tables): outside text shown exactly as written, never
//! as emphasis, HTML, a link or a broken table, and a size cap that summarises what does not fit.

use crate::sanitize;

/// GitHub's limit on a pull-request body, in characters.
pub const GITHUB_BODY_LIMIT: usize = 65_536;

/// Room kept at the end of a capped document for the note on what was left out.
const NOTE_ROOM: usize = 1_024;

/// Characters that CommonMark or GitHub give a meaning inline: emphasis and strikethrough, code,
/// links and images, raw HTML and entities, table cells, math. CommonMark (spec 0.31, "Backslash
/// escapes") lets a backslash escape any ASCII punctuation, so each is escaped where it stands.
const SPECIAL: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '(', ')', '<', '>', '&', '|', '~', '!', '$', '#',
];

/// `s` as literal inline text, safe in a paragraph, a list item or a table cell: control characters
/// made visible, line breaks included, and every special character backslash-escaped.
pub fn text(s: &str) -> String {
    let clean = sanitize::line(s);
    let mut out = String::with_capacity(clean.len() + 8);
    for c in clean.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as a code span: fenced by one backtick more than its longest run of backticks, padded with a
/// space where it starts or ends with a backtick or a space (CommonMark, "Code spans"). A `|` ends a
/// GFM table cell even inside a code span, and its escape shows literally outside tables, so text
/// holding one is escaped text instead.
pub fn code(s: &str) -> String {
    let clean = sanitize::line(s);
    if clean.contains('|') {
        return text(&clean);
    }
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if clean.starts_with(['`', ' ']) || clean.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{clean}{pad}{fence}")
}

/// A document kept under a size limit: sections are added a row at a time, and once a row does not
/// fit, it and every later row are counted instead and summarised in a closing note that points to
/// the complete report. Nothing is cut silently.
pub struct Capped {
    out: String,
    chars: usize,
    limit: usize,
    /// What was left out: (what the rows are, how many), in section order.
    left_out: Vec<(String, usize)>,
}

impl Capped {
    /// `limit` in characters, as GitHub counts them; at least enough for the closing note.
    pub fn new(limit: usize) -> Capped {
        Capped {
            out: String::new(),
            chars: 0,
            limit: limit.max(NOTE_ROOM * 2),
            left_out: Vec::new(),
        }
    }

    /// Text kept whatever the size (a heading, the totals): short by construction.
    pub fn push(&mut self, s: &str) {
        self.out.push_str(s);
        self.chars += s.chars().count();
    }

    /// `head`, then each row and a line break, then a blank line; `head` only if a row fits. `what`
    /// names the rows in the closing note ("updated tags").
    pub fn section(&mut self, head: &str, rows: impl IntoIterator<Item = String>, what: &str) {
        let budget = self.limit - NOTE_ROOM;
        let head_chars = head.chars().count();
        let mut written = 0;
        let mut skipped = 0;
        for row in rows {
            let row_chars = row.chars().count() + 1;
            let head_cost = if written == 0 { head_chars } else { 0 };
            if skipped == 0 && !self.is_full() && self.chars + head_cost + row_chars < budget {
                if written == 0 {
                    self.push(head);
                }
                self.push(&row);
                self.push("\n");
                written += 1;
            } else {
                skipped += 1;
            }
        }
        if written > 0 {
            self.push("\n");
        }
        if skipped > 0 {
            self.left_out.push((what.to_string(), skipped));
        }
    }

    /// Once a section has been cut, later rows would read as complete sections: leave them out too.
    fn is_full(&self) -> bool {
        !self.left_out.is_empty()
    }

    /// The document, with the note on what was left out (if anything) and where to find it all.
    pub fn finish(mut self, pointer: &str) -> String {
        if self.left_out.is_empty() {
            return self.out;
        }
        let parts: Vec<String> = self
            .left_out
            .iter()
            .map(|(what, n)| format!("{n} {what}"))
            .collect();
        let note = format!(
            "**Not listed here:** {}, to keep this summary under {} characters. {pointer}\n",
            parts.join(", "),
            self.limit
        );
        self.push(&note);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_text() {
        assert_eq!(
            text("*star* <i>h</i> [l](http://x)"),
            "\\*star\\* \\<i\\>h\\</i\\> \\[l\\]\\(http://x\\)"
        );
        assert_eq!(text("a|b\nc\u{1b}"), "a\\|b\\\\u{a}c\\\\u{1b}");
    }

    #[test]
    fn code_spans_hold_any_backticks() {
        assert_eq!(code("quay.io/x:1"), "`quay.io/x:1`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a``"), "``` `a`` ```");
        assert_eq!(code("a|b"), "a\\|b");
    }

    #[test]
    fn a_capped_document_stays_under_its_limit_and_says_what_it_left_out() {
        let mut doc = Capped::new(4_000);
        doc.push("# title\n\n");
        doc.section(
            "| a |\n|---|\n",
            (0..1_000).map(|i| format!("| {i} |")),
            "rows",
        );
        doc.section("### more\n", ["- x".to_string()], "other rows");
        let out = doc.finish("See the JSON report.");
        assert!(out.chars().count() <= 4_000, "{}", out.len());
        assert!(out.contains("| 0 |\n"), "{out}");
        let listed = out.matches("\n| ").count() - 1;
        assert!(
            out.ends_with(&format!(
                "**Not listed here:** {} rows, 1 other rows, to keep this summary under 4000 characters. See the JSON report.\n",
                1_000 - listed
            )),
            "{out}"
        );
        assert!(!out.contains("### more"), "{out}");
    }

    #[test]
    fn a_document_that_fits_is_unchanged() {
        let mut doc = Capped::new(GITHUB_BODY_LIMIT);
        doc.section("head\n", ["row".to_string()], "rows");
        assert_eq!(doc.finish("pointer"), "head\nrow\n\n");
    }
}
