//! `import` as one pipeline: plan which tags to look up, resolve them (registry, or nothing when
//! offline), reconcile the new status, and compute the file edits. Output lives in `report`.

pub mod apply;
pub mod job;
pub mod resolve;

use std::collections::HashMap;
use std::time::Instant;

use crate::cluster::Cluster;
use crate::model::pullspec;
use crate::model::spec::DOCKER_IMAGE;
use crate::model::status::TagEvent;
use crate::model::stream::Stream;
use crate::plan::{self, Plan, PlanOptions, PlannedRepository};
use crate::reconcile::{self, ReconcileOptions, Reconciled, Results, TagImport, TagResult};
use crate::registry::RegistryUse;
use crate::repo::Repo;

/// What one import run decided.
#[derive(Debug)]
pub struct Outcome {
    pub plan: Plan,
    pub reconciled: Vec<Reconciled>,
    /// `--pin`: (stream, tag, new `from.name`).
    pub pins: Vec<(usize, String, String)>,
    /// Requests made for each lookup of `plan.lookups`.
    pub requests: Vec<u32>,
    /// What each listing of `plan.repositories` came to, in the same order.
    pub repositories: Vec<RepositoryOutcome>,
    /// Each registry contacted: the request its lookups started with, and how many it served.
    pub registries: Vec<RegistryUse>,
    pub seconds: f64,
}

/// A repository's tags as listed, or why there is no list.
pub type TagList = Result<Vec<String>, TagImport>;

/// A whole-repository import's listing (`spec.dockerImageRepository`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepositoryOutcome {
    /// Every tag listed, or why there is no list (nothing is written for the repository then, as
    /// the importer records a listing failure only on the ImageStreamImport).
    pub listed: TagList,
    /// Requests the listing took (its tags' lookups are counted on each tag).
    pub requests: u32,
}

/// What happened to one tag. This, not any text, decides the exit code and every output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagOutcome {
    /// Its status (or, with `--pin`, its `from.name`) changes.
    Updated,
    /// Nothing changes.
    Unchanged,
    /// The import failed and the importer's condition is recorded in status, as the cluster would.
    FailedRecorded { reason: String, message: String },
    /// The import failed without saying anything about the tag (network, quota, an unverified digest,
    /// a spec the server would reject): nothing is written for it.
    FailedNotRecorded { cause: String, fix: String },
    /// Not looked up (offline).
    Skipped { why: String },
}

impl TagOutcome {
    fn of(result: &TagResult, pinned: bool) -> Self {
        match result {
            TagResult::Updated => TagOutcome::Updated,
            TagResult::Unchanged if pinned => TagOutcome::Updated,
            TagResult::Unchanged => TagOutcome::Unchanged,
            TagResult::Failed { reason, message } => TagOutcome::FailedRecorded {
                reason: reason.clone(),
                message: message.clone(),
            },
            TagResult::NotRecorded { cause, fix } => TagOutcome::FailedNotRecorded {
                cause: cause.clone(),
                fix: fix.clone(),
            },
            TagResult::Error { message } => TagOutcome::FailedNotRecorded {
                cause: message.clone(),
                fix: "fix the tag's spec: the API server would reject it".into(),
            },
            TagResult::Skipped { why } => TagOutcome::Skipped { why: why.clone() },
        }
    }

    /// `updated | unchanged | failed | skipped`, the report's `result`.
    pub fn name(&self) -> &'static str {
        match self {
            TagOutcome::Updated => "updated",
            TagOutcome::Unchanged => "unchanged",
            TagOutcome::FailedRecorded { .. } | TagOutcome::FailedNotRecorded { .. } => "failed",
            TagOutcome::Skipped { .. } => "skipped",
        }
    }

    pub fn failed(&self) -> bool {
        matches!(
            self,
            TagOutcome::FailedRecorded { .. } | TagOutcome::FailedNotRecorded { .. }
        )
    }
}

/// One row of the report: what happened to a tag.
#[derive(Debug, Clone)]
pub struct TagLine {
    pub stream: usize,
    pub tag: String,
    pub from: String,
    pub outcome: TagOutcome,
    pub before: Option<TagEvent>,
    pub after: Option<TagEvent>,
    pub requests: u32,
    /// `--pin` changed `from.name` to this.
    pub pinned: Option<String>,
}

impl Outcome {
    /// Every reported tag, in stream then tag order.
    pub fn lines(&self, repo: &Repo) -> Vec<TagLine> {
        // Looked up per reported tag: keyed once rather than searched each time.
        let lookups: HashMap<(usize, &str), usize> = self
            .plan
            .tags
            .iter()
            .map(|p| ((p.stream, p.tag.as_str()), p.lookup))
            .collect();
        let pins: HashMap<(usize, &str), &str> = self
            .pins
            .iter()
            .map(|(s, t, name)| ((*s, t.as_str()), name.as_str()))
            .collect();
        let mut lines = self.repository_lines();
        for reconciled in &self.reconciled {
            let spec = &repo.streams[reconciled.stream].stream.spec;
            for report in &reconciled.tags {
                let key = (reconciled.stream, report.tag.as_str());
                // A repository tag has no spec tag: its source is the reference looked up.
                let from = spec
                    .tag(&report.tag)
                    .and_then(|t| t.from.as_ref())
                    .map(|f| f.name.clone())
                    .or_else(|| {
                        lookups
                            .get(&key)
                            .map(|&l| self.plan.lookups[l].reference.clone())
                    })
                    .unwrap_or_default();
                let requests = lookups
                    .get(&key)
                    .map_or(0, |&l| self.requests.get(l).copied().unwrap_or(0));
                let pinned = pins.get(&key).map(|name| name.to_string());
                lines.push(TagLine {
                    stream: reconciled.stream,
                    tag: report.tag.clone(),
                    from,
                    outcome: TagOutcome::of(&report.result, pinned.is_some()),
                    before: report.before.clone(),
                    after: report.after.clone(),
                    requests,
                    pinned,
                });
            }
        }
        lines
    }

    /// One line per repository whose listing failed (tag `""`, `from` the repository): nothing
    /// is written for it, and the run fails.
    fn repository_lines(&self) -> Vec<TagLine> {
        self.plan
            .repositories
            .iter()
            .zip(&self.repositories)
            .filter_map(|(planned, listing)| {
                let failure = listing.listed.as_ref().err()?;
                let outcome = match failure {
                    TagImport::Skipped { why } => TagOutcome::Skipped { why: why.clone() },
                    TagImport::Inconclusive { cause, fix } => TagOutcome::FailedNotRecorded {
                        cause: cause.clone(),
                        fix: fix.clone(),
                    },
                    TagImport::Failed { reason, message } => TagOutcome::FailedNotRecorded {
                        cause: format!("listing the repository's tags: {reason}: {message}"),
                        fix: "fix spec.dockerImageRepository, or give the cluster access to it"
                            .into(),
                    },
                    TagImport::Found { .. } => return None,
                };
                Some(TagLine {
                    stream: planned.stream,
                    tag: String::new(),
                    from: planned.repository.clone(),
                    outcome,
                    before: None,
                    after: None,
                    requests: listing.requests,
                    pinned: None,
                })
            })
            .collect()
    }

    /// Requests of the whole run: lookups and tag listings.
    pub fn total_requests(&self) -> u64 {
        let lookups = self.requests.iter().map(|&r| u64::from(r));
        let listings = self.repositories.iter().map(|r| u64::from(r.requests));
        lookups.chain(listings).sum()
    }

    /// Streams whose file content would change (status or pins).
    pub fn changed_streams(&self) -> Vec<usize> {
        let mut streams: Vec<usize> = self
            .reconciled
            .iter()
            .filter(|r| r.status.is_some())
            .map(|r| r.stream)
            .chain(self.pins.iter().map(|(s, _, _)| *s))
            .collect();
        streams.sort_unstable();
        streams.dedup();
        streams
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub plan: PlanOptions,
    pub reconcile: ReconcileOptions,
    pub pin: bool,
    /// RFC 3339 UTC, second precision.
    pub now: String,
    /// The cluster: its internal and external registry name each stream's repository.
    pub cluster: Cluster,
}

/// Runs the pipeline. `resolve` answers each planned lookup (in order) with an import result and
/// the number of requests it took. Repository imports are not listed (as offline); see
/// [`run_listing`].
pub fn run(
    repo: &Repo,
    options: &Options,
    resolve: impl FnOnce(&[plan::Lookup]) -> Vec<(TagImport, u32)>,
) -> Outcome {
    run_listing(repo, options, resolve::unlisted, resolve)
}

/// Runs the pipeline, listing the tags of due repository imports first: `list` answers each
/// planned repository (in order) with its tags, or why there are none, and the requests it took;
/// the tags the importer would take then join the lookups `resolve` answers.
pub fn run_listing(
    repo: &Repo,
    options: &Options,
    list: impl FnOnce(&[PlannedRepository]) -> Vec<(TagList, u32)>,
    resolve: impl FnOnce(&[plan::Lookup]) -> Vec<(TagImport, u32)>,
) -> Outcome {
    let started = Instant::now();
    let streams = repo.plain_streams();
    let mut plan = plan::plan(&streams, &options.plan);
    let repositories = add_repository_tags(&mut plan, &streams, &options.plan, list);
    let answers = resolve(&plan.lookups);
    let (imports, requests): (Vec<TagImport>, Vec<u32>) = answers.into_iter().unzip();
    let results = Results::from_plan(&plan, &imports);
    let mut reconciled = reconcile::reconcile(&streams, &results, &options.now, &options.reconcile);
    for stream in &mut reconciled {
        fill_repositories(&options.cluster, &streams[stream.stream], stream);
    }
    let pins = if options.pin {
        pins(&streams, &plan, &imports)
    } else {
        Vec::new()
    };
    Outcome {
        plan,
        reconciled,
        pins,
        requests,
        repositories,
        registries: Vec::new(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Lists the planned repositories and plans the lookups of the tags the importer takes.
fn add_repository_tags(
    plan: &mut Plan,
    streams: &[Stream],
    options: &PlanOptions,
    list: impl FnOnce(&[PlannedRepository]) -> Vec<(TagList, u32)>,
) -> Vec<RepositoryOutcome> {
    if plan.repositories.is_empty() {
        return Vec::new();
    }
    let listed = list(&plan.repositories);
    let planned = plan.repositories.clone();
    planned
        .iter()
        .zip(listed)
        .map(|(repository, (listed, requests))| {
            if let Ok(tags) = &listed {
                let chosen = plan::chosen(tags.clone(), options.max_repository_tags);
                plan.add_repository_tags(streams, repository, &chosen, options);
            }
            RepositoryOutcome { listed, requests }
        })
        .collect()
}

/// `from.name` rewritten to `name:tag@digest` for every DockerImage tag that was found and whose
/// pinned digest differs. The digest is that of the manifest the reference names: a list stays a
/// list in either mode, so the pin is the same on every cluster architecture while status records
/// the child this cluster's importer chooses. A digest the user pinned is looked up as itself (only
/// `name:tag@digest` follows its tag, see `PlanOptions::follow_pinned_tags`), so it is never
/// rewritten.
fn pins(streams: &[Stream], plan: &Plan, imports: &[TagImport]) -> Vec<(usize, String, String)> {
    let mut pins = Vec::new();
    for planned in &plan.tags {
        let Some(TagImport::Found { manifest, .. }) = imports.get(planned.lookup) else {
            continue;
        };
        let Some(from) = streams[planned.stream]
            .spec
            .tag(&planned.tag)
            .and_then(|t| t.from.as_ref())
            .filter(|f| f.kind == DOCKER_IMAGE)
        else {
            continue;
        };
        let pinned = pullspec::pinned(&from.name, manifest);
        if pinned != from.name {
            pins.push((planned.stream, planned.tag.clone(), pinned));
        }
    }
    pins
}

/// Now, or `SOURCE_DATE_EPOCH` when set, as OpenShift writes times.
pub fn now() -> Result<String, String> {
    let timestamp = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => {
            let seconds: i64 = epoch
                .trim()
                .parse()
                .map_err(|_| format!("SOURCE_DATE_EPOCH={epoch:?} is not a number of seconds"))?;
            jiff::Timestamp::from_second(seconds).map_err(|e| format!("SOURCE_DATE_EPOCH: {e}"))?
        }
        Err(_) => jiff::Timestamp::now(),
    };
    Ok(timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The repositories the server shows for a stream on this cluster, written with the status (and
/// written alone when only they are out of date).
fn fill_repositories(cluster: &Cluster, stream: &Stream, reconciled: &mut Reconciled) {
    let meta = &stream.spec.meta;
    let mut status = reconciled
        .status
        .clone()
        .unwrap_or_else(|| stream.status.clone().unwrap_or_default());
    let spec_repository = &stream.spec.docker_image_repository;
    if cluster.fill_repositories(&meta.namespace, &meta.name, spec_repository, &mut status)
        || reconciled.status.is_some()
    {
        reconciled.status = Some(status);
    }
}
