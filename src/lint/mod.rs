//! Stage 3: rules over each ImageStream. Errors are exactly what the API server would reject;
//! warnings and notes are streamlock's own advice. Each rule lives in `rules/`, one file each.

pub mod config;
pub mod context;
pub mod docs;
pub mod rules;
pub mod run;

use std::fmt;

use crate::model::path::FieldPath;

pub use config::Config;
pub use context::{Context, CrossCheck, FileContext, FileFinding, LintOptions, RepoIndex};
pub use run::{Diagnostic, FileReport, Linted, lint_files, lint_loaded};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule: its metadata and its check.
pub struct Rule {
    /// Stable id, used in config, suppressions, `--explain` and every output format.
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters and how to fix it (shown by `streamlock lint --explain RULE`).
    pub help: &'static str,
    /// What the rule finds and what it accepts instead, shown in its documentation.
    pub example: Example,
    pub check: Check,
}

/// A rule's fixtures: `bad` triggers it, `good` is the same intent written so it does not. The
/// rule tests lint these very files (fixtures/lint/RULE/).
pub struct Example {
    pub bad: &'static [u8],
    pub good: &'static [u8],
}

/// The [`Example`] of rule `$id`: its fixtures, compiled in.
macro_rules! fixtures {
    ($id:literal) => {
        $crate::lint::Example {
            bad: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/lint/",
                $id,
                "/bad.yaml"
            )),
            good: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/lint/",
                $id,
                "/good.yaml"
            )),
        }
    };
}
pub(crate) use fixtures;

/// What a rule checks: each linted object, or the file as a whole.
#[derive(Clone, Copy)]
pub enum Check {
    Object(fn(&Context, &mut Vec<Finding>)),
    File(fn(&FileContext, &mut Vec<FileFinding>)),
}

impl Rule {
    /// Runs an object rule on one object; a file rule has nothing to say about an object.
    pub fn check_object(&self, cx: &Context, out: &mut Vec<Finding>) {
        if let Check::Object(check) = self.check {
            check(cx, out);
        }
    }

    /// Runs a file rule on one file; an object rule has nothing to say about a file.
    pub fn check_file(&self, cx: &FileContext, out: &mut Vec<FileFinding>) {
        if let Check::File(check) = self.check {
            check(cx, out);
        }
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// What a rule reports: a place named symbolically and a message; `run` turns the place into a span.
#[derive(Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    pub path: FieldPath,
    /// Point at the key (for fields that should not be there) rather than the value.
    pub on_key: bool,
    pub message: String,
    /// A fact about the other linted streams that must hold for the finding to stand; it is
    /// answered once every file has been read.
    pub only_if: Option<CrossCheck>,
}

impl Finding {
    pub fn at(rule: &'static Rule, path: FieldPath, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            path,
            on_key: false,
            message: message.into(),
            only_if: None,
        }
    }

    /// The finding stands only if `check` holds across every linted file.
    pub fn only_if(mut self, check: CrossCheck) -> Finding {
        self.only_if = Some(check);
        self
    }

    pub fn on_key(mut self) -> Finding {
        self.on_key = true;
        self
    }
}
