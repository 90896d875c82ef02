//! JSON for a status, in the file's own layout: indented with its unit (tabs or N spaces), or on one
//! line when the object is written on one line.

use super::shape::Shape;
use super::text::indent_of;
use crate::load::Node;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JsonStyle {
    /// One level of indentation; `None` when the object is written on a single line.
    pub unit: Option<String>,
    /// `": "` or `":"`, as between the object's first key and value.
    pub colon: &'static str,
    /// `","` or `", "`, as between single-line entries.
    pub comma: &'static str,
}

impl JsonStyle {
    pub(crate) fn detect(text: &str, object: &Node) -> JsonStyle {
        let entries = object.as_map().unwrap_or_default();
        let first = entries.first();
        let colon = match first {
            Some(e) if text.get(e.key.span.end..e.value.span.start) == Some(":") => ":",
            _ => ": ",
        };
        let comma = match entries.get(1) {
            Some(second) if text[..second.key.span.start].ends_with(", ") => ", ",
            _ => ",",
        };
        let unit = match first {
            Some(e) if text[object.span.start..e.key.span.start].contains('\n') => {
                let outer = indent_of(text, object.span.start);
                let inner = indent_of(text, e.key.span.start);
                let unit = inner
                    .strip_prefix(outer)
                    .filter(|u| !u.is_empty())
                    .unwrap_or(if inner.starts_with('\t') { "\t" } else { "  " });
                Some(unit.to_string())
            }
            Some(_) => None,
            None => Some("  ".to_string()),
        };
        JsonStyle { unit, colon, comma }
    }

    /// `value` as JSON whose first line continues a line indented by `base` (line breaks are LF).
    pub(crate) fn render(&self, value: &Shape, base: &str) -> String {
        let mut out = String::new();
        self.write(value, base, &mut out);
        out
    }

    fn write(&self, value: &Shape, indent: &str, out: &mut String) {
        match value {
            Shape::Null => out.push_str("null"),
            Shape::Int(i) => out.push_str(&i.to_string()),
            Shape::Str(s, _) => out.push_str(&quoted(s)),
            Shape::Map(fields) => self.container(
                ('{', '}'),
                fields.iter().map(|(k, v)| (Some(*k), v)),
                fields.is_empty(),
                indent,
                out,
            ),
            Shape::Seq(items) => self.container(
                ('[', ']'),
                items.iter().map(|v| (None, v)),
                items.is_empty(),
                indent,
                out,
            ),
        }
    }

    fn container<'v>(
        &self,
        (open, close): (char, char),
        members: impl Iterator<Item = (Option<&'v str>, &'v Shape)>,
        empty: bool,
        indent: &str,
        out: &mut String,
    ) {
        out.push(open);
        if empty {
            out.push(close);
            return;
        }
        let inner = match &self.unit {
            Some(unit) => format!("{indent}{unit}"),
            None => String::new(),
        };
        for (i, (key, value)) in members.enumerate() {
            if i > 0 {
                out.push_str(if self.unit.is_some() { "," } else { self.comma });
            }
            if self.unit.is_some() {
                out.push('\n');
                out.push_str(&inner);
            }
            if let Some(key) = key {
                out.push_str(&quoted(key));
                out.push_str(self.colon);
            }
            self.write(value, &inner, out);
        }
        if self.unit.is_some() {
            out.push('\n');
            out.push_str(indent);
        }
        out.push(close);
    }
}

pub(crate) fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
