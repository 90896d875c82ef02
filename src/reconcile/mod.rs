//! What OpenShift would write into `status` after an import, as a pure function of the streams of a
//! repository, the registry's answers and the time (reference §5–§7).
//!
//! What is recorded, and what is not: only `status`. The server also rewrites the spec after an
//! import (tag generations, `metadata.generation`, the `dockerRepositoryCheck` annotation), but a Git
//! repository holds the *desired* state: those fields would churn in every pull request, and an
//! absent annotation keeps the controller's rule "import every tag without a generation" — exactly
//! what applying the file to a cluster would do. Generations in status are therefore computed from
//! the file as the server would have them after applying it (`model::generation`), which keeps a
//! second run identical.

pub mod events;
mod follow;
mod repository;

use std::collections::{BTreeMap, HashMap};

use crate::model::generation;
use crate::model::pullspec;
use crate::model::spec::{ImportMode, SpecTag};
use crate::model::status::{NamedTagEventList, StreamStatus, TagEvent};
use crate::model::stream::{Stream, importable};
use crate::plan::{Plan, Why};

use events::TagMap;

/// The registry's answer for one stream tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagImport {
    /// The image the tag points to now: the manifest digest OpenShift records as `image`, and the
    /// digest of the manifest the reference names (`image`, or the list a Legacy import chose
    /// `image` from): what `--pin` pins.
    Found { image: String, manifest: String },
    /// OpenShift's failure reason (`NotFound`, `Unauthorized`, `InternalError`, …) and message.
    Failed { reason: String, message: String },
    /// The lookup learnt nothing about the tag (network, quota, a digest that does not verify, …):
    /// never recorded; `fix` says what the user can do.
    Inconclusive { cause: String, fix: String },
    /// Not looked up (offline); the tag's status is left alone.
    Skipped { why: String },
}

/// Registry answers keyed by stream (index into the streams slice) and tag name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Results {
    by_tag: HashMap<(usize, String), TagImport>,
    /// Tags of whole-repository imports: (stream, tag) → (the reference looked up, its answer).
    repository: BTreeMap<(usize, String), (String, TagImport)>,
}

impl Results {
    /// Spreads one outcome per lookup (in [`Plan::lookups`] order) back to every tag that asked for it.
    /// Lookups without an outcome leave their tags out of the results.
    pub fn from_plan(plan: &Plan, outcomes: &[TagImport]) -> Results {
        let mut results = Results::default();
        for planned in &plan.tags {
            let Some(outcome) = outcomes.get(planned.lookup) else {
                continue;
            };
            if planned.why == Why::Repository {
                let from = &plan.lookups[planned.lookup].reference;
                results.insert_repository(planned.stream, &planned.tag, from, outcome.clone());
            } else {
                results.insert(planned.stream, &planned.tag, outcome.clone());
            }
        }
        results
    }

    pub fn insert(&mut self, stream: usize, tag: &str, import: TagImport) {
        self.by_tag.insert((stream, tag.to_owned()), import);
    }

    pub fn get(&self, stream: usize, tag: &str) -> Option<&TagImport> {
        self.by_tag.get(&(stream, tag.to_owned()))
    }

    /// The answer for `tag` of a whole-repository import of `stream`, looked up as `from`.
    pub fn insert_repository(&mut self, stream: usize, tag: &str, from: &str, import: TagImport) {
        self.repository
            .insert((stream, tag.to_owned()), (from.to_owned(), import));
    }

    /// The repository tags of `stream`: (tag, reference looked up, answer), by tag name.
    pub fn repository_tags(&self, stream: usize) -> impl Iterator<Item = (&str, &str, &TagImport)> {
        self.repository
            .range((stream, String::new())..)
            .take_while(move |((s, _), _)| *s == stream)
            .map(|((_, tag), (from, import))| (tag.as_str(), from.as_str(), import))
    }
}

/// Options of [`reconcile`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReconcileOptions {
    /// `--history N`: keep at most N items per tag (at least one). `None`: never trim, as the server.
    pub history: Option<usize>,
    /// The cluster's `internalRegistryHostname`: a copy of another stream's image from it is
    /// rewritten to the copying stream's pull spec.
    pub internal_registry: Option<String>,
    /// The cluster's import mode for tags that set none (the Git rule reads it, `plan::spec_changed`).
    pub default_mode: ImportMode,
}

/// What happened to one tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagResult {
    /// Its status changed.
    Updated,
    /// Its status is as it was.
    Unchanged,
    /// The import failed; the condition is in status (items kept).
    Failed { reason: String, message: String },
    /// The lookup failed without saying anything about the tag; status left alone.
    NotRecorded { cause: String, fix: String },
    /// Nothing could be decided (not looked up, or its source is missing); status left alone.
    Skipped { why: String },
    /// The spec cannot be followed (an alias loop, an ambiguous image id, a malformed name); the
    /// server would reject it. Status left alone.
    Error { message: String },
}

/// One tag's outcome, with its current event before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagReport {
    pub tag: String,
    pub result: TagResult,
    pub before: Option<TagEvent>,
    pub after: Option<TagEvent>,
}

/// The outcome for one stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciled {
    /// Index into the streams given to [`reconcile`].
    pub stream: usize,
    /// The new status, only when it differs from the file's (ignoring tag order and empty entries,
    /// which the server would normalise but which are not worth a diff on their own).
    pub status: Option<StreamStatus>,
    /// Every tag that was imported or follows another source (reference, alias, image), by name.
    pub tags: Vec<TagReport>,
}

/// Most rounds of following before giving up on a fixed point (a chain of cross-feeding tags this
/// long does not occur in practice; each round is linear).
const FOLLOW_PASSES: usize = 8;

/// Computes the new status of every stream (one [`Reconciled`] per stream, same order).
pub fn reconcile(
    streams: &[Stream],
    results: &Results,
    now: &str,
    options: &ReconcileOptions,
) -> Vec<Reconciled> {
    let before: Vec<TagMap> = streams.iter().map(tag_map).collect();
    let mut after = before.clone();
    let mut verdicts: HashMap<(usize, String), TagResult> = HashMap::new();

    for (i, stream) in streams.iter().enumerate() {
        for tag in stream.spec_tags().filter(|t| importable(t)) {
            let verdict = results
                .get(i, &tag.name)
                .and_then(|import| apply_import(stream, tag, import, &mut after[i], now));
            if let Some(verdict) = verdict {
                verdicts.insert((i, tag.name.clone()), verdict);
            }
        }
        verdicts.extend(repository::apply(stream, i, results, &mut after[i], now));
    }
    // Tags that follow other tags can feed each other across streams (an alias of an
    // ImageStreamImage whose history holds that alias): follow until nothing changes, so a second
    // run finds nothing left to do.
    // History is trimmed before and after each round of following: an ImageStreamImage must find
    // only what the written status will hold, or the next run would find less.
    for tags in &mut after {
        trim(tags, options.history);
    }
    for _ in 0..FOLLOW_PASSES {
        let previous = after.clone();
        let followed = follow::follow_all(
            streams,
            &mut after,
            now,
            options.internal_registry.as_deref(),
            options.default_mode,
        );
        for tags in &mut after {
            trim(tags, options.history);
        }
        let settled = after == previous;
        verdicts.extend(followed);
        if settled {
            break;
        }
    }

    streams
        .iter()
        .enumerate()
        .zip(before.iter().zip(after.iter_mut()))
        .map(|((i, stream), (old, new))| {
            trim(new, options.history);
            events::collapse_empty(new);
            let mut old = old.clone();
            events::collapse_empty(&mut old);
            let tags = reports(stream, i, results, &verdicts, &old, new);
            let status = (old != *new).then(|| StreamStatus {
                tags: new.values().cloned().collect(),
                ..stream.status.clone().unwrap_or_default()
            });
            Reconciled {
                stream: i,
                status,
                tags,
            }
        })
        .collect()
}

/// `--history N`: at most N items per tag (at least the current one).
fn trim(tags: &mut TagMap, history: Option<usize>) {
    if let Some(n) = history {
        for list in tags.values_mut() {
            list.items.truncate(n.max(1));
        }
    }
}

/// The file's status tags as a map (last duplicate wins, sorted by name).
fn tag_map(stream: &Stream) -> TagMap {
    stream
        .status
        .iter()
        .flat_map(|s| &s.tags)
        .map(|list| (list.tag.clone(), list.clone()))
        .collect()
}

/// Applies one registry answer (rest.go importSuccessful / setFailureCondition). Returns the verdict
/// when it is not read off the status difference.
fn apply_import(
    stream: &Stream,
    tag: &SpecTag,
    import: &TagImport,
    tags: &mut TagMap,
    now: &str,
) -> Option<TagResult> {
    let next = generation::next_generation(&stream.spec);
    match import {
        TagImport::Found { image, .. } => {
            let from = tag.from.as_ref().map_or("", |f| f.name.as_str());
            let event = TagEvent {
                created: now.to_owned(),
                docker_image_reference: pullspec::pull_spec(from, image),
                image: image.clone(),
                generation: next,
            };
            if events::has_tag_changed(tags.get(&tag.name), tag.generation, &event) {
                events::add_tag_event(tags, &tag.name, event);
            }
            events::clear_conditions(tags, &tag.name);
            None
        }
        TagImport::Failed { reason, message } => {
            let condition = events::failure_condition(reason, message, next, now);
            let message = condition.message.clone();
            events::set_failure(tags, &tag.name, condition);
            Some(TagResult::Failed {
                reason: reason.clone(),
                message,
            })
        }
        TagImport::Inconclusive { cause, fix } => Some(TagResult::NotRecorded {
            cause: cause.clone(),
            fix: fix.clone(),
        }),
        TagImport::Skipped { why } => Some(TagResult::Skipped { why: why.clone() }),
    }
}

fn reports(
    stream: &Stream,
    i: usize,
    results: &Results,
    verdicts: &HashMap<(usize, String), TagResult>,
    old: &TagMap,
    new: &TagMap,
) -> Vec<TagReport> {
    let mut names: Vec<&str> = stream
        .spec_tags()
        .filter(|t| {
            let imported = importable(t) && results.get(i, &t.name).is_some();
            let follows = !importable(t) && t.from.is_some();
            imported || follows
        })
        .map(|t| t.name.as_str())
        .chain(results.repository_tags(i).map(|(tag, _, _)| tag))
        .collect();
    names.sort_unstable();
    names
        .into_iter()
        .map(|name| {
            let (was, is) = (old.get(name), new.get(name));
            let result = verdicts
                .get(&(i, name.to_owned()))
                .cloned()
                .unwrap_or(if was == is {
                    TagResult::Unchanged
                } else {
                    TagResult::Updated
                });
            TagReport {
                tag: name.to_owned(),
                result,
                before: was.and_then(current),
                after: is.and_then(current),
            }
        })
        .collect()
}

fn current(list: &NamedTagEventList) -> Option<TagEvent> {
    list.items.first().cloned()
}
