//! `oc describe istag/NAME:TAG`: the part of oc's DescribeImage that the stream itself determines —
//! the image name, the pull spec a consumer gets (ResolveReferenceForTagEvent), and the spec tag's
//! annotations, which the server copies onto the tag's image — then, with `--remote`, the image
//! metadata only the registry holds (see `image`).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::image::format_image;
use super::stream::{Described, format_map, format_string};
use super::tabwriter::align;
use crate::model::reference;
use crate::model::spec::{DOCKER_IMAGE, ImportMode};
use crate::model::status::TagEvent;
use crate::plan::{self, PlanOptions};
use crate::registry::Inspected;

/// The text for `tag` of `stream`, or the server's NotFound message when the tag has no image.
pub fn describe_istag(stream: &Described<'_>, tag: &str) -> Result<String, String> {
    let event = current(stream, tag).ok_or_else(|| not_found(stream, tag))?;
    Ok(align(&header(
        stream,
        tag,
        &event.image,
        &resolve(stream, tag, event),
    )))
}

/// [`describe_istag`] followed by the image metadata read from the registry (`--remote`). A tag
/// without status shows the image its spec source resolved to.
pub fn describe_istag_remote(
    stream: &Described<'_>,
    tag: &str,
    inspected: &Inspected,
    now: Timestamp,
) -> String {
    let (docker_image, imported) = match current(stream, tag) {
        Some(event) => (resolve(stream, tag, event), event.created.as_str()),
        None => {
            let from = stream
                .spec_tag(tag)
                .and_then(|s| s.from.as_ref())
                .map_or("", |f| f.name.as_str());
            (with_digest(from, &inspected.digest), "")
        }
    };
    let mut out = header(stream, tag, &inspected.digest, &docker_image);
    format_image(&mut out, inspected, imported, now);
    align(&out)
}

/// What `--remote` reads for `tag`: its current image (status `items[0]`) in the repository its pull
/// spec names, else its DockerImage source looked up as an import would (a Legacy list to the child
/// the importer picks; a tag that sets no mode has the cluster's `default_mode`).
pub fn remote_lookup(
    stream: &Described<'_>,
    tag: &str,
    default_mode: ImportMode,
) -> Result<plan::Lookup, String> {
    let spec = stream.spec_tag(tag);
    let options = PlanOptions {
        default_mode,
        ..PlanOptions::default()
    };
    let mut lookup = match spec {
        Some(spec) => plan::lookup_for(spec, &options),
        None => plan::Lookup {
            reference: String::new(),
            mode: default_mode,
            prefer: None,
            insecure: false,
        },
    };
    if let Some(event) = current(stream, tag) {
        lookup.reference = with_digest(&event.docker_image_reference, &event.image);
        return Ok(lookup);
    }
    match spec.and_then(|s| s.from.as_ref()) {
        Some(from) if from.kind == DOCKER_IMAGE && !from.name.is_empty() => Ok(lookup),
        _ => Err(not_found(stream, tag)),
    }
}

/// The tag's current image: the first status item, when it names one.
fn current<'s>(stream: &'s Described<'_>, tag: &str) -> Option<&'s TagEvent> {
    stream
        .status_tag(tag)
        .and_then(|t| t.items.first())
        .filter(|e| !e.image.is_empty())
}

fn not_found(stream: &Described<'_>, tag: &str) -> String {
    format!(
        "imagestreamtags.image.openshift.io \"{}:{tag}\" not found",
        stream.name()
    )
}

/// `pull_spec`'s repository with `digest` as its id (the pull spec unchanged if it does not parse).
pub(super) fn with_digest(pull_spec: &str, digest: &str) -> String {
    match reference::parse(pull_spec) {
        Ok(mut r) => {
            r.tag.clear();
            r.id = digest.to_owned();
            r.exact()
        }
        Err(_) => pull_spec.to_owned(),
    }
}

/// DescribeImage's first lines (unaligned): Image Name, Docker Image and Name. The Image object's
/// creation time is the server's own and no file holds it, so `Created` is not shown.
pub(super) fn image_header(image: &str, docker_image: &str) -> String {
    let mut out = String::new();
    format_string(&mut out, "Image Name", image);
    format_string(&mut out, "Docker Image", docker_image);
    format_string(&mut out, "Name", image);
    out
}

/// [`image_header`] and the annotations (unaligned).
fn header(stream: &Described<'_>, tag: &str, image: &str, docker_image: &str) -> String {
    let mut out = image_header(image, docker_image);
    // formatAnnotations, printed only when the image has annotations (last duplicate wins).
    let mut annotations: BTreeMap<String, String> = stream
        .spec_tag(tag)
        .map(|s| s.annotations.iter().cloned().collect())
        .unwrap_or_default();
    if !annotations.is_empty() {
        if let Some(d) = annotations.remove("description").filter(|d| !d.is_empty()) {
            format_string(&mut out, "Description", &d);
        }
        format_map(&mut out, "Annotations", &annotations);
    }
    out
}

/// ResolveReferenceForTagEvent: with `referencePolicy: Local` the integrated registry's repository
/// and the image digest (when both are known), else the recorded pull spec.
fn resolve(stream: &Described<'_>, tag: &str, event: &TagEvent) -> String {
    let local = stream
        .spec_tag(tag)
        .is_some_and(|s| s.reference_policy == "Local");
    let repository = stream
        .view
        .status
        .as_ref()
        .map_or("", |s| s.docker_image_repository.as_str());
    if !local || repository.is_empty() {
        return event.docker_image_reference.clone();
    }
    if reference::parse(repository).is_err() {
        return event.docker_image_reference.clone();
    }
    with_digest(repository, &event.image)
}
