//! Answers planned lookups: maps each to a registry lookup (OpenShift's reference grammar and Docker
//! Hub defaults), runs them through the registry engine, and maps the outcomes back.

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

use super::TagList;
use crate::cluster::Cluster;
use crate::model::reference;
use crate::plan::{self, PlannedRepository};
use crate::reconcile::TagImport;
use crate::registry::{self, Listed, Outcome, Platform, Resolver};

/// Every lookup skipped, for `--offline`.
pub fn offline(lookups: &[plan::Lookup]) -> Vec<(TagImport, u32)> {
    let skipped = TagImport::Skipped {
        why: "offline: not looked up".to_string(),
    };
    lookups.iter().map(|_| (skipped.clone(), 0)).collect()
}

/// No repository listed, for `--offline` (and for callers that list none).
pub fn unlisted(repositories: &[PlannedRepository]) -> Vec<(TagList, u32)> {
    let skipped = TagImport::Skipped {
        why: "offline: the repository's tags were not listed".to_string(),
    };
    repositories
        .iter()
        .map(|_| (Err(skipped.clone()), 0))
        .collect()
}

/// Lists the tags of every planned repository import, from the source registry (the importer lists
/// without mirrors). A repository OpenShift would not parse, or that the cluster blocks, fails with
/// the importer's words without any request; the same repository is listed once.
pub fn list_online(
    repositories: &[PlannedRepository],
    resolver: &Resolver,
    cluster: &Cluster,
) -> Result<Vec<(TagList, u32)>, String> {
    let mapped: Vec<Result<registry::Listing, TagImport>> = repositories
        .iter()
        .map(|planned| to_listing(planned, cluster))
        .collect();
    let valid: Vec<registry::Listing> = mapped
        .iter()
        .filter_map(|m| m.as_ref().ok().cloned())
        .collect();
    let mut results = runtime()?.block_on(resolver.list_all(valid)).into_iter();
    Ok(mapped
        .into_iter()
        .map(|m| match m {
            Err(failure) => (Err(failure), 0),
            Ok(_) => match results.next() {
                Some(result) => (listed(result.listed), result.requests),
                None => (Err(no_answer()), 0),
            },
        })
        .collect())
}

/// The registry engine's listing of a planned repository import (importer.go
/// `importFromRepository`: parse, blocked registries, client defaults).
fn to_listing(
    planned: &PlannedRepository,
    cluster: &Cluster,
) -> Result<registry::Listing, TagImport> {
    let name = &planned.repository;
    let parsed =
        reference::parse(name).map_err(|e| invalid(name, &format!("invalid name: {e}")))?;
    if let Some((reason, message)) = cluster.blocked(&parsed, &[]) {
        return Err(TagImport::Failed { reason, message });
    }
    let target = parsed.docker_client_defaults().as_v2();
    let repository = target.repository();
    if target.name.is_empty() || repository.is_empty() {
        return Err(invalid(name, "the provided repository name is not valid"));
    }
    Ok(registry::Listing {
        registry: target.registry,
        repository,
        insecure: planned.insecure,
        display: parsed.exact(),
    })
}

fn listed(listed: Listed) -> TagList {
    match listed {
        Listed::Tags(tags) => Ok(tags),
        Listed::Failed { reason, message } => Err(TagImport::Failed {
            reason: reason.as_str().to_string(),
            message,
        }),
        Listed::Inconclusive { cause, fix } => Err(TagImport::Inconclusive { cause, fix }),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the network runtime: {e}"))
}

/// Resolves every lookup against its registry (or mirrors). Lookups whose reference OpenShift
/// would not accept, or whose registry the cluster blocks, fail with the importer's message without
/// any request. With `progress`, a bar on stderr counts the lookups (the caller checks for a
/// terminal).
pub fn online(
    lookups: &[plan::Lookup],
    resolver: &Resolver,
    cluster: &Cluster,
    progress: bool,
) -> Result<Vec<(TagImport, u32)>, String> {
    let mirror_sources = resolver.mirror_sources();
    let blocked = |lookup: &plan::Lookup| {
        let parsed = reference::parse(&lookup.reference).ok()?;
        let (reason, message) = cluster.blocked(&parsed, &mirror_sources)?;
        Some(TagImport::Failed { reason, message })
    };
    let mapped: Vec<Result<registry::Lookup, TagImport>> = lookups
        .iter()
        .map(|lookup| match blocked(lookup) {
            Some(refused) => Err(refused),
            None => to_registry(lookup),
        })
        .collect();
    let valid: Vec<registry::Lookup> = mapped
        .iter()
        .filter_map(|m| m.as_ref().ok().cloned())
        .collect();
    let runtime = runtime()?;
    let bar = if progress {
        let bar = ProgressBar::new(valid.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} resolving {pos}/{len} [{bar:30}] {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let tick = bar.clone();
    let mut results = runtime
        .block_on(resolver.resolve_all_with(valid, Arc::new(move || tick.inc(1))))
        .into_iter();
    bar.finish_and_clear();
    Ok(mapped
        .into_iter()
        .map(|m| match m {
            Err(invalid) => (invalid, 0),
            Ok(_) => match results.next() {
                Some(result) => (from_outcome(result.outcome), result.requests),
                None => (no_answer(), 0),
            },
        })
        .collect())
}

/// The importer's failure for a `from.name` it rejects (a field.Invalid of an ImageStreamImport).
fn invalid(name: &str, why: &str) -> TagImport {
    TagImport::Failed {
        reason: "Invalid".into(),
        message: format!(" \"\" is invalid: from.name: Invalid value: \"{name}\": {why}"),
    }
}

/// What a lookup or listing the engine did not answer comes to.
fn no_answer() -> TagImport {
    TagImport::Inconclusive {
        cause: "no answer from the registry engine".into(),
        fix: "run again".into(),
    }
}

/// The registry engine's lookup for a planned one, or the importer's failure for a reference it rejects.
pub fn to_registry(lookup: &plan::Lookup) -> Result<registry::Lookup, TagImport> {
    let name = &lookup.reference;
    let parsed =
        reference::parse(name).map_err(|e| invalid(name, &format!("invalid name: {e}")))?;
    let display = parsed.normalized().map_err(|e| TagImport::Failed {
        reason: "InternalError".into(),
        message: format!(
            "Internal error occurred: unable to parse docker reference {}: {e}",
            parsed.exact()
        ),
    })?;
    let target = parsed.docker_client_defaults().as_v2();
    let repository = target.repository();
    if target.name.is_empty() || repository.is_empty() {
        return Err(TagImport::Failed {
            reason: "InternalError".into(),
            message: format!(
                "Internal error occurred: {display}: the reference names a registry but no repository"
            ),
        });
    }
    Ok(registry::Lookup {
        registry: target.registry,
        repository,
        reference: if target.id.is_empty() {
            target.tag
        } else {
            target.id
        },
        mode: lookup.mode,
        prefer: lookup
            .prefer
            .as_ref()
            .map(|p| Platform::new(&p.os, &p.architecture)),
        insecure: lookup.insecure,
        display,
    })
}

fn from_outcome(outcome: Outcome) -> TagImport {
    match outcome {
        Outcome::Found { image, .. } => TagImport::Found { image },
        Outcome::Failed { reason, message } => TagImport::Failed {
            reason: reason.as_str().to_string(),
            message,
        },
        Outcome::Inconclusive { cause, fix } => TagImport::Inconclusive { cause, fix },
    }
}
