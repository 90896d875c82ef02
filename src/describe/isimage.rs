//! `oc describe isimage/NAME@ID`: oc's ImageStreamImageDescriber is DescribeImage of the image the
//! server finds for `ID` in the stream (oc pkg/helpers/describe/describer.go). The lookup is the
//! ImageStreamImage REST Get over the stream's status history (openshift-apiserver
//! pkg/image/apiserver/registry/imagestreamimage rest.go with internal/imageutil ResolveImageID):
//! `ID` is a digest or a prefix of one, several distinct images matching it is a conflict, and an
//! image no tag's history holds is not found. (Newer servers read the stream's layers instead, which
//! also hold the children of imported manifest lists; only the registry knows those.)

use jiff::Timestamp;

use super::image::format_image;
use super::istag::{image_header, with_digest};
use super::stream::Described;
use super::tabwriter::align;
use crate::model::image_id::matches_image;
use crate::model::spec::ImportMode;
use crate::model::status::TagEvent;
use crate::plan;
use crate::registry::Inspected;

/// The image `id` names in the stream's history, and the tag whose history holds it first.
pub struct Resolved<'s> {
    pub tag: &'s str,
    pub event: &'s TagEvent,
}

/// ResolveImageID: the one image of the stream's history that `id` names (DigestOrImageMatch), or
/// the server's NotFound / Conflict message.
pub fn resolve<'s>(stream: &'s Described<'_>, id: &str) -> Result<Resolved<'s>, String> {
    let names = stream.status_tag_names();
    if names.is_empty() {
        // rest.go Get: a stream without status tags names the whole `NAME@ID`.
        return Err(not_found(&format!("{}@{id}", stream.name())));
    }
    let mut found: Option<Resolved<'s>> = None;
    let mut images: Vec<&str> = Vec::new();
    for name in &names {
        let Some(list) = stream.status_tag(name) else {
            continue;
        };
        for event in list.items.iter().filter(|e| matches_image(&e.image, id)) {
            found.get_or_insert(Resolved {
                tag: &list.tag,
                event,
            });
            if !images.contains(&event.image.as_str()) {
                images.push(&event.image);
            }
        }
    }
    match (found, images.len()) {
        (Some(found), 1) => Ok(found),
        (None, _) => Err(not_found(id)),
        _ => {
            images.sort_unstable();
            Err(format!(
                "Operation cannot be fulfilled on imagestreamimages.image.openshift.io {id:?}: multiple images match the prefix {id:?}: {}",
                images.join(", ")
            ))
        }
    }
}

fn not_found(name: &str) -> String {
    format!("imagestreamimages.image.openshift.io {name:?} not found")
}

/// The text for image `id` of `stream`: DescribeImage's lines the stream determines.
pub fn describe_isimage(stream: &Described<'_>, id: &str) -> Result<String, String> {
    let found = resolve(stream, id)?;
    let event = found.event;
    Ok(align(&image_header(
        &event.image,
        &event.docker_image_reference,
    )))
}

/// [`describe_isimage`] followed by the image metadata read from the registry (`--remote`).
pub fn describe_isimage_remote(
    stream: &Described<'_>,
    id: &str,
    inspected: &Inspected,
    now: Timestamp,
) -> Result<String, String> {
    let event = resolve(stream, id)?.event;
    let mut out = image_header(&event.image, &event.docker_image_reference);
    format_image(&mut out, inspected, &event.created, now);
    Ok(align(&out))
}

/// What `--remote` reads for image `id`: exactly that manifest (a list stays a list, as the Image
/// object of a list does), in the repository its recorded pull spec names, over the transport of
/// the tag that recorded it.
pub fn isimage_lookup(stream: &Described<'_>, id: &str) -> Result<plan::Lookup, String> {
    let found = resolve(stream, id)?;
    Ok(plan::Lookup {
        reference: with_digest(&found.event.docker_image_reference, &found.event.image),
        mode: ImportMode::PreserveOriginal,
        prefer: None,
        insecure: stream
            .spec_tag(found.tag)
            .is_some_and(|t| t.import_policy.insecure),
    })
}
