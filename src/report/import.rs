//! Reports of `streamlock import`: human lines, the JSON document, and the Markdown summary for a
//! pull-request body or a job summary.

use std::fmt::Write;

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::display_path;
use super::markdown::{Capped, GITHUB_BODY_LIMIT, code, text};
use crate::import::{Outcome, TagLine, TagOutcome};
use crate::model::status::TagEvent;
use crate::repo::Repo;
use crate::sanitize;

/// Totals over the reported tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub tags: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Of `failed`, those whose failure is not written (it said nothing about the tag).
    pub not_recorded: usize,
    pub skipped: usize,
    pub requests: u64,
}

impl Summary {
    pub fn of(lines: &[TagLine], outcome: &Outcome) -> Summary {
        let mut s = Summary {
            tags: lines.len(),
            requests: outcome.total_requests(),
            ..Summary::default()
        };
        for line in lines {
            match &line.outcome {
                TagOutcome::Updated => s.updated += 1,
                TagOutcome::Unchanged => s.unchanged += 1,
                TagOutcome::FailedRecorded { .. } => s.failed += 1,
                TagOutcome::FailedNotRecorded { .. } => {
                    s.failed += 1;
                    s.not_recorded += 1;
                }
                TagOutcome::Skipped { .. } => s.skipped += 1,
            }
        }
        s
    }
}

/// `1 tag`, `2 tags`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The report's `reason`, `message` and `fix` of a tag.
fn reason_message_fix(outcome: &TagOutcome) -> (&str, &str, &str) {
    match outcome {
        TagOutcome::FailedRecorded { reason, message } => (reason, message, ""),
        TagOutcome::FailedNotRecorded { cause, fix } => ("", cause, fix),
        TagOutcome::Skipped { why } => ("", why, ""),
        TagOutcome::Updated | TagOutcome::Unchanged => ("", "", ""),
    }
}

/// `namespace/name` or `name`.
pub fn stream_name(repo: &Repo, stream: usize) -> String {
    let meta = &repo.streams[stream].stream.spec.meta;
    if meta.namespace.is_empty() {
        meta.name.clone()
    } else {
        format!("{}/{}", meta.namespace, meta.name)
    }
}

/// One tag's entry of the JSON report.
fn import_entry(repo: &Repo, line: &TagLine) -> Value {
    let (reason, message, fix) = reason_message_fix(&line.outcome);
    let recorded = match &line.outcome {
        TagOutcome::FailedRecorded { .. } => Some(true),
        TagOutcome::FailedNotRecorded { .. } => Some(false),
        _ => None,
    };
    let after = line.after.as_ref();
    json!({
        "file": display_path(repo.path_of(line.stream)),
        "stream": stream_name(repo, line.stream),
        "tag": line.tag,
        "from": line.from,
        "result": line.outcome.name(),
        "recorded": recorded,
        "fix": fix,
        "image": after.map(|e| e.image.as_str()),
        "dockerImageReference": after.map(|e| e.docker_image_reference.as_str()),
        "previousImage": line.before.as_ref().map(|e| e.image.as_str()),
        "pinned": line.pinned,
        "reason": reason,
        "message": message,
        "requests": line.requests,
    })
}

/// The `imports` array, each entry built as it is written: the report never holds the whole
/// document as a tree beside its text.
struct Imports<'a> {
    repo: &'a Repo,
    lines: &'a [TagLine],
}

impl Serialize for Imports<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.lines.iter().map(|line| import_entry(self.repo, line)))
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    imports: Imports<'a>,
    summary: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a str>,
}

pub fn json(repo: &Repo, outcome: &Outcome, lines: &[TagLine], diff: Option<&str>) -> String {
    let s = Summary::of(lines, outcome);
    let doc = Document {
        version: 1,
        imports: Imports { repo, lines },
        summary: json!({
            "tags": s.tags,
            "updated": s.updated,
            "unchanged": s.unchanged,
            "failed": s.failed,
            "notRecorded": s.not_recorded,
            "skipped": s.skipped,
            "lookups": outcome.plan.lookups.len(),
            "requests": s.requests,
            "registries": outcome.registries.iter().map(|r| json!({
                "registry": r.registry,
                "firstRequest": r.first.method(),
                "lookups": r.lookups,
            })).collect::<Vec<Value>>(),
            "seconds": (outcome.seconds * 1000.0).round() / 1000.0,
        }),
        diff,
    };
    // Serializing plain strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Short digest for people: `sha256:0123456789ab`.
fn short(image: &str) -> String {
    match image.split_once(':') {
        // `image` may come from a hand-edited file: cut by characters, never inside one.
        Some((algo, hex)) => format!("{algo}:{}", hex.chars().take(12).collect::<String>()),
        None => image.to_string(),
    }
}

/// What `human` reports, and how.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HumanOptions {
    /// `-v`: unchanged tags too.
    pub verbose: bool,
    /// `-q`: failures and nothing else (a failure is never hidden).
    pub quiet: bool,
    /// `--check`/`--diff`: nothing is written, so updates are what *would* happen.
    pub dry_run: bool,
}

/// One line per updated, failed or skipped tag (unchanged with `-v`), then the totals.
pub fn human(repo: &Repo, outcome: &Outcome, lines: &[TagLine], options: HumanOptions) -> String {
    let mut out = String::new();
    for line in lines {
        let shown = match line.outcome {
            TagOutcome::Unchanged => options.verbose && !options.quiet,
            TagOutcome::FailedRecorded { .. } | TagOutcome::FailedNotRecorded { .. } => true,
            // What `--check` would change is its finding: shown even with `-q`.
            TagOutcome::Updated => !options.quiet || options.dry_run,
            TagOutcome::Skipped { .. } => !options.quiet,
        };
        if !shown {
            continue;
        }
        // A line without a tag is the stream's repository import (its listing).
        let what = if line.tag.is_empty() {
            " spec.dockerImageRepository".to_owned()
        } else {
            format!(":{}", line.tag)
        };
        let name = format!(
            "{}: {}{what}",
            display_path(repo.path_of(line.stream)),
            stream_name(repo, line.stream),
        );
        let (label, detail) = match &line.outcome {
            TagOutcome::FailedRecorded { reason, message } => (
                "failed",
                format!("{reason}: {message} (recorded in status)"),
            ),
            TagOutcome::FailedNotRecorded { cause, fix } => (
                "failed",
                format!("{cause}\n             not recorded; {fix}"),
            ),
            TagOutcome::Skipped { why } => ("skipped", why.clone()),
            TagOutcome::Updated | TagOutcome::Unchanged => {
                let label = match (&line.outcome, options.dry_run) {
                    (TagOutcome::Unchanged, _) => "unchanged",
                    (_, true) => "would update",
                    (_, false) => "updated",
                };
                let before = line.before.as_ref().map(|e| e.image.as_str());
                let after = line.after.as_ref().map(|e| e.image.as_str());
                // The new digest in full: it is what a reviewer compares with the registry.
                let detail = match (before, after, &line.pinned) {
                    (_, _, Some(pin)) => format!("from.name pinned to {pin}"),
                    (Some(b), Some(a), _) if b != a => format!("moved from {} to {a}", short(b)),
                    (None, Some(a), _) => format!("no status yet; points at {a}"),
                    (_, Some(a), _) => a.to_owned(),
                    (_, None, _) => "(no image)".to_owned(),
                };
                (label, detail)
            }
        };
        let _ = writeln!(
            out,
            "{label:<12} {}  {}  {}",
            sanitize::line(&name),
            sanitize::line(&line.from),
            sanitize::multiline(&detail)
        );
    }
    if options.quiet {
        return out;
    }
    let s = Summary::of(lines, outcome);
    let updated = if options.dry_run {
        "would update"
    } else {
        "updated"
    };
    let failed = if s.not_recorded > 0 {
        format!("{} failed ({} not recorded)", s.failed, s.not_recorded)
    } else {
        format!("{} failed", s.failed)
    };
    let _ = writeln!(
        out,
        "{}: {} {updated}, {} unchanged, {failed}, {} skipped; {}, {} in {:.2}s",
        count(s.tags, "tag"),
        s.updated,
        s.unchanged,
        s.skipped,
        count(outcome.plan.lookups.len(), "lookup"),
        count(usize::try_from(s.requests).unwrap_or(usize::MAX), "request"),
        outcome.seconds
    );
    if options.verbose {
        for r in &outcome.registries {
            let _ = writeln!(
                out,
                "  {}: {} started with a {}",
                sanitize::line(&r.registry),
                count(r.lookups as usize, "lookup"),
                r.first.method()
            );
        }
    }
    out
}

/// Markdown for a PR body: what moved, then what failed; every name escaped, and kept under GitHub's
/// body limit with a note on what did not fit.
pub fn markdown(repo: &Repo, outcome: &Outcome, lines: &[TagLine]) -> String {
    let s = Summary::of(lines, outcome);
    let mut doc = Capped::new(GITHUB_BODY_LIMIT);
    doc.push(&format!(
        "## streamlock import\n\n{} checked: **{} updated**, {} unchanged, {} failed, {} skipped.\n\n",
        count(s.tags, "tag"),
        s.updated,
        s.unchanged,
        s.failed,
        s.skipped
    ));
    let digest = |e: Option<&TagEvent>| e.map_or("—".to_string(), |e| code(&short(&e.image)));
    let moved = lines
        .iter()
        .filter(|l| l.outcome == TagOutcome::Updated)
        .map(|line| {
            format!(
                "| {} | {} | {} | {} → {} |",
                text(&stream_name(repo, line.stream)),
                text(&line.tag),
                code(&line.from),
                digest(line.before.as_ref()),
                digest(line.after.as_ref()),
            )
        });
    doc.section(
        "| stream | tag | from | image |\n|---|---|---|---|\n",
        moved,
        "updated tags",
    );
    let failed = lines.iter().filter(|l| l.outcome.failed()).map(|line| {
        let detail = match &line.outcome {
            TagOutcome::FailedRecorded { reason, message } => {
                format!("{reason}: {message} (recorded in status)")
            }
            TagOutcome::FailedNotRecorded { cause, fix } => {
                format!("{cause} (not recorded; {fix})")
            }
            _ => String::new(),
        };
        format!(
            "- **{}:{}** ({}): {}",
            text(&stream_name(repo, line.stream)),
            text(&line.tag),
            code(&line.from),
            text(&detail)
        )
    });
    doc.section("### Failed\n\n", failed, "failed tags");
    doc.finish("The JSON report (`--report FILE`) lists every tag.")
}
