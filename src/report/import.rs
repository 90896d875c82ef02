//! Reports of `streamlock import`: human lines, the JSON document, and the Markdown summary for a
//! pull-request body or a job summary.

use std::fmt::Write;

use serde_json::{Value, json};

use super::display_path;
use crate::import::{Outcome, TagLine};
use crate::reconcile::TagResult;
use crate::repo::Repo;

/// Totals over the reported tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub tags: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub skipped: usize,
    pub requests: u64,
}

impl Summary {
    pub fn of(lines: &[TagLine], outcome: &Outcome) -> Summary {
        let mut s = Summary {
            tags: lines.len(),
            requests: outcome.requests.iter().map(|&r| u64::from(r)).sum(),
            ..Summary::default()
        };
        for line in lines {
            match result_name(line) {
                "updated" => s.updated += 1,
                "unchanged" => s.unchanged += 1,
                "failed" => s.failed += 1,
                _ => s.skipped += 1,
            }
        }
        s
    }
}

/// `updated | unchanged | failed | skipped` (a pin alone counts as an update).
pub fn result_name(line: &TagLine) -> &'static str {
    match &line.result {
        TagResult::Updated => "updated",
        TagResult::Unchanged if line.pinned.is_some() => "updated",
        TagResult::Unchanged => "unchanged",
        TagResult::Failed { .. } | TagResult::Error { .. } => "failed",
        TagResult::Skipped { .. } => "skipped",
    }
}

fn reason_and_message(result: &TagResult) -> (&str, &str) {
    match result {
        TagResult::Failed { reason, message } => (reason, message),
        TagResult::Error { message } => ("Invalid", message),
        TagResult::Skipped { why } => ("", why),
        TagResult::Updated | TagResult::Unchanged => ("", ""),
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

pub fn json(repo: &Repo, outcome: &Outcome, lines: &[TagLine], diff: Option<&str>) -> String {
    let imports: Vec<Value> = lines
        .iter()
        .map(|line| {
            let (reason, message) = reason_and_message(&line.result);
            let after = line.after.as_ref();
            json!({
                "file": display_path(repo.path_of(line.stream)),
                "stream": stream_name(repo, line.stream),
                "tag": line.tag,
                "from": line.from,
                "result": result_name(line),
                "image": after.map(|e| e.image.as_str()),
                "dockerImageReference": after.map(|e| e.docker_image_reference.as_str()),
                "previousImage": line.before.as_ref().map(|e| e.image.as_str()),
                "pinned": line.pinned,
                "reason": reason,
                "message": message,
                "requests": line.requests,
            })
        })
        .collect();
    let s = Summary::of(lines, outcome);
    let mut doc = json!({
        "version": 1,
        "imports": imports,
        "summary": {
            "tags": s.tags,
            "updated": s.updated,
            "unchanged": s.unchanged,
            "failed": s.failed,
            "skipped": s.skipped,
            "lookups": outcome.plan.lookups.len(),
            "requests": s.requests,
            "seconds": (outcome.seconds * 1000.0).round() / 1000.0,
        },
    });
    if let Some(diff) = diff {
        doc["diff"] = Value::String(diff.to_string());
    }
    format!("{doc:#}\n")
}

/// Short digest for people: `sha256:0123456789ab`.
fn short(image: &str) -> String {
    match image.split_once(':') {
        Some((algo, hex)) => format!("{algo}:{}", &hex[..hex.len().min(12)]),
        None => image.to_string(),
    }
}

pub fn human(repo: &Repo, outcome: &Outcome, lines: &[TagLine], verbose: bool) -> String {
    let mut out = String::new();
    for line in lines {
        let result = result_name(line);
        if result == "unchanged" && !verbose {
            continue;
        }
        let name = format!("{}:{}", stream_name(repo, line.stream), line.tag);
        let detail = match &line.result {
            TagResult::Failed { reason, message } => format!("{reason}: {message}"),
            TagResult::Error { message } => message.clone(),
            TagResult::Skipped { why } => why.clone(),
            TagResult::Updated | TagResult::Unchanged => {
                let before = line
                    .before
                    .as_ref()
                    .map_or("(none)".to_string(), |e| short(&e.image));
                let after = line
                    .after
                    .as_ref()
                    .map_or("(none)".to_string(), |e| short(&e.image));
                if before == after {
                    after
                } else {
                    format!("{before} -> {after}")
                }
            }
        };
        let _ = writeln!(out, "{result:<9} {name}  {}  {detail}", line.from);
    }
    let s = Summary::of(lines, outcome);
    let _ = writeln!(
        out,
        "{} tags: {} updated, {} unchanged, {} failed, {} skipped; {} lookups, {} requests in {:.2}s",
        s.tags,
        s.updated,
        s.unchanged,
        s.failed,
        s.skipped,
        outcome.plan.lookups.len(),
        s.requests,
        outcome.seconds
    );
    out
}

/// Markdown for a PR body: what moved, then what failed.
pub fn markdown(repo: &Repo, outcome: &Outcome, lines: &[TagLine]) -> String {
    let s = Summary::of(lines, outcome);
    let mut out = String::from("## streamlock import\n\n");
    let _ = writeln!(
        out,
        "{} tags checked: **{} updated**, {} unchanged, {} failed, {} skipped.\n",
        s.tags, s.updated, s.unchanged, s.failed, s.skipped
    );
    let moved: Vec<&TagLine> = lines
        .iter()
        .filter(|l| result_name(l) == "updated")
        .collect();
    if !moved.is_empty() {
        out.push_str("| stream | tag | from | image |\n|---|---|---|---|\n");
        for line in moved {
            let before = line
                .before
                .as_ref()
                .map_or("—".to_string(), |e| format!("`{}`", short(&e.image)));
            let after = line
                .after
                .as_ref()
                .map_or("—".to_string(), |e| format!("`{}`", short(&e.image)));
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {before} → {after} |",
                cell(&stream_name(repo, line.stream)),
                cell(&line.tag),
                cell(&line.from)
            );
        }
        out.push('\n');
    }
    let failed: Vec<&TagLine> = lines
        .iter()
        .filter(|l| result_name(l) == "failed")
        .collect();
    if !failed.is_empty() {
        out.push_str("### Failed\n\n");
        for line in failed {
            let (reason, message) = reason_and_message(&line.result);
            let _ = writeln!(
                out,
                "- **{}:{}** (`{}`): {reason}: {}",
                cell(&stream_name(repo, line.stream)),
                cell(&line.tag),
                cell(&line.from),
                cell(message)
            );
        }
        out.push('\n');
    }
    out
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
