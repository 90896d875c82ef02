//! A file's text with a line index, so byte offsets become `line:column` for every report format.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A position for humans: 1-based line and 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The text of one source file and where its lines start.
#[derive(Debug)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    /// Built on the first position asked for: most files linted have nothing to report.
    line_starts: OnceLock<Vec<usize>>,
}

impl Source {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Source {
        Source {
            path: path.into(),
            text,
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The position of a byte offset (clamped to the text, and to a character boundary).
    pub fn position(&self, byte: usize) -> Position {
        let mut byte = byte.min(self.text.len());
        while !self.text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&start| start <= byte);
        let start = line_starts[line - 1];
        // A byte-order mark is invisible in editors: columns on the first line do not count it.
        let mark = usize::from(start == 0 && byte > 0 && self.text.starts_with('\u{feff}'));
        let column = self.text[start..byte].chars().count() + 1 - mark;
        Position { line, column }
    }

    /// The byte offset of a 1-based line and 0-based character column (clamped).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        rest[..line_end]
            .char_indices()
            .nth(column)
            .map_or(start + line_end, |(i, _)| start + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let src = Source::new("x", "ab\nçd: e\n".to_string());
        assert_eq!(src.position(0), Position { line: 1, column: 1 });
        assert_eq!(src.position(3), Position { line: 2, column: 1 });
        // 'ç' is two bytes: the byte after it is the second character.
        assert_eq!(src.position(5), Position { line: 2, column: 2 });
        assert_eq!(src.position(4), Position { line: 2, column: 1 });
        assert_eq!(src.position(999), Position { line: 3, column: 1 });
        assert_eq!(src.offset_of(2, 1), 5);
        assert_eq!(src.offset_of(9, 0), src.text.len());
    }

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let src = Source::new("x", "\u{feff}kind: x\nb".to_string());
        assert_eq!(src.position(0), Position { line: 1, column: 1 });
        assert_eq!(src.position(3), Position { line: 1, column: 1 });
        assert_eq!(src.position(9), Position { line: 1, column: 7 });
        assert_eq!(src.position(11), Position { line: 2, column: 1 });
    }
}
