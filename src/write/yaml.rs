//! Block-style YAML for a status: the file's indent width, sequence indentation and quoting.

use super::scalar::{Quote, plain_is_safe, yaml_scalar};
use super::shape::{Shape, StrKind};
use super::text::column;
use crate::load::{Entry, Layout, Node, NodeKind, ScalarStyle};

/// How a file writes block YAML, learnt from the object being edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct YamlStyle {
    /// Columns a nested mapping is indented by.
    pub unit: usize,
    /// Columns the `-` of a block sequence sits right of its key (0 for `tags:\n- a`).
    pub seq_offset: usize,
    pub time: Quote,
    pub digest: Quote,
    /// The quotes for text that cannot be plain.
    pub text: Quote,
}

impl Default for YamlStyle {
    fn default() -> Self {
        YamlStyle {
            unit: 2,
            seq_offset: 0,
            // As `oc get -o yaml` prints a metav1.Time: a YAML 1.1 reader (PyYAML, Ansible) loads a
            // plain one as a datetime, not the string Kubernetes means.
            time: Quote::Double,
            digest: Quote::Plain,
            text: Quote::Double,
        }
    }
}

impl YamlStyle {
    /// Learns the style from the existing status first (it is what the new block replaces), then from
    /// the rest of the object.
    pub(crate) fn detect(text: &str, object: &Node, status: Option<&Node>) -> YamlStyle {
        let mut style = YamlStyle::default();
        let mut unit = None;
        let mut seq_offset = None;
        for scope in status.into_iter().chain([object]) {
            each_entry(scope, &mut |entry| {
                learn_layout(text, entry, &mut unit, &mut seq_offset);
            });
        }
        style.unit = unit.unwrap_or(style.unit);
        style.seq_offset = seq_offset.unwrap_or(style.seq_offset);
        if let Some(status) = status {
            each_entry(status, &mut |entry| learn_quotes(entry, &mut style));
        }
        style
    }

    fn scalar(&self, s: &str, kind: StrKind) -> String {
        match kind {
            StrKind::Time => yaml_scalar(s, self.time),
            StrKind::Digest => yaml_scalar(s, self.digest),
            StrKind::Text if plain_is_safe(s) => s.to_string(),
            StrKind::Text => yaml_scalar(s, self.text),
        }
    }

    /// The lines (without line breaks) of a mapping whose keys sit at `col`.
    pub(crate) fn map_lines(&self, fields: &[(&str, Shape)], col: usize) -> Vec<String> {
        let mut out = Vec::new();
        self.map_into(fields, col, None, &mut out);
        out
    }

    /// `first` replaces the indentation of the first line (`"  - "` for a sequence item).
    fn map_into(
        &self,
        fields: &[(&str, Shape)],
        col: usize,
        first: Option<String>,
        out: &mut Vec<String>,
    ) {
        let mut first = first;
        for (key, value) in fields {
            let prefix = first.take().unwrap_or_else(|| " ".repeat(col));
            match value {
                Shape::Map(inner) if !inner.is_empty() => {
                    out.push(format!("{prefix}{key}:"));
                    self.map_into(inner, col + self.unit, None, out);
                }
                Shape::Seq(items) if !items.is_empty() => {
                    out.push(format!("{prefix}{key}:"));
                    let dash = col + self.seq_offset;
                    for item in items {
                        let item_prefix = format!("{}- ", " ".repeat(dash));
                        match item {
                            Shape::Map(inner) if !inner.is_empty() => {
                                self.map_into(inner, dash + 2, Some(item_prefix), out);
                            }
                            other => out.push(format!("{item_prefix}{}", self.inline(other))),
                        }
                    }
                }
                other => out.push(format!("{prefix}{key}: {}", self.inline(other))),
            }
        }
    }

    fn inline(&self, value: &Shape) -> String {
        match value {
            Shape::Null => "null".into(),
            Shape::Bool(b) => b.to_string(),
            Shape::Int(i) => i.to_string(),
            Shape::Str(s, kind) => self.scalar(s, *kind),
            Shape::Map(_) => "{}".into(),
            Shape::Seq(_) => "[]".into(),
        }
    }
}

fn each_entry(node: &Node, f: &mut impl FnMut(&Entry)) {
    match &node.kind {
        NodeKind::Map(entries, _) => {
            for entry in entries {
                f(entry);
                each_entry(&entry.value, f);
            }
        }
        NodeKind::Seq(items, _) => items.iter().for_each(|item| each_entry(item, f)),
        NodeKind::Scalar(_) => {}
    }
}

fn learn_layout(
    text: &str,
    entry: &Entry,
    unit: &mut Option<usize>,
    seq_offset: &mut Option<usize>,
) {
    let key_col = column(text, entry.key.span.start);
    let key_line_end = text[entry.key.span.end..]
        .find('\n')
        .map_or(text.len(), |i| entry.key.span.end + i);
    match &entry.value.kind {
        NodeKind::Map(entries, Layout::Block)
            if unit.is_none() && entry.value.span.start > key_line_end =>
        {
            if let Some(first) = entries.first() {
                let col = column(text, first.key.span.start);
                *unit = col.checked_sub(key_col).filter(|&u| u > 0);
            }
        }
        NodeKind::Seq(items, Layout::Block) if seq_offset.is_none() => {
            if let Some(first) = items.first() {
                *seq_offset =
                    dash_column(text, first.span.start).and_then(|dash| dash.checked_sub(key_col));
            }
        }
        _ => {}
    }
}

/// The column of the `-` that introduces the sequence item starting at `item_start`.
fn dash_column(text: &str, item_start: usize) -> Option<usize> {
    let line_start = super::text::line_start(text, item_start);
    let before = text[line_start..item_start].trim_end_matches(' ');
    before
        .strip_suffix('-')
        .map(str::len)
        .filter(|_| before.is_ascii())
}

fn learn_quotes(entry: &Entry, style: &mut YamlStyle) {
    let (Some(key), Some(value)) = (entry.key.as_scalar(), entry.value.as_scalar()) else {
        return;
    };
    let quote = match value.style {
        ScalarStyle::SingleQuoted => Quote::Single,
        ScalarStyle::DoubleQuoted => Quote::Double,
        _ => Quote::Plain,
    };
    match key.text.as_str() {
        // A file's single quotes are kept; its plain times are not (see `Default`).
        "created" | "lastTransitionTime" if quote != Quote::Plain => style.time = quote,
        "created" | "lastTransitionTime" => {}
        "image" | "dockerImageReference" if !value.text.is_empty() => style.digest = quote,
        _ if quote != Quote::Plain => style.text = quote,
        _ => {}
    }
}
