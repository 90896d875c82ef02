//! Runs the rules over files: load in parallel, index every stream (for cross-stream references),
//! check each stream, resolve each finding's field path to a span, apply config and suppressions.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::load::{self, Limits, LoadedFile, Position, Source, Span, Wrapper};
use crate::model::imagestream::StreamView;
use crate::model::path::FieldPath;
use crate::model::schema;

use super::context::{Context, RepoIndex};
use super::{Config, Finding, Rule, Severity, file_rules, rules};

/// Annotation that switches rules off for one object: `"rule-id: reason"`, one per line.
pub const IGNORE_ANNOTATION: &str = "streamlock.io/ignore";

#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub require_namespace: bool,
    /// Lint ImageStreams inside Templates too (placeholders are opaque).
    pub templates: bool,
    pub limits: Limits,
}

/// A finding placed in a file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub span: Span,
    pub start: Position,
    pub end: Position,
    /// The field path in OpenShift's notation; empty for file-level problems.
    pub field: String,
    pub message: String,
}

/// Everything lint has to say about one file.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    /// The text, for snippets; empty when the file could not be read.
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
    pub streams: usize,
    /// Templates whose ImageStreams were skipped: (template name, how many streams).
    pub skipped_templates: Vec<(String, usize)>,
}

enum Loaded {
    File(LoadedFile),
    Failed(FileReport),
}

pub fn lint_files(paths: &[PathBuf], options: &LintOptions, config: &Config) -> Vec<FileReport> {
    let loaded: Vec<Loaded> = paths
        .par_iter()
        .map(|path| match load::load_file(path, options.limits) {
            Ok(file) => Loaded::File(file),
            Err(e) => {
                let span = e.at.map_or(Span::default(), |at| Span::new(at, at));
                let diagnostic = place(
                    &e.source,
                    &file_rules::FILE_ERROR,
                    config,
                    span,
                    String::new(),
                    e.message,
                );
                Loaded::Failed(FileReport {
                    path: path.clone(),
                    diagnostics: diagnostic.into_iter().collect(),
                    source: e.source,
                    streams: 0,
                    skipped_templates: Vec::new(),
                })
            }
        })
        .collect();

    let repo = index(loaded.iter().filter_map(|file| match file {
        Loaded::File(file) => Some(file),
        Loaded::Failed(_) => None,
    }));

    loaded
        .into_par_iter()
        .map(|file| match file {
            Loaded::Failed(report) => report,
            Loaded::File(file) => lint_file(file, options, config, &repo),
        })
        .collect()
}

/// Lints one file already in memory as if it were the only file linted (the fuzz targets' entry).
pub fn lint_loaded(file: LoadedFile, options: &LintOptions, config: &Config) -> FileReport {
    let repo = index([&file]);
    lint_file(file, options, config, &repo)
}

/// Every stream of the files, for cross-stream references.
fn index<'a>(files: impl IntoIterator<Item = &'a LoadedFile>) -> RepoIndex {
    let mut repo = RepoIndex::default();
    for file in files {
        for object in load::find_objects(&file.parsed.documents) {
            let view = StreamView::read(object.node);
            let status_tags = view
                .status
                .iter()
                .flat_map(|s| s.tags.iter().map(|t| t.tag.clone()));
            repo.add(&view.spec, status_tags.collect::<Vec<_>>().into_iter());
        }
    }
    repo
}

fn lint_file(
    file: LoadedFile,
    options: &LintOptions,
    config: &Config,
    repo: &RepoIndex,
) -> FileReport {
    let source = &file.source;
    let mut diagnostics = Vec::new();
    if let Some(e) = &file.parsed.error {
        let message = match looks_like_template_language(&source.text) {
            Some(kind) => format!(
                "{}; the file looks like a {kind} template, not plain YAML",
                e.message
            ),
            None => e.message.clone(),
        };
        diagnostics.extend(place(
            source,
            &file_rules::YAML_SYNTAX,
            config,
            e.span,
            String::new(),
            message,
        ));
    }
    let objects = load::find_objects(&file.parsed.documents);
    if let Some(at) = file
        .parsed
        .documents
        .iter()
        .filter_map(|d| d.root.as_ref())
        .find_map(mapping_key)
    {
        // `{{ .Values.x }}` reads as a mapping used as a key: Helm or Go template markup.
        let message = "a mapping is used as a key, as `{{ … }}` template markup reads in YAML: this is a Helm/Go \
                       template, not a manifest; lint the rendered output instead"
            .to_string();
        diagnostics.extend(place(
            source,
            &file_rules::FILE_ERROR,
            config,
            at,
            String::new(),
            message,
        ));
        return FileReport {
            path: source.path.clone(),
            diagnostics,
            streams: 0,
            skipped_templates: Vec::new(),
            source: file.source,
        };
    }

    let mut streams = 0;
    let mut skipped: Vec<(String, usize)> = Vec::new();
    let mut linted_spans = Vec::new();
    for object in objects {
        let in_template = match &object.wrapper {
            Wrapper::Template(name) if !options.templates => {
                match skipped.iter_mut().find(|(n, _)| n == name) {
                    Some((_, count)) => *count += 1,
                    None => skipped.push((name.clone(), 1)),
                }
                continue;
            }
            Wrapper::Template(_) => true,
            _ => false,
        };
        streams += 1;
        linted_spans.push(object.node.span);
        let view = StreamView::read(object.node);
        let opaque = |node: &load::Node| {
            in_template && node.as_scalar().is_some_and(|s| s.text.contains("${"))
        };
        let schema = schema::check(object.node, &opaque);
        let cx = Context {
            view: &view,
            options,
            repo,
            schema: &schema,
            in_template,
        };
        let mut findings: Vec<Finding> = Vec::new();
        for rule in rules::ALL {
            (rule.check)(&cx, &mut findings);
        }
        let ignored = suppressions(&view, &mut findings);
        for finding in findings {
            if ignored.contains(&finding.rule.id) {
                continue;
            }
            let span = finding.path.resolve(object.node, finding.on_key);
            diagnostics.extend(place(
                source,
                finding.rule,
                config,
                span,
                finding.path.to_string(),
                finding.message,
            ));
        }
    }
    // Duplicate keys in other kinds of object (a DeploymentConfig beside the stream) are not ours.
    for dup in &file.parsed.duplicates {
        if !linted_spans
            .iter()
            .any(|s| s.start <= dup.second.start && dup.second.end <= s.end)
        {
            continue;
        }
        let first = source.position(dup.first.start);
        let message = format!(
            "key `{}` is already defined at line {}",
            dup.key, first.line
        );
        diagnostics.extend(place(
            source,
            &file_rules::DUPLICATE_KEY,
            config,
            dup.second,
            String::new(),
            message,
        ));
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.rule.id));
    FileReport {
        path: source.path.clone(),
        diagnostics,
        streams,
        skipped_templates: skipped,
        source: file.source,
    }
}

/// Rules switched off on this object by its ignore annotation; malformed entries become findings.
fn suppressions(view: &StreamView<'_>, findings: &mut Vec<Finding>) -> Vec<&'static str> {
    let Some(text) = view.spec.annotation(IGNORE_ANNOTATION) else {
        return Vec::new();
    };
    let path = FieldPath::root()
        .key("metadata")
        .key("annotations")
        .key(IGNORE_ANNOTATION);
    let mut ignored = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (id, reason) = line.split_once(':').unwrap_or((line, ""));
        match rules::find(id.trim()) {
            Some(rule) if !reason.trim().is_empty() => ignored.push(rule.id),
            Some(rule) => findings.push(Finding::at(
                &rules::invalid_suppression::RULE,
                path.clone(),
                format!(
                    "suppression of `{}` gives no reason; write `{}: <why>`",
                    rule.id, rule.id
                ),
            )),
            None => findings.push(Finding::at(
                &rules::invalid_suppression::RULE,
                path.clone(),
                format!(
                    "`{}` is not a streamlock rule; see `streamlock lint --explain`",
                    id.trim()
                ),
            )),
        }
    }
    ignored
}

fn place(
    source: &Source,
    rule: &'static Rule,
    config: &Config,
    span: Span,
    field: String,
    message: String,
) -> Option<Diagnostic> {
    let severity = config.severity(rule)?;
    Some(Diagnostic {
        rule,
        severity,
        span,
        start: source.position(span.start),
        end: source.position(span.end),
        field,
        message,
    })
}

/// The first mapping key that is itself a mapping, anywhere in `node`.
fn mapping_key(node: &load::Node) -> Option<Span> {
    match &node.kind {
        load::NodeKind::Map(entries, _) => entries.iter().find_map(|e| {
            if e.key.as_map().is_some() {
                Some(e.key.span)
            } else {
                mapping_key(&e.value)
            }
        }),
        load::NodeKind::Seq(items, _) => items.iter().find_map(mapping_key),
        load::NodeKind::Scalar(_) => None,
    }
}

/// Helm/Go (`{{ … }}`) or Jinja (`{% … %}`) markup explains most parse failures of such files.
fn looks_like_template_language(text: &str) -> Option<&'static str> {
    if text.contains("{%") || text.contains("{#") {
        Some("Jinja2")
    } else if text.contains("{{") {
        Some("Helm/Go")
    } else {
        None
    }
}
