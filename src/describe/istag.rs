//! `oc describe istag/NAME:TAG` from the files: the part of oc's DescribeImage that the stream
//! itself determines — the image name, the pull spec a consumer gets (ResolveReferenceForTagEvent),
//! and the spec tag's annotations, which the server copies onto the tag's image.
//!
//! The rest of oc's output (size, layers, created, architecture, command, labels, platforms) is image
//! metadata that only the registry holds.

use std::collections::BTreeMap;

use super::stream::{Described, format_map, format_string};
use super::tabwriter::align;
use crate::model::reference;
use crate::model::status::TagEvent;

/// The text for `tag` of `stream`, or the server's NotFound message when the tag has no image.
pub fn describe_istag(stream: &Described<'_>, tag: &str) -> Result<String, String> {
    let event = stream
        .status_tag(tag)
        .and_then(|t| t.items.first())
        .filter(|e| !e.image.is_empty())
        .ok_or_else(|| {
            format!(
                "imagestreamtags.image.openshift.io \"{}:{tag}\" not found",
                stream.name()
            )
        })?;
    let mut out = String::new();
    format_string(&mut out, "Image Name", &event.image);
    format_string(&mut out, "Docker Image", &resolve(stream, tag, event));
    format_string(&mut out, "Name", &event.image);
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
    Ok(align(&out))
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
    match reference::parse(repository) {
        Ok(mut r) => {
            r.tag.clear();
            r.id = event.image.clone();
            r.exact()
        }
        Err(_) => event.docker_image_reference.clone(),
    }
}
