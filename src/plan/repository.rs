//! Whole-repository imports (`spec.dockerImageRepository`): when one is due, and the tag lookups
//! that follow once the repository's tags are listed.
//!
//! The controller imports the repository only while the stream lacks the `dockerRepositoryCheck`
//! annotation, that is once, when the stream is created (openshift-controller-manager
//! imagestream_controller.go `needsImport`/`handleImageStream`); scheduled imports re-import
//! scheduled spec tags, never the repository. The Git rule therefore lists the tags only when
//! status holds no trace of a repository import (no status tag that no spec tag names), when
//! `spec.dockerImageRepository` changed since the base revision, or with `--all`; never for
//! `--scheduled` or `--tag`, and never for a stream without the field, so streams that need no
//! listing cost no request.

use std::collections::HashMap;

use super::{Lookup, Plan, PlanOptions, PlannedTag, Selection, Why};
use crate::model::reference;
use crate::model::stream::{Stream, repository_recorded};
use crate::model::tag_priority::prioritize_tags;

/// The stream annotation that makes the repository import insecure (imagestream_controller.go
/// `handleImageStream`: `InsecureRepositoryAnnotation == "true"`).
pub const INSECURE_REPOSITORY: &str = "openshift.io/image.insecureRepository";

/// The importer's limit on tags imported from one repository: `maxImagesBulkImportedPerRepository`
/// (openshift-apiserver openshiftcontrolplane_default.go, default 50).
pub const DEFAULT_MAX_TAGS: usize = 50;

/// How many tags one repository import takes (`maxImagesBulkImportedPerRepository`): `None` is
/// the importer's `-1`, no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagLimit(pub Option<usize>);

impl Default for TagLimit {
    fn default() -> Self {
        TagLimit(Some(DEFAULT_MAX_TAGS))
    }
}

impl TagLimit {
    /// `N` (at least 1) or `-1` for no limit, as the importer's setting reads.
    pub fn from_number(n: i64) -> Result<Self, String> {
        match n {
            -1 => Ok(TagLimit(None)),
            n if n >= 1 => Ok(TagLimit(usize::try_from(n).ok())),
            n => Err(format!(
                "{n} tags per repository: expected at least 1, or -1 for no limit"
            )),
        }
    }
}

/// A repository import that is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedRepository {
    /// Index into the streams given to [`super::plan`].
    pub stream: usize,
    /// `spec.dockerImageRepository` as written.
    pub repository: String,
    /// The stream's insecure-repository annotation.
    pub insecure: bool,
    pub why: Why,
}

/// Repository imports due in `streams` (module comment).
pub fn due(streams: &[Stream], options: &PlanOptions) -> Vec<PlannedRepository> {
    if !options.tags.is_empty() {
        return Vec::new();
    }
    streams
        .iter()
        .enumerate()
        .filter_map(|(i, stream)| {
            let repository = &stream.spec.docker_image_repository;
            if repository.is_empty() {
                return None;
            }
            let why = if !repository_recorded(stream) {
                Why::NoStatus
            } else if stream
                .base
                .as_deref()
                .is_some_and(|base| base.spec.docker_image_repository != *repository)
            {
                Why::SpecChanged
            } else if options.selection == Selection::All {
                Why::All
            } else {
                return None;
            };
            Some(PlannedRepository {
                stream: i,
                repository: repository.clone(),
                insecure: stream.spec.annotation(INSECURE_REPOSITORY) == Some("true"),
                why,
            })
        })
        .collect()
}

/// The tags the importer takes from a listing, in its order: `tags` sorted by PrioritizeTags, the
/// first `limit`, as importer.go `importRepositoryFromDocker`
/// does. The rest are its `additionalTags`, not imported.
pub fn chosen(mut tags: Vec<String>, limit: TagLimit) -> Vec<String> {
    prioritize_tags(&mut tags);
    if let TagLimit(Some(limit)) = limit {
        tags.truncate(limit);
    }
    tags
}

/// `repository:tag`, the reference the importer looks a listed tag up by (the repository's own tag
/// or digest, if it has one, replaced), or `None` when the repository does not parse.
pub fn tag_reference(repository: &str, tag: &str) -> Option<String> {
    let mut parsed = reference::parse(repository).ok()?;
    parsed.tag = tag.to_owned();
    parsed.id.clear();
    Some(parsed.exact())
}

impl Plan {
    /// Adds the lookups of a listed repository: each chosen tag becomes a lookup (shared with equal
    /// lookups) and a planned tag of the stream. A tag that a spec tag of the stream also names is
    /// left to that spec tag: the importer writes the spec tag's own import last (rest.go
    /// `createImages` handles the repository's images before the spec's).
    pub fn add_repository_tags(
        &mut self,
        streams: &[Stream],
        planned: &PlannedRepository,
        chosen: &[String],
        options: &PlanOptions,
    ) {
        let stream = &streams[planned.stream];
        let mut index: HashMap<Lookup, usize> = self
            .lookups
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect();
        for tag in chosen {
            if stream.spec.tag(tag).is_some() {
                continue;
            }
            let Some(reference) = tag_reference(&planned.repository, tag) else {
                continue;
            };
            let lookup = Lookup {
                reference,
                mode: options.default_mode,
                prefer: None,
                insecure: planned.insecure,
            };
            let next = self.lookups.len();
            let at = *index.entry(lookup.clone()).or_insert(next);
            if at == next {
                self.lookups.push(lookup);
            }
            self.tags.push(PlannedTag {
                stream: planned.stream,
                tag: tag.clone(),
                lookup: at,
                why: Why::Repository,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec::{FromRef, SpecTag, StreamSpec};
    use crate::model::status::{NamedTagEventList, StreamStatus};

    fn stream(repository: &str, spec_tags: &[&str], status_tags: &[&str]) -> Stream {
        let spec = StreamSpec {
            docker_image_repository: repository.into(),
            tags: spec_tags
                .iter()
                .map(|t| SpecTag {
                    name: (*t).into(),
                    from: Some(FromRef {
                        kind: "DockerImage".into(),
                        name: format!("quay.io/x/y:{t}"),
                        ..FromRef::default()
                    }),
                    ..SpecTag::default()
                })
                .collect(),
            ..StreamSpec::default()
        };
        let status = (!status_tags.is_empty()).then(|| StreamStatus {
            tags: status_tags
                .iter()
                .map(|t| NamedTagEventList {
                    tag: (*t).into(),
                    ..NamedTagEventList::default()
                })
                .collect(),
            ..StreamStatus::default()
        });
        Stream {
            spec,
            status,
            base: None,
        }
    }

    #[test]
    fn a_repository_import_is_due_once_then_only_when_asked() {
        let default = PlanOptions::default();
        let all = PlanOptions {
            selection: Selection::All,
            ..PlanOptions::default()
        };
        let scheduled = PlanOptions {
            selection: Selection::Scheduled,
            ..PlanOptions::default()
        };
        let never = stream("quay.io/x/y", &["a"], &["a"]);
        let done = stream("quay.io/x/y", &["a"], &["a", "b"]);
        let new = stream("quay.io/x/y", &["a"], &["a"]);
        let none = stream("", &[], &["b"]);
        let mut moved = done.clone();
        moved.base = Some(Box::new(stream("quay.io/x/old", &["a"], &["a", "b"])));
        let whys = |options: &PlanOptions| {
            let streams = [never.clone(), done.clone(), none.clone(), moved.clone()];
            due(&streams, options)
                .into_iter()
                .map(|p| (p.stream, p.why))
                .collect::<Vec<_>>()
        };
        assert_eq!(whys(&default), [(0, Why::NoStatus), (3, Why::SpecChanged)]);
        assert_eq!(whys(&scheduled), whys(&default));
        assert_eq!(
            whys(&all),
            [(0, Why::NoStatus), (1, Why::All), (3, Why::SpecChanged)]
        );
        let tagged = PlanOptions {
            tags: vec!["y:a".parse().unwrap()],
            ..PlanOptions::default()
        };
        assert!(due(&[new], &tagged).is_empty());
    }

    #[test]
    fn chosen_tags_follow_prioritize_tags_and_the_limit() {
        let tags = ["a", "1.0.0", "latest", "2.1", "v2.0", "1.10.2", "z"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            chosen(tags.clone(), TagLimit(None)),
            ["latest", "2.1", "v2.0", "1.10.2", "1.0.0", "a", "z"]
        );
        assert_eq!(chosen(tags, TagLimit(Some(3))), ["latest", "2.1", "v2.0"]);
        assert_eq!(TagLimit::default(), TagLimit(Some(50)));
        assert_eq!(TagLimit::from_number(-1), Ok(TagLimit(None)));
        assert_eq!(TagLimit::from_number(7), Ok(TagLimit(Some(7))));
        assert!(TagLimit::from_number(0).is_err());
        assert!(TagLimit::from_number(-2).is_err());
    }

    #[test]
    fn repository_tags_are_looked_up_once_and_leave_spec_tags_alone() {
        let streams = [
            stream("quay.io/x/y", &["a"], &[]),
            stream("quay.io/x/y:ignored", &[], &[]),
        ];
        let options = PlanOptions::default();
        let mut plan = Plan::default();
        let planned = due(&streams, &options);
        for p in &planned {
            plan.add_repository_tags(&streams, p, &["a".into(), "b".into()], &options);
        }
        let refs: Vec<&str> = plan.lookups.iter().map(|l| l.reference.as_str()).collect();
        assert_eq!(refs, ["quay.io/x/y:b", "quay.io/x/y:a"]);
        let tags: Vec<(usize, &str, usize)> = plan
            .tags
            .iter()
            .map(|t| (t.stream, t.tag.as_str(), t.lookup))
            .collect();
        assert_eq!(tags, [(0, "b", 0), (1, "a", 1), (1, "b", 0)]);
    }
}
