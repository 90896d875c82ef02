//! Stage 3: rules over each ImageStream. Errors are exactly what the API server would reject;
//! warnings and notes are streamlock's own advice. Each rule lives in `rules/`, one file each.

pub mod config;
pub mod context;
pub mod rules;
pub mod run;

use std::fmt;

use crate::model::path::FieldPath;

pub use config::Config;
pub use context::{Context, CrossCheck, RepoIndex};
pub use run::{Diagnostic, FileReport, LintOptions, Linted, lint_files, lint_loaded};

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
    pub check: fn(&Context, &mut Vec<Finding>),
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
}

impl Finding {
    pub fn at(rule: &'static Rule, path: FieldPath, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            path,
            on_key: false,
            message: message.into(),
        }
    }

    pub fn on_key(mut self) -> Finding {
        self.on_key = true;
        self
    }
}

/// The rules that are not tied to an object (the file could not be read, or its YAML is broken).
pub mod file_rules {
    use super::{Rule, Severity};

    fn none(_: &super::Context, _: &mut Vec<super::Finding>) {}

    pub static FILE_ERROR: Rule = Rule {
        id: "file-error",
        severity: Severity::Error,
        summary: "the file cannot be read as a manifest",
        help: "The file is unreadable, too large, binary or not UTF-8, and its text shows an ImageStream \
               kind (or could not be read at all, so there is no telling). Fix the file, or exclude it with \
               --exclude or `exclude:` in .streamlock.yaml if it is not a manifest. Files that show no \
               ImageStream are skipped, not reported.",
        check: none,
    };

    pub static INVALID_CLUSTER_CONFIG: Rule = Rule {
        id: "invalid-cluster-config",
        severity: Severity::Error,
        summary: "the cluster's Image object (config.openshift.io/v1, `cluster`) is malformed",
        help: "The Image object that tells streamlock which cluster the files target has a field of the                wrong type or value at the place shown; the cluster would reject it too. Until it is                fixed, the files are linted for an unconfigured cluster (every registry allowed). See                \"The cluster a repository targets\" in the README.",
        check: none,
    };

    pub static TEMPLATE_SOURCE: Rule = Rule {
        id: "template-source",
        severity: Severity::Note,
        summary: "a Helm/Go or Jinja2 template that writes an ImageStream; not linted or imported",
        help: "The file holds template markup (`{{ .Values.x }}`, `{% if %}`) and an ImageStream kind: \
               it is the source of a manifest, not one, so nothing in it can be checked or pinned until it \
               is rendered. Lint and import what it renders (`helm template CHART --output-dir out` then \
               `streamlock lint out`), or keep the ImageStream as plain YAML beside the chart (a kustomize \
               base, say) where streamlock can pin it. Set the rule to `off` to silence this note.",
        check: none,
    };

    pub static YAML_SYNTAX: Rule = Rule {
        id: "yaml-syntax",
        severity: Severity::Error,
        summary: "a file that shows an ImageStream kind does not parse (or exceeds nesting/alias budgets)",
        help: "kubectl, oc and Argo CD cannot read this document either. Fix the syntax at the position \
               shown. Documents before the error were still linted.",
        check: none,
    };

    pub static DUPLICATE_KEY: Rule = Rule {
        id: "duplicate-key",
        severity: Severity::Error,
        summary: "a mapping key is written twice",
        help: "Kubernetes clients reject a YAML mapping with a repeated key (`mapping key already \
               defined`), and a JSON reader silently keeps the last value. Remove or merge one of the two.",
        check: none,
    };
}
