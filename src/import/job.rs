//! The import use case, start to end: plan and resolve ([`super::run`]), reconcile, the file changes
//! it comes to, and (for `--write`/`--status-dir`) the one transaction that writes them. The command
//! only parses arguments and prints what this returns.

use std::path::{Path, PathBuf};

use super::apply::{self, FileChange, Refused};
use super::{Options, Outcome, TagLine, TagOutcome, resolve};
use crate::registry::Resolver;
use crate::repo::Repo;
use crate::write::TransactionError;

/// What the run does with its result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `--write`: status spliced into the manifests.
    Write,
    /// `--status-dir DIR`: one status file per stream.
    StatusDir(PathBuf),
    /// `--diff`: the unified diff of what `--write` would do.
    Diff,
    /// `--check`: fail when anything would change.
    Check,
}

impl Action {
    /// Whether files are written.
    pub fn writes(&self) -> bool {
        matches!(self, Action::Write | Action::StatusDir(_))
    }

    fn status_dir(&self) -> Option<&Path> {
        match self {
            Action::StatusDir(dir) => Some(dir),
            _ => None,
        }
    }
}

/// Where lookups are answered.
pub enum Source<'r> {
    /// `--offline`: nothing is looked up.
    Offline,
    /// The registries, through this engine; `progress` shows a bar on stderr.
    Registries {
        resolver: &'r Resolver,
        progress: bool,
    },
}

/// Everything one import run decided and did.
#[derive(Debug)]
pub struct Job {
    pub outcome: Outcome,
    /// One per reported tag, with its typed [`super::TagOutcome`].
    pub lines: Vec<TagLine>,
    /// Files whose content changes (written already when the action writes).
    pub changes: Vec<FileChange>,
    /// Changes that could not be made safely; those files are left as they are.
    pub refused: Vec<Refused>,
    /// Files written.
    pub written: Vec<PathBuf>,
}

impl Job {
    /// Whether the run has something to report (exit 1): a failed tag, a refused edit, or with
    /// `--check` anything that would change.
    pub fn has_findings(&self, action: &Action) -> bool {
        self.lines.iter().any(|l| l.outcome.failed())
            || !self.refused.is_empty()
            || (*action == Action::Check && !self.changes.is_empty())
    }

    /// The unified diff of every change.
    pub fn diff(&self) -> String {
        self.changes.iter().map(FileChange::diff).collect()
    }
}

/// Why a run could not finish.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("cannot start the network runtime: {0}")]
    Runtime(String),
    #[error("{source}; {}", written_note(.source))]
    Write { source: TransactionError },
}

fn written_note(e: &TransactionError) -> String {
    let done: Vec<String> = e
        .written()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if done.is_empty() {
        "no file was changed".into()
    } else {
        format!("these files could not be put back: {}", done.join(", "))
    }
}

/// A tag whose new status sits in a refused change is not updated, whatever its lookup said: it
/// fails without anything written, so no report claims an update the files do not hold.
fn not_written(lines: &mut [TagLine], refused: &[Refused]) {
    for line in lines {
        let Some(refusal) = refused.iter().find(|r| r.streams.contains(&line.stream)) else {
            continue;
        };
        if matches!(
            line.outcome,
            TagOutcome::Updated | TagOutcome::FailedRecorded { .. }
        ) {
            line.outcome = TagOutcome::FailedNotRecorded {
                cause: format!("not written: {}", refusal.message),
                fix:
                    "the file cannot be edited safely; change it as the message says and run again"
                        .into(),
            };
        }
    }
}

/// Runs one import over `repo` (already holding any `--status-dir` status).
pub fn execute(
    repo: &Repo,
    options: &Options,
    source: Source<'_>,
    action: &Action,
) -> Result<Job, JobError> {
    let mut outcome = match source {
        Source::Offline => super::run(repo, options, resolve::offline),
        Source::Registries { resolver, progress } => {
            let failure = std::cell::RefCell::new(None);
            let outcome =
                super::run_listing(
                    repo,
                    options,
                    |repositories| {
                        resolve::list_online(repositories, resolver, &options.cluster)
                            .unwrap_or_else(|e| {
                                failure.replace(Some(e));
                                resolve::unlisted(repositories)
                            })
                    },
                    |lookups| {
                        resolve::online(lookups, resolver, &options.cluster, progress)
                            .unwrap_or_else(|e| {
                                failure.replace(Some(e));
                                resolve::offline(lookups)
                            })
                    },
                );
            if let Some(e) = failure.into_inner() {
                return Err(JobError::Runtime(e));
            }
            Outcome {
                registries: resolver.registry_uses(),
                ..outcome
            }
        }
    };
    // A tag kept as an ImageStreamTag document has its `from.name` in that document, not in the
    // stream's file: `--pin` leaves it as written.
    outcome
        .pins
        .retain(|(stream, tag, _)| !repo.streams[*stream].documented.contains(tag));
    let (changes, refused) = match action.status_dir() {
        Some(dir) => apply::status_dir_changes(repo, &outcome, dir),
        None => apply::manifest_changes(repo, &outcome),
    };
    let written = if action.writes() {
        apply::commit(&changes).map_err(|source| JobError::Write { source })?
    } else {
        Vec::new()
    };
    let mut lines = outcome.lines(repo);
    not_written(&mut lines, &refused);
    Ok(Job {
        outcome,
        lines,
        changes,
        refused,
        written,
    })
}
