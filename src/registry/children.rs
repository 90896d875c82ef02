//! The children of a list imported in PreserveOriginal mode: each must exist, or the tag fails.
//!
//! openshift-apiserver importer.go `importRepositoryFromDocker` calls `importSubManifests` after a
//! PreserveOriginal list (`manifestListToImage` fills `DockerImageManifests`; a Legacy import has
//! none): every child is fetched by digest, in list order, through the same pull sources (mirrors) as
//! the list, and the first error becomes the tag's error, formatted as any manifest error
//! (`formatRepositoryError`, with the child's reference: `dockerimage.image.openshift.io
//! "REGISTRY/REPO@sha256:CHILD" not found`). Here a child is one more digest lookup (a `HEAD`; its
//! body only when the `HEAD` cannot tell), so the answers are the engine's own: recorded failures as
//! the importer records them, inconclusive ones never written.
//!
//! Children are checked once per run however many lists (tags, streams) name them, all in parallel
//! under the engine's limits; a child's requests are counted on the first lookup, in the order the
//! lookups were given, that names it, so a report's counts never depend on timing.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

use super::resolver::Inner;
use super::{ImportMode, Lookup, LookupResult, Outcome};

/// The child checks of one run, shared by all its lookups.
#[derive(Default)]
pub(super) struct Children {
    checks: Mutex<HashMap<Lookup, Arc<OnceCell<LookupResult>>>>,
}

/// A lookup's answer with the children it checked (empty for anything but a PreserveOriginal list).
#[derive(Clone)]
pub(super) struct Checked {
    pub result: LookupResult,
    pub children: Vec<Lookup>,
}

impl Children {
    /// Checks `children` (digests, in list order) of the list `lookup` found, and turns `result` into
    /// the first failing child's failure, if any.
    pub(super) async fn check(
        &self,
        inner: &Arc<Inner>,
        lookup: &Lookup,
        mut result: LookupResult,
        children: Vec<String>,
    ) -> Checked {
        let lookups: Vec<Lookup> = children.iter().map(|d| child_lookup(lookup, d)).collect();
        let tasks: Vec<_> = lookups
            .iter()
            .map(|child| {
                let cell = self.cell(child);
                let (inner, child) = (inner.clone(), child.clone());
                tokio::spawn(async move {
                    cell.get_or_init(|| async { inner.resolve(&child).await })
                        .await
                        .outcome
                        .clone()
                })
            })
            .collect();
        for (task, child) in tasks.into_iter().zip(&lookups) {
            let outcome = task.await.unwrap_or_else(|err| Outcome::Inconclusive {
                cause: format!("child check aborted: {err}"),
                fix: "an internal task failed; run again".into(),
            });
            match outcome {
                Outcome::Found { .. } => continue,
                Outcome::Failed { .. } => result.outcome = outcome,
                // Already sanitized by the child's own answer.
                Outcome::Inconclusive { cause, fix } => {
                    result.outcome = Outcome::Inconclusive {
                        cause: format!("child {} of the list: {cause}", child.reference),
                        fix,
                    };
                }
            }
            // The importer stops at the first child that fails.
            break;
        }
        Checked {
            result,
            children: lookups,
        }
    }

    fn cell(&self, child: &Lookup) -> Arc<OnceCell<LookupResult>> {
        self.checks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(child.clone())
            .or_default()
            .clone()
    }

    /// Adds each child's requests to the first answer (in `answers` order) that checked it.
    pub(super) fn charge(&self, answers: &mut [Checked]) {
        let checks = self.checks.lock().unwrap_or_else(PoisonError::into_inner);
        let mut charged: HashSet<&Lookup> = HashSet::new();
        for answer in answers {
            for child in &answer.children {
                if charged.insert(child)
                    && let Some(done) = checks.get(child).and_then(|cell| cell.get())
                {
                    answer.result.requests += done.requests;
                }
            }
        }
    }
}

/// The lookup of one child: by digest, through the list's registry, repository and mirrors, named
/// as the importer names it (the list's repository, normalized, `@` the child).
fn child_lookup(list: &Lookup, digest: &str) -> Lookup {
    Lookup {
        registry: list.registry.clone(),
        repository: list.repository.clone(),
        reference: digest.to_owned(),
        // importSubManifests imports each child with no mode, that is Legacy, and no preference.
        mode: ImportMode::Legacy,
        prefer: None,
        insecure: list.insecure,
        display: format!("{}@{digest}", repository_of(&list.display)),
    }
}

/// `display` without its tag or digest: `host:5000/team/app:v1` → `host:5000/team/app`.
fn repository_of(display: &str) -> &str {
    let base = display.split_once('@').map_or(display, |(base, _)| base);
    match base.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => repository,
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_is_named_by_the_lists_repository() {
        let list = Lookup {
            registry: "127.0.0.1:5000".into(),
            repository: "team/app".into(),
            reference: "v1".into(),
            mode: ImportMode::PreserveOriginal,
            prefer: None,
            insecure: true,
            display: "127.0.0.1:5000/team/app:v1".into(),
        };
        let child = child_lookup(&list, "sha256:abc");
        assert_eq!(child.display, "127.0.0.1:5000/team/app@sha256:abc");
        assert_eq!(child.reference, "sha256:abc");
        assert!(child.insecure);
        assert_eq!(
            repository_of("docker.io/library/mysql@sha256:1"),
            "docker.io/library/mysql"
        );
        assert_eq!(
            repository_of("127.0.0.1:5000/team/app"),
            "127.0.0.1:5000/team/app"
        );
    }
}
