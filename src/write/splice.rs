//! Replacing byte ranges of a text, with a guard that everything outside the ranges is unchanged.

/// Replace `start..end` of the original text with `text` (an insertion when `start == end`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Splice {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies non-overlapping splices. Errors (never panics) on overlapping or out-of-range splices, and
/// when the output's untouched segments differ from the original's — the last line of defence before a
/// damaged file could be written.
pub(crate) fn apply(original: &str, splices: &[Splice]) -> Result<String, String> {
    let mut sorted: Vec<&Splice> = splices.iter().collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    let mut cursor = 0;
    for s in &sorted {
        if s.start < cursor || s.end < s.start || s.end > original.len() {
            return Err("two edits overlap or fall outside the file".into());
        }
        if !original.is_char_boundary(s.start) || !original.is_char_boundary(s.end) {
            return Err("an edit does not fall on a character boundary".into());
        }
        cursor = s.end;
    }
    let mut out =
        String::with_capacity(original.len() + sorted.iter().map(|s| s.text.len()).sum::<usize>());
    let mut kept = Vec::with_capacity(sorted.len() + 1);
    let mut from = 0;
    for s in &sorted {
        kept.push((from, s.start, out.len()));
        out.push_str(&original[from..s.start]);
        out.push_str(&s.text);
        from = s.end;
    }
    kept.push((from, original.len(), out.len()));
    out.push_str(&original[from..]);
    for (start, end, at) in kept {
        if out.as_bytes().get(at..at + (end - start)) != Some(&original.as_bytes()[start..end]) {
            return Err(format!(
                "bytes {start}..{end} would change outside the edited blocks"
            ));
        }
    }
    Ok(out)
}

/// Whole lines inserted at a line start; at the end of a file without a final line break the lines go
/// after a new break and the file still ends without one.
pub(crate) fn insert_lines(text: &str, at: usize, lines: &[String], newline: &str) -> Splice {
    let body = lines.join(newline);
    let text = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        format!("{newline}{body}")
    } else {
        format!("{body}{newline}")
    };
    Splice {
        start: at,
        end: at,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splice(start: usize, end: usize, text: &str) -> Splice {
        Splice {
            start,
            end,
            text: text.into(),
        }
    }

    #[test]
    fn splices_apply_in_order_of_position() {
        let out = apply(
            "abcdef",
            &[splice(4, 5, "E"), splice(0, 1, "AA"), splice(2, 2, "+")],
        );
        assert_eq!(out.as_deref(), Ok("AAb+cdEf"));
    }

    #[test]
    fn overlapping_or_out_of_range_splices_are_errors() {
        assert!(apply("abcdef", &[splice(1, 3, "x"), splice(2, 4, "y")]).is_err());
        assert!(apply("abc", &[splice(2, 9, "x")]).is_err());
        assert!(apply("é", &[splice(1, 1, "x")]).is_err());
    }
}
