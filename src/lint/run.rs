//! Runs the rules over files. Each file is loaded, classified (files without an ImageStream are
//! skipped: `load::classify`), checked and dropped on a rayon worker, so only one tree per worker is
//! alive at a time; what cross-stream rules need from the other files is kept
//! as small facts (the index entries of each stream, the checks of deferred findings) and answered
//! once every file has been read. A file's text is kept only when it has something to report.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::load::{self, Class, LoadedFile, Position, Source, Span, Wrapper};
use crate::model::imagestream::StreamView;
use crate::model::istag;
use crate::model::schema;

use super::context::{Context, CrossCheck, FileContext, IndexedStream, LintOptions, RepoIndex};
use super::{Config, Finding, Rule, Severity, rules};

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
    /// The text, for snippets; empty when the file could not be read or has nothing to report.
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
    pub streams: usize,
    /// Templates whose ImageStreams were skipped: (template name, how many streams).
    pub skipped_templates: Vec<(String, usize)>,
}

/// What lint found in the files it was given.
#[derive(Debug, Default)]
pub struct Linted {
    /// One report per file that holds an ImageStream (or is broken and shows one), in path order.
    pub reports: Vec<FileReport>,
    /// Files that hold no ImageStream: not ours, whatever they contain.
    pub skipped: Vec<PathBuf>,
}

/// One file checked on its own, before the cross-stream checks are answered.
struct Checked {
    report: FileReport,
    /// Diagnostics (by ascending index in `report.diagnostics`) that stand only if the check holds.
    pending: Vec<(usize, CrossCheck)>,
    /// Every ImageStream of the file, Template ones included, for the index.
    streams: Vec<IndexedStream>,
}

impl Checked {
    /// Drops the deferred diagnostics whose check fails, then the text if nothing is left to show.
    fn resolve(self, repo: &RepoIndex) -> FileReport {
        let Checked {
            mut report,
            pending,
            ..
        } = self;
        let failed: Vec<usize> = pending
            .iter()
            .filter(|(_, check)| !check.holds(repo))
            .map(|(at, _)| *at)
            .collect();
        if !failed.is_empty() {
            let mut index = 0;
            report.diagnostics.retain(|_| {
                index += 1;
                failed.binary_search(&(index - 1)).is_err()
            });
        }
        release_text(report)
    }
}

/// A report without diagnostics needs no snippets: its text is freed.
fn release_text(mut report: FileReport) -> FileReport {
    if report.diagnostics.is_empty() && !report.source.text.is_empty() {
        report.source = Source::new(&report.path, String::new());
    }
    report
}

pub fn lint_files(paths: &[PathBuf], options: &LintOptions, config: &Config) -> Linted {
    let results: Vec<Option<Checked>> = paths
        .par_iter()
        .map(|path| check_file(path, options, config))
        .collect();
    let mut repo = RepoIndex::default();
    let mut checked = Vec::with_capacity(results.len());
    let mut skipped = Vec::new();
    for (path, result) in paths.iter().zip(results) {
        match result {
            Some(mut file) => {
                for stream in file.streams.drain(..) {
                    repo.add(stream);
                }
                checked.push(file);
            }
            None => skipped.push(path.clone()),
        }
    }
    Linted {
        reports: checked
            .into_iter()
            .map(|file| file.resolve(&repo))
            .collect(),
        skipped,
    }
}

/// `None` when the file is not ours (it holds no ImageStream).
fn check_file(path: &Path, options: &LintOptions, config: &Config) -> Option<Checked> {
    match load::load_file(path, options.limits) {
        Ok(file) => lint_file(file, options, config),
        Err(e) if !load::unreadable_is_ours(&e) => None,
        Err(e) => {
            let diagnostics = file_diagnostics(&FileContext::Unreadable(&e), &e.source, config);
            Some(Checked {
                report: FileReport {
                    path: path.to_path_buf(),
                    diagnostics,
                    source: e.source,
                    streams: 0,
                    skipped_templates: Vec::new(),
                },
                pending: Vec::new(),
                streams: Vec::new(),
            })
        }
    }
}

/// Lints one file already in memory as if it were the only file linted (the fuzz targets' entry);
/// `None` when the file is not ours.
pub fn lint_loaded(file: LoadedFile, options: &LintOptions, config: &Config) -> Option<FileReport> {
    let mut checked = lint_file(file, options, config)?;
    let mut repo = RepoIndex::default();
    for stream in checked.streams.drain(..) {
        repo.add(stream);
    }
    Some(checked.resolve(&repo))
}

fn lint_file(file: LoadedFile, options: &LintOptions, config: &Config) -> Option<Checked> {
    let source = &file.source;
    match load::classify(&file) {
        Class::Other => return None,
        Class::Template { language, at } => {
            let diagnostics =
                file_diagnostics(&FileContext::Template { language, at }, source, config);
            let placed = diagnostics.into_iter().map(|d| (d, None)).collect();
            return Some(checked(file.source, placed, 0, Vec::new(), Vec::new()));
        }
        Class::Streams => {}
    }
    let mut placed: Vec<(Diagnostic, Option<CrossCheck>)> = Vec::new();
    let objects = linted_objects(&file.parsed.documents);
    let indexed = objects
        .iter()
        .filter_map(|(_, kind, view)| match kind {
            ObjectKind::Stream => Some(IndexedStream::of(view)),
            ObjectKind::TagDocument => Some(IndexedStream {
                document: true,
                ..IndexedStream::of(view)
            }),
            ObjectKind::Mapping => None,
        })
        .collect();

    let mut streams = 0;
    let mut skipped: Vec<(String, usize)> = Vec::new();
    let mut linted_spans = Vec::new();
    for (object, kind, view) in &objects {
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
        linted_spans.push(object.node.span);
        let opaque = |node: &load::Node| {
            in_template && node.as_scalar().is_some_and(|s| s.text.contains("${"))
        };
        // The ImageStream schema (wrong types, unknown fields) is an ImageStream's only.
        let schema = match kind {
            ObjectKind::Stream => schema::check(object.node, &opaque),
            ObjectKind::TagDocument | ObjectKind::Mapping => Vec::new(),
        };
        let cx = Context {
            view,
            source,
            options,
            schema: &schema,
            in_template,
            tag_document: *kind == ObjectKind::TagDocument,
        };
        let mut findings: Vec<Finding> = Vec::new();
        match kind {
            ObjectKind::Stream => {
                streams += 1;
                rules::for_streams().for_each(|rule| rule.check_object(&cx, &mut findings));
            }
            ObjectKind::TagDocument => rules::TAG_DOCUMENT
                .iter()
                .for_each(|rule| rule.check_object(&cx, &mut findings)),
            ObjectKind::Mapping => rules::MAPPING
                .iter()
                .for_each(|rule| rule.check_object(&cx, &mut findings)),
        }
        let ignored = rules::invalid_suppression::suppressed(view);
        for finding in findings {
            if ignored.contains(&finding.rule.id) {
                continue;
            }
            let span = finding.path.resolve(object.node, finding.on_key);
            let diagnostic = place(
                source,
                finding.rule,
                config,
                span,
                finding.path.to_string(),
                finding.message,
            );
            placed.extend(diagnostic.map(|d| (d, finding.only_if)));
        }
    }
    let loaded = FileContext::Loaded {
        file: &file,
        linted: &linted_spans,
    };
    placed.extend(
        file_diagnostics(&loaded, source, config)
            .into_iter()
            .map(|d| (d, None)),
    );
    placed.sort_by_key(|(d, _)| (d.span.start, d.rule.id));
    Some(checked(file.source, placed, streams, skipped, indexed))
}

/// What kind of object a linted object is, for the rules it gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ObjectKind {
    Stream,
    TagDocument,
    Mapping,
}

/// The ImageStreams, ImageStreamTag and ImageStreamMapping documents of a file, each with the view
/// its rules read (a document's as the one-tag stream it names: `model::istag`).
fn linted_objects(
    documents: &[load::Document],
) -> Vec<(load::Object<'_>, ObjectKind, StreamView<'_>)> {
    let streams = load::find_objects(documents).into_iter().map(|o| {
        let view = StreamView::read(o.node);
        (o, ObjectKind::Stream, view)
    });
    let tags = load::find_kind(documents, load::IMAGE_STREAM_TAG)
        .into_iter()
        .map(|o| {
            let view = istag::lint_view(o.node);
            (o, ObjectKind::TagDocument, view)
        });
    let mappings = load::find_kind(documents, load::IMAGE_STREAM_MAPPING)
        .into_iter()
        .map(|o| {
            let view = istag::metadata_view(o.node);
            (o, ObjectKind::Mapping, view)
        });
    streams.chain(tags).chain(mappings).collect()
}

/// Splits placed diagnostics into the report and the deferred checks; frees the text when there is
/// nothing to show and nothing pending.
fn checked(
    source: Source,
    placed: Vec<(Diagnostic, Option<CrossCheck>)>,
    streams: usize,
    skipped_templates: Vec<(String, usize)>,
    indexed: Vec<IndexedStream>,
) -> Checked {
    let mut diagnostics = Vec::with_capacity(placed.len());
    let mut pending = Vec::new();
    for (index, (diagnostic, check)) in placed.into_iter().enumerate() {
        diagnostics.push(diagnostic);
        pending.extend(check.map(|c| (index, c)));
    }
    let report = FileReport {
        path: source.path.clone(),
        diagnostics,
        streams,
        skipped_templates,
        source,
    };
    Checked {
        report: if pending.is_empty() {
            release_text(report)
        } else {
            report
        },
        pending,
        streams: indexed,
    }
}

/// What the file-level rules report on `cx`, placed in `source`.
pub(crate) fn file_diagnostics(
    cx: &FileContext,
    source: &Source,
    config: &Config,
) -> Vec<Diagnostic> {
    let mut placed = Vec::new();
    for rule in rules::FILE {
        let mut found = Vec::new();
        rule.check_file(cx, &mut found);
        placed.extend(found.into_iter().filter_map(|finding| {
            place(
                source,
                rule,
                config,
                finding.span,
                String::new(),
                finding.message,
            )
        }));
    }
    placed
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

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: app
  namespace: ci
spec:
  tags:
  - name: a
    from: {kind: ImageStreamTag, name: 'base:1'}
  - name: b
    from: {kind: ImageStreamTag, name: 'base:9'}
  - name: c
    from: {kind: ImageStreamTag, name: 'gone:1'}
";

    const BASE: &str = "apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: base
  namespace: ci
spec:
  tags:
  - name: '1'
    from: {kind: DockerImage, name: 'quay.io/org/base@sha256:0123456789012345678901234567890123456789012345678901234567890123'}
";

    fn cross_stream(report: &FileReport) -> Vec<(&str, &str)> {
        report
            .diagnostics
            .iter()
            .filter(|d| ["unresolved-stream", "broken-alias"].contains(&d.rule.id))
            .map(|d| (d.rule.id, d.field.as_str()))
            .collect()
    }

    #[test]
    fn cross_stream_findings_are_answered_after_every_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app.yaml");
        let base = dir.path().join("base.yaml");
        std::fs::write(&app, APP).unwrap();
        std::fs::write(&base, BASE).unwrap();
        let lint =
            |paths: &[PathBuf]| lint_files(paths, &LintOptions::default(), &Config::default());

        let both = lint(&[app.clone(), base.clone()]).reports;
        assert_eq!(
            cross_stream(&both[0]),
            [
                ("broken-alias", "spec.tags[b].from.name"),
                ("unresolved-stream", "spec.tags[c].from.name"),
            ]
        );
        assert!(both[1].diagnostics.is_empty(), "{:?}", both[1].diagnostics);
        // Text is kept for snippets only where there is something to show.
        assert_eq!(both[0].source.text, APP);
        assert!(both[1].source.text.is_empty());

        let alone = lint(&[app]).reports;
        assert_eq!(
            cross_stream(&alone[0]),
            [
                ("unresolved-stream", "spec.tags[a].from.name"),
                ("unresolved-stream", "spec.tags[b].from.name"),
                ("unresolved-stream", "spec.tags[c].from.name"),
            ]
        );
    }
}
