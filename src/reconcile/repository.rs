//! Status of the tags a whole-repository import brings (`spec.dockerImageRepository`), as the
//! ImageStreamImport handler records them (openshift-apiserver imagestreamimport/rest.go
//! `createImages`): each imported tag through `importSuccessful`, each failed one through
//! `setFailureCondition`, exactly like a spec tag that names `repository:tag` and carries no
//! generation. The server also adds a spec tag for each; streamlock leaves the spec as written (see
//! the module comment of `reconcile`), so the next run computes the same event and writes nothing.

use super::events::TagMap;
use super::{Results, TagResult, apply_import};
use crate::model::spec::{DOCKER_IMAGE, FromRef, SpecTag};
use crate::model::stream::Stream;

/// Applies the repository tags of stream `i`; returns the verdicts not read off the status difference.
pub(super) fn apply(
    stream: &Stream,
    i: usize,
    results: &Results,
    tags: &mut TagMap,
    now: &str,
) -> Vec<((usize, String), TagResult)> {
    let mut verdicts = Vec::new();
    for (tag, from, import) in results.repository_tags(i) {
        let spec = SpecTag {
            name: tag.to_owned(),
            from: Some(FromRef {
                kind: DOCKER_IMAGE.to_owned(),
                name: from.to_owned(),
                namespace: String::new(),
            }),
            ..SpecTag::default()
        };
        if let Some(verdict) = apply_import(stream, &spec, import, tags, now) {
            verdicts.push(((i, tag.to_owned()), verdict));
        }
    }
    verdicts
}
