//! Line arithmetic on source text shared by the YAML and JSON editors.

/// The file's line ending: CRLF when its first line ends with one, else LF.
pub(crate) fn newline_of(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

pub(crate) fn line_start(text: &str, pos: usize) -> usize {
    // A byte-order mark is not part of the first line: it takes no column (as `load::source` reads
    // it), and what is inserted before that line's text goes after the mark.
    let first = if text.starts_with('\u{feff}') { 3 } else { 0 };
    text[..pos].rfind('\n').map_or(first.min(pos), |i| i + 1)
}

/// Byte column of `pos` on its line (indentation is ASCII, so bytes are columns there).
pub(crate) fn column(text: &str, pos: usize) -> usize {
    pos - line_start(text, pos)
}

/// The whitespace that starts the line holding `pos`.
pub(crate) fn indent_of(text: &str, pos: usize) -> &str {
    let start = line_start(text, pos);
    let line = &text[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// The position just after the line break ending the line that holds `pos` (or the end of the text).
pub(crate) fn next_line_start(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// Moves `end` back over trailing whitespace and line breaks, so a range ends at its last visible byte.
pub(crate) fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start
        + text[start..end]
            .trim_end_matches([' ', '\t', '\r', '\n'])
            .len()
}

/// Extends `end` over the rest of its line when that rest is only blanks and a comment.
pub(crate) fn through_comment(text: &str, end: usize) -> usize {
    let rest_end = text[end..]
        .find(['\r', '\n'])
        .map_or(text.len(), |i| end + i);
    let rest = text[end..rest_end].trim_start_matches([' ', '\t']);
    if rest.is_empty() || rest.starts_with('#') {
        rest_end
    } else {
        end
    }
}

/// Turns LF line breaks of rendered text into the file's line ending.
pub(crate) fn with_newline(rendered: String, newline: &str) -> String {
    if newline == "\n" {
        rendered
    } else {
        rendered.replace('\n', newline)
    }
}
