//! Which files are ours. A repository holds many YAML and JSON files that are not ImageStreams
//! (charts, Ansible vars, other teams' manifests, some of them broken); streamlock speaks only of
//! files that hold an ImageStream, so that someone else's file never fails a lint or an import.
//!
//! - A file whose YAML reads holds ImageStreams when `find_objects` finds one (plain, in a
//!   `List`/`ImageStreamList` or in a `Template`). An `ImageStreamTag` or `ImageStreamMapping`
//!   document found in the same places makes it ours too: it defines (or records) a tag of a stream.
//!   Only whole objects count: the `from.kind: ImageStreamTag` of a BuildConfig trigger is a field.
//! - A file whose YAML does not read (or reads only as template markup: `{{ .Values.x }}` is a
//!   mapping used as a key) is ours only when its text shows an ImageStream kind; see
//!   [`shows_imagestream_kind`]. With Helm/Go or Jinja2 markup it is the source of a template, not a
//!   manifest: nothing in it can be linted or imported until it is rendered.
//! - So is a file that reads, but whose ImageStream holds such markup (`name: "{{ name }}"`).

use std::path::Path;

use super::node::{Node, NodeKind};
use super::objects::{OUR_KINDS, find_kind};
use super::{FileError, LoadedFile};

/// Why a file that holds no ImageStream is skipped, as commands say it.
pub const NOT_IMAGESTREAM: &str = "not ImageStream YAML";

/// What a file is to streamlock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Holds ImageStreams (or ImageStreamTag / ImageStreamMapping documents), or is broken YAML
    /// whose text shows an ImageStream kind.
    Streams,
    /// Template source (Helm/Go, Jinja2) whose text shows an ImageStream: it cannot be read as a
    /// manifest until rendered. `at` is the byte offset of its first markup.
    Template { language: &'static str, at: usize },
    /// Holds no ImageStream: not ours, whatever else it holds.
    Other,
}

/// Classifies a file that was read and parsed.
pub fn classify(file: &LoadedFile) -> Class {
    let text = &file.source.text;
    let objects: Vec<_> = OUR_KINDS
        .iter()
        .flat_map(|kind| find_kind(&file.parsed.documents, kind))
        .collect();
    let broken = file.parsed.error.is_some();
    if let Some(first) = first_markup(text) {
        let template = |at| Class::Template {
            language: language(text, &file.source.path),
            at,
        };
        let roots = || file.parsed.documents.iter().filter_map(|d| d.root.as_ref());
        if broken || roots().any(has_mapping_key) {
            return if !objects.is_empty() || shows_imagestream_kind(text) {
                template(first)
            } else {
                Class::Other
            };
        }
        // Quoted markup (`name: "{{ name }}"`) reads as YAML, but an ImageStream that holds it is
        // still a template's source: its values are placeholders until rendered.
        let in_object = objects.iter().find_map(|o| {
            let span = o.node.span;
            first_markup(text.get(span.start..span.end)?).map(|at| span.start + at)
        });
        if let Some(at) = in_object {
            return template(at);
        }
    }
    if !objects.is_empty() || (broken && shows_imagestream_kind(text)) {
        Class::Streams
    } else {
        Class::Other
    }
}

/// Whether a file that could not be read or decoded (not UTF-8, binary, too large, unreadable) is
/// ours to report: its text shows an ImageStream kind, or there is no text to tell (a limit or a
/// read error fails loudly).
pub fn unreadable_is_ours(error: &FileError) -> bool {
    // Without its NULs, UTF-16 text (as some Windows editors save YAML) reads as ASCII again.
    error.source.text.is_empty() || shows_imagestream_kind(&error.source.text.replace('\0', ""))
}

/// Whether the text has a `kind` key whose value is `ImageStream` or `ImageStreamList`, as YAML
/// (`kind: ImageStream`, `- kind: ImageStream`, `{kind: ImageStream}`, any indentation) or JSON
/// (`"kind": "ImageStream"`). The key may differ in case (`Kind`), as `find_objects` allows; the value
/// may not (the API server's kinds are case-sensitive). `ImageStreamTag` does not count in text that
/// does not read: it is what every BuildConfig and DeploymentConfig trigger names in `from.kind`, so
/// the text alone cannot tell an ImageStreamTag document from a trigger. Whole-line `#` comments are
/// ignored.
pub fn shows_imagestream_kind(text: &str) -> bool {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .any(line_shows_kind)
}

fn line_shows_kind(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.match_indices("kind").any(|(at, _)| {
        let before = line[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            return false;
        }
        let rest = line[at + 4..].trim_start_matches(['"', '\'']);
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            return false;
        };
        let value = value.trim_start().trim_start_matches(['"', '\'']);
        let Some(after) = value.strip_prefix("ImageStream") else {
            return false;
        };
        let after = after.strip_prefix("List").unwrap_or(after);
        !after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Markup that only Go templates (Helm's, kube-burner's) write: a field of the data (`.Values`) or
/// Helm's named templates.
const GO_MARKERS: &[&str] = &[
    "{{ .",
    "{{.",
    "{{- .",
    "{{ include ",
    "{{- include ",
    "{{ template ",
];

/// Where the first Helm/Go or Jinja2 markup is: `{{`, `{%` or `{#`. An OpenShift Template's
/// `${{PARAM}}` is not markup: it is a plain YAML scalar.
fn first_markup(text: &str) -> Option<usize> {
    let go = text
        .match_indices("{{")
        .map(|(at, _)| at)
        .find(|&at| !text[..at].ends_with('$'));
    let jinja = ["{%", "{#"].iter().filter_map(|m| text.find(m)).min();
    match (go, jinja) {
        (Some(go), Some(jinja)) => Some(go.min(jinja)),
        (one, other) => one.or(other),
    }
}

/// The template language of a file with markup: Jinja2 for `{%`/`{#` (or a `.j2` file), Helm/Go
/// for [`GO_MARKERS`], and either for a plain `{{ name }}`.
fn language(text: &str, path: &Path) -> &'static str {
    let j2 = path
        .extension()
        .is_some_and(|e| e == "j2" || e == "jinja" || e == "jinja2");
    if j2 || text.contains("{%") || text.contains("{#") {
        "Jinja2"
    } else if GO_MARKERS.iter().any(|m| text.contains(m)) {
        "Helm/Go"
    } else {
        "Helm/Go or Jinja2"
    }
}

/// Whether any mapping key in `node` is itself a mapping: how `{{ … }}` markup reads as YAML.
fn has_mapping_key(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Map(entries, _) => entries
            .iter()
            .any(|e| e.key.as_map().is_some() || has_mapping_key(&e.value)),
        NodeKind::Seq(items, _) => items.iter().any(has_mapping_key),
        NodeKind::Scalar(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Limits, load_bytes};

    fn class_of(name: &str, text: &str) -> Class {
        let file = load_bytes(Path::new(name), text.as_bytes().to_vec(), Limits::default())
            .expect("loads");
        classify(&file)
    }

    #[test]
    fn the_kind_is_read_from_yaml_and_json_lines() {
        for shown in [
            "kind: ImageStream",
            "  - kind: ImageStream # app",
            "{kind: ImageStreamList, items: []}",
            "  \"kind\": \"ImageStream\",",
            "{\"apiVersion\":\"v1\",\"kind\":\"ImageStream\"}",
            "Kind: 'ImageStream'",
        ] {
            assert!(shows_imagestream_kind(shown), "{shown}");
        }
        for not_shown in [
            "kind: ImageStreamTag",
            "      kind: ImageStreamImport",
            "kind: imagestream",
            "# kind: ImageStream",
            "subkind: ImageStream",
            "kind: DeploymentConfig",
            "description: an ImageStream kind",
        ] {
            assert!(!shows_imagestream_kind(not_shown), "{not_shown}");
        }
    }

    #[test]
    fn imagestream_files_are_ours_even_broken_and_no_other_file_is() {
        for (name, text, class) in [
            (
                "cm.yaml",
                "kind: ConfigMap\ndata:\n  a: [1, 2\n",
                Class::Other,
            ),
            (
                "deploy.yaml",
                "kind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n",
                Class::Other,
            ),
            (
                "main.yml",
                "app_image: \"{{ registry }}/app:{{ version }}\"\n",
                Class::Other,
            ),
            (
                "a.yaml",
                "kind: ImageStream\napiVersion: image.openshift.io/v1\nmetadata: {name: a}\n",
                Class::Streams,
            ),
            (
                "a.json",
                "{\"kind\": \"ImageStream\", \"metadata\": {\"name\": \"a\"}\"}",
                Class::Streams,
            ),
            // ImageStreamTag and ImageStreamMapping documents define or record a stream's tag.
            (
                "istag.yaml",
                "kind: ImageStreamTag\nmetadata: {name: 'app:v1'}\ntag: {from: {kind: DockerImage, name: a}}\n",
                Class::Streams,
            ),
            (
                "ism.json",
                "{\"kind\": \"ImageStreamMapping\", \"tag\": \"v1\"}",
                Class::Streams,
            ),
            // A trigger's `from.kind: ImageStreamTag` is a field, not a document.
            (
                "bc.yaml",
                "kind: BuildConfig\nspec:\n  strategy:\n    sourceStrategy:\n      from: {kind: ImageStreamTag, name: 'ruby:3'}\n",
                Class::Other,
            ),
            // An OpenShift Template's `${{PARAM}}` is plain YAML, not template markup.
            (
                "t.yaml",
                "kind: Template\nobjects:\n- kind: ImageStream\n  spec:\n    x: ${{P}}\n",
                Class::Streams,
            ),
            // Markup elsewhere in the file (a Template's message) leaves its ImageStreams linted.
            (
                "t.yaml",
                "kind: Template\nmessage: \"oc get -o go-template='{{.data}}'\"\nobjects:\n- kind: ImageStream\n  metadata: {name: a}\n",
                Class::Streams,
            ),
        ] {
            assert_eq!(class_of(name, text), class, "{text}");
        }
    }

    #[test]
    fn template_sources_that_show_an_imagestream_are_named() {
        let helm = "kind: ImageStream\nmetadata:\n  name: {{ include \"app.fullname\" . }}\n";
        let jinja = "{% if x %}\nkind: ImageStream\n{% endif %}\n";
        // Quoted markup reads as YAML, but the stream's values are still placeholders.
        let quoted = "kind: ImageStream\nmetadata:\n  name: \"{{ name }}\"\n";
        let go = |text: &str| text.find("{{").unwrap_or(usize::MAX);
        for (text, language, at) in [
            (helm, "Helm/Go", go(helm)),
            (jinja, "Jinja2", 0),
            (quoted, "Helm/Go or Jinja2", go(quoted)),
        ] {
            let class = Class::Template { language, at };
            assert_eq!(class_of("is.yaml", text), class, "{text}");
        }
    }
}
