//! Reports: the same diagnostics as human text (miette), JSON, GitHub workflow commands, SARIF or
//! JUnit. `--format` takes a list, each optionally written to a file: `github,sarif=lint.sarif`.
//! `markdown` holds the escaping and size cap of the Markdown summaries.

pub mod github;
pub mod human;
pub mod import;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::lint::{FileReport, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
    Junit,
}

/// One requested output: a format and where it goes (stdout when `file` is `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub file: Option<PathBuf>,
}

impl FromStr for Output {
    type Err = String;

    fn from_str(s: &str) -> Result<Output, String> {
        let (name, file) = match s.split_once('=') {
            Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
            Some(_) => return Err(format!("`{s}`: give a file after `=`")),
            None => (s, None),
        };
        let format = match name {
            "human" => Format::Human,
            "json" => Format::Json,
            "github" => Format::Github,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            _ => {
                return Err(format!(
                    "unknown format `{name}`: use human, json, github, sarif or junit"
                ));
            }
        };
        Ok(Output { format, file })
    }
}

/// Totals for summary lines and exit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub streams: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of(reports: &[FileReport]) -> Counts {
        let mut counts = Counts {
            files: reports.len(),
            ..Counts::default()
        };
        for report in reports {
            counts.streams += report.streams;
            for d in &report.diagnostics {
                match d.severity {
                    Severity::Error => counts.errors += 1,
                    Severity::Warning => counts.warnings += 1,
                    Severity::Note => counts.notes += 1,
                }
            }
        }
        counts
    }

    /// "2 errors, 1 warning, 0 notes".
    pub fn describe(&self) -> String {
        format!(
            "{}, {}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.notes, "note")
        )
    }
}

/// "1 file", "2 files".
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// A path as shown in reports: relative to the working directory when under it, with `/`.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}
