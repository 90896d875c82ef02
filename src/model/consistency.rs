//! Whether a tag's status still describes its spec: the offline check (`import --check --offline`,
//! the pre-commit hook), which needs no registry, and the part of the Git rule (`plan`) that reads
//! status against `from.name`.

use super::generation::{observed_generation, tag_generation};
use super::image_id::matches_image;
use super::pullspec;
use super::reference;
use super::spec::{IMAGE_STREAM_IMAGE, IMAGE_STREAM_TAG, ImportMode, SpecTag};
use super::status::NamedTagEventList;
use super::stream::{Stream, importable, repository_recorded};

/// What is wrong with one tag's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No status entry at all.
    NoStatus,
    /// Observed generation older than the spec generation.
    Outdated { spec: i64, observed: i64 },
    /// `items[0]` was imported from another repository than `from.name` names now.
    OtherRepository { status: String },
    /// `from.name` pins a digest that `items[0]` does not record.
    OtherDigest { pinned: String, status: String },
    /// The recorded failure is about another reference than `from.name` names now.
    OtherFailure { message: String },
    /// `spec.dockerImageRepository` is set but status holds no tag of a repository import
    /// (the finding's tag is empty).
    RepositoryNotImported { repository: String },
}

/// One finding of the offline check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Index into the streams given to [`check_offline`].
    pub stream: usize,
    pub tag: String,
    pub problem: Problem,
    /// One line naming the stream and tag, for people.
    pub message: String,
}

/// Checks every importable tag of every stream: it has status for its current spec generation, and
/// that status matches `from.name` (same repository; the pinned digest, if any, which in Legacy
/// mode may be a list whose child is recorded). `default_mode` is the cluster's, for tags that set
/// none.
pub fn check_offline(streams: &[Stream], default_mode: ImportMode) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (i, stream) in streams.iter().enumerate() {
        for tag in stream.spec_tags().filter(|t| importable(t)) {
            let status = stream.status_tag(&tag.name);
            let spec = tag_generation(&stream.spec, tag);
            let observed = observed_generation(status);
            let problem = if status.is_none() {
                Some(Problem::NoStatus)
            } else if spec > observed {
                Some(Problem::Outdated { spec, observed })
            } else {
                consistency(tag, status, default_mode)
            };
            if let Some(problem) = problem {
                let message = message(stream, &tag.name, &problem);
                findings.push(Finding {
                    stream: i,
                    tag: tag.name.clone(),
                    problem,
                    message,
                });
            }
        }
        let repository = &stream.spec.docker_image_repository;
        if !repository.is_empty() && !repository_recorded(stream) {
            let problem = Problem::RepositoryNotImported {
                repository: repository.clone(),
            };
            findings.push(Finding {
                stream: i,
                tag: String::new(),
                message: message(stream, "", &problem),
                problem,
            });
        }
    }
    findings
}

/// Whether the status still describes `from.name`. After a failed import the items are those of an
/// earlier source (the server keeps them), so only the failure's message can say which reference it
/// was about: every importer message names it (reference §7).
pub(crate) fn consistency(
    tag: &SpecTag,
    status: Option<&NamedTagEventList>,
    default_mode: ImportMode,
) -> Option<Problem> {
    let from = tag.from.as_ref()?;
    let list = status?;
    match from.kind.as_str() {
        // A copy never records a failure: this status came from an import of an earlier source.
        IMAGE_STREAM_TAG | IMAGE_STREAM_IMAGE if !list.conditions.is_empty() => {
            return Some(Problem::OtherFailure {
                message: list.conditions[0].message.clone(),
            });
        }
        // A copy records the source's image, not the tag it came from: only the base revision and
        // the generation tell that an ImageStreamTag reference changed.
        IMAGE_STREAM_TAG => return None,
        IMAGE_STREAM_IMAGE => {
            let (_, id) = reference::split_stream_image(&from.name).ok()?;
            let current = list.items.first()?;
            return (!matches_image(&current.image, id)).then(|| Problem::OtherDigest {
                pinned: id.to_owned(),
                status: current.image.clone(),
            });
        }
        _ => {}
    }
    if let Some(failure) = list.conditions.first() {
        // The importer names the reference as resolve::to_registry's `display` does.
        let normalized = reference::parse(&from.name)
            .ok()
            .and_then(|r| r.normalized().ok());
        let names = [Some(from.name.as_str()), normalized.as_deref()];
        let about_this = names.into_iter().flatten().any(|name| {
            failure.message.contains(&format!("\"{name}\""))
                || failure.message.contains(&format!(" {name}: "))
        });
        // A PreserveOriginal import also fails on a child of its list, named `REPO@sha256:CHILD`
        // with the list's repository (registry::children): that failure is about this tag too.
        let child = normalized
            .as_deref()
            .filter(|_| ImportMode::of(tag, default_mode) == ImportMode::PreserveOriginal)
            .map(|name| format!("{}@sha256:", pullspec::repository(name)));
        let about_a_child = child.is_some_and(|prefix| {
            failure.message.contains(&format!("\"{prefix}"))
                || failure.message.contains(&format!(" {prefix}"))
        });
        let about_this = about_this || about_a_child;
        return (!about_this).then(|| Problem::OtherFailure {
            message: failure.message.clone(),
        });
    }
    let current = list.items.first()?;
    let recorded = pullspec::repository(&current.docker_image_reference);
    if recorded != pullspec::repository(&from.name) {
        return Some(Problem::OtherRepository {
            status: current.docker_image_reference.clone(),
        });
    }
    // A Legacy import of a list records the child the importer chooses, even for a pinned digest
    // (openshift-apiserver importer.go `importRepositoryFromDocker` → `importManifest` →
    // `manifestFromManifestList`), with the pull spec `repo@CHILD` (`importImages`). Nothing in the
    // ImageStream names the list again, and without a registry nothing tells a list from an image or
    // its child from another image, so in Legacy mode a differing image is taken as that child: the
    // check cannot prove it, and refusing it would fail every pinned list forever. The Git base is
    // no help here: a pin moved to another list whose chosen child is the same leaves the status as
    // it was, which would fail the hook forever too; the online planner looks up a pin moved since
    // the base while its status stayed (`plan::edited_since_base`). PreserveOriginal records the
    // list itself, so there a differing image is stale.
    match pullspec::digest(&from.name) {
        Some(pinned)
            if pinned != current.image
                && ImportMode::of(tag, default_mode) == ImportMode::PreserveOriginal =>
        {
            Some(Problem::OtherDigest {
                pinned: pinned.to_owned(),
                status: current.image.clone(),
            })
        }
        _ => None,
    }
}

/// The finding's text: `tag` names the tag (empty for the stream's repository import).
fn message(stream: &Stream, tag: &str, problem: &Problem) -> String {
    let meta = &stream.spec.meta;
    let stream_name = if meta.namespace.is_empty() {
        meta.name.clone()
    } else {
        format!("{}/{}", meta.namespace, meta.name)
    };
    let name = format!("{stream_name}:{tag}");
    match problem {
        Problem::NoStatus => format!("tag {name} has no status; run `streamlock import`"),
        Problem::Outdated { spec, observed } => format!(
            "tag {name} has status for generation {observed}, its spec is generation {spec}; run `streamlock import`"
        ),
        Problem::OtherRepository { status } => format!(
            "tag {name} status records {status}, which is not from.name's repository; run `streamlock import`"
        ),
        Problem::OtherFailure { message } => format!(
            "tag {name} records a failed import of another reference ({message}); run `streamlock import`"
        ),
        Problem::RepositoryNotImported { repository } => format!(
            "stream {stream_name} imports spec.dockerImageRepository {repository}, but its status records no tag of it; run `streamlock import`"
        ),
        Problem::OtherDigest { pinned, status } => format!(
            "tag {name} pins {pinned} but its status records {}; run `streamlock import`",
            if status.is_empty() {
                "no image"
            } else {
                status
            }
        ),
    }
}
