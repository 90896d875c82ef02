//! `template-source`: a Helm/Go or Jinja2 template that writes an ImageStream.

use crate::lint::{Check, FileContext, FileFinding, Rule, Severity};
use crate::load::Span;

pub static RULE: Rule = Rule {
    id: "template-source",
    severity: Severity::Note,
    summary: "a Helm/Go or Jinja2 template that writes an ImageStream; not linted or imported",
    help: "The file holds template markup (`{{ .Values.x }}`, `{% if %}`) and an ImageStream kind: \
           it is the source of a manifest, not one, so nothing in it can be checked or pinned until it \
           is rendered. Lint and import what it renders (`helm template CHART --output-dir out` then \
           `streamlock lint out`), or keep the ImageStream as plain YAML beside the chart (a kustomize \
           base, say) where streamlock can pin it. Set the rule to `off` to silence this note.",
    example: crate::lint::fixtures!("template-source"),
    check: Check::File(check),
};

fn check(cx: &FileContext, out: &mut Vec<FileFinding>) {
    if let FileContext::Template { language, at } = cx {
        out.push(FileFinding {
            span: Span::new(*at, at + 2),
            message: format!(
                "{language} template source, not a manifest: its ImageStreams are not linted; lint \
                 what it renders instead"
            ),
        });
    }
}
