//! `oc describe is/NAME` (oc pkg/helpers/describe: DescribeImageStream, formatMeta and
//! formatImageStreamTags), computed from a stream read out of a file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use jiff::Timestamp;

use super::duration::{age, ago};
use super::tabwriter::align;
use crate::load::Node;
use crate::model::generation::{observed_generation, tag_generation};
use crate::model::imagestream::{self, StreamView};
use crate::model::reference;
use crate::model::spec::{DOCKER_IMAGE, IMAGE_STREAM_IMAGE, IMAGE_STREAM_TAG, SpecTag};
use crate::model::status::{IMPORT_SUCCESS, NamedTagEventList};
use crate::model::tag_priority::prioritize_tags;

/// The stream as the server would hold it: spec and status tags keyed by name, the last of a
/// duplicated name winning (the list→map conversion).
pub struct Described<'a> {
    pub view: StreamView<'a>,
}

impl<'a> Described<'a> {
    pub fn new(object: &'a Node) -> Described<'a> {
        Described {
            view: StreamView::read(object),
        }
    }

    pub fn name(&self) -> &str {
        &self.view.spec.meta.name
    }

    pub fn namespace(&self) -> &str {
        &self.view.spec.meta.namespace
    }

    pub fn spec_tag(&self, tag: &str) -> Option<&SpecTag> {
        self.view.spec.tag(tag)
    }

    pub fn status_tag(&self, tag: &str) -> Option<&NamedTagEventList> {
        self.view
            .status
            .as_ref()
            .and_then(|s| s.tags.iter().rev().find(|t| t.tag == tag))
    }

    /// Status tag names once each, in file order.
    pub(super) fn status_tag_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for tag in self.view.status.iter().flat_map(|s| &s.tags) {
            if !names.contains(&tag.tag) {
                names.push(tag.tag.clone());
            }
        }
        names
    }

    /// imagehelpers.FollowTagReference: the tag a same-stream `ImageStreamTag` chain ends at, when
    /// `tag` is such an alias (at least one hop, no cycle, no other stream, target in spec).
    fn alias_target(&self, tag: &str) -> Option<String> {
        let mut current = tag.to_string();
        let mut seen = BTreeSet::new();
        let mut hops = 0;
        loop {
            if !seen.insert(current.clone()) {
                return None;
            }
            let spec = self.spec_tag(&current)?;
            let Some(from) = spec.from.as_ref().filter(|f| f.kind == IMAGE_STREAM_TAG) else {
                return (hops > 0).then_some(current);
            };
            if !from.namespace.is_empty() && from.namespace != self.namespace() {
                return None;
            }
            current = match from.name.split_once(':') {
                Some((stream, _)) if stream != self.name() => return None,
                Some((_, "")) => "latest".to_string(),
                Some((_, tag)) => tag.to_string(),
                None => from.name.clone(),
            };
            hops += 1;
        }
    }
}

/// The full `oc describe is` text at time `now`.
pub fn describe_stream(stream: &Described<'_>, now: Timestamp) -> String {
    let object = stream.view.object;
    let meta = object.get("metadata");
    let mut out = String::new();
    format_string(&mut out, "Name", stream.name());
    if !stream.namespace().is_empty() {
        format_string(&mut out, "Namespace", stream.namespace());
    }
    // formatMeta: no Created line for a zero (here: absent or unreadable) creation time.
    if let Some(age) = meta
        .and_then(|m| m.get("creationTimestamp"))
        .and_then(Node::as_str)
        .and_then(|created| age(now, created))
    {
        let _ = writeln!(out, "Created:\t{age} ago");
    }
    format_map(
        &mut out,
        "Labels",
        &string_map(meta.and_then(|m| m.get("labels"))),
    );
    let mut annotations = string_map(meta.and_then(|m| m.get("annotations")));
    if let Some(description) = annotations.remove("description").filter(|d| !d.is_empty()) {
        format_string(&mut out, "Description", &description);
    }
    format_map(&mut out, "Annotations", &annotations);
    let status = stream.view.status.as_ref();
    let repository = status.map_or("", |s| {
        if s.public_docker_image_repository.is_empty() {
            &s.docker_image_repository
        } else {
            &s.public_docker_image_repository
        }
    });
    format_string(&mut out, "Image Repository", repository);
    format_string(
        &mut out,
        "Image Lookup",
        &format!("local={}", stream.view.spec.lookup_local),
    );
    format_tags(&mut out, stream, now);
    align(&out)
}

/// formatString: `Label:` then each line of the value after a tab; empty values print `<none>`.
pub(super) fn format_string(out: &mut String, label: &str, value: &str) {
    let value = if value.is_empty() { "<none>" } else { value };
    out.push_str(label);
    out.push(':');
    for line in value.split('\n') {
        out.push('\t');
        out.push_str(line);
        out.push('\n');
    }
}

/// formatMapStringString: sorted `k=v`, the first on the label's line, the rest indented.
pub(super) fn format_map(out: &mut String, label: &str, map: &BTreeMap<String, String>) {
    if map.is_empty() {
        format_string(out, label, "");
        return;
    }
    for (i, (k, v)) in map.iter().enumerate() {
        if i == 0 {
            format_string(out, label, &format!("{k}={v}"));
        } else {
            let _ = writeln!(out, "\t{k}={v}");
        }
    }
}

/// A string map as Go decodes it: the last of a duplicated key wins; non-string values are dropped.
pub(super) fn string_map(node: Option<&Node>) -> BTreeMap<String, String> {
    imagestream::string_map(node).into_iter().collect()
}

fn format_tags(out: &mut String, stream: &Described<'_>, now: Timestamp) {
    let spec_tags = &stream.view.spec.tags;
    let status_names = stream.status_tag_names();
    if status_names.is_empty() && spec_tags.is_empty() {
        out.push_str("Tags:\t<none>\n");
        return;
    }
    let mut tags = status_names.clone();
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut alias_names = BTreeSet::new();
    for spec in spec_tags {
        if tags.contains(&spec.name) {
            continue;
        }
        tags.push(spec.name.clone());
    }
    for name in spec_names(stream) {
        if let Some(target) = stream.alias_target(&name) {
            alias_names.insert(name.clone());
            aliases.entry(target).or_default().push(name);
        }
    }
    let _ = write!(
        out,
        "Unique Images:\t{}\nTags:\t{}\n\n",
        unique_images(stream),
        tags.len()
    );
    prioritize_tags(&mut tags);
    let mut first = true;
    for tag in &tags {
        if alias_names.contains(tag) {
            continue;
        }
        if !first {
            out.push('\n');
        }
        first = false;
        match aliases.get_mut(tag) {
            Some(names) => {
                prioritize_tags(names);
                let _ = writeln!(out, "{tag} ({})", names.join(", "));
            }
            None => {
                let _ = writeln!(out, "{tag}");
            }
        }
        format_tag(out, stream, tag, now);
    }
}

/// Spec tag names once each, in file order.
fn spec_names(stream: &Described<'_>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for spec in &stream.view.spec.tags {
        if !names.contains(&spec.name) {
            names.push(spec.name.clone());
        }
    }
    names
}

/// Distinct `items[].image`; items without an image but with a pull spec all count under the one
/// empty key (oc's own quirk: it inserts `images[item.Image]`).
fn unique_images(stream: &Described<'_>) -> usize {
    let mut images = BTreeSet::new();
    for name in stream.status_tag_names() {
        for item in stream.status_tag(&name).map_or(&[][..], |t| &t.items) {
            if !item.image.is_empty() {
                images.insert(item.image.as_str());
            } else if !item.docker_image_reference.is_empty() {
                images.insert("");
            }
        }
    }
    images.len()
}

fn format_tag(out: &mut String, stream: &Described<'_>, tag: &str, now: Timestamp) {
    let spec = stream.spec_tag(tag);
    let status = stream.status_tag(tag);
    let from = spec.and_then(|s| s.from.as_ref());
    let name = from.map(|f| {
        if !f.namespace.is_empty() && f.namespace != stream.namespace() {
            format!("{}/{}", f.namespace, f.name)
        } else {
            f.name.clone()
        }
    });
    let source = match (spec, from, name.as_deref()) {
        (None, ..) => "no spec tag".to_string(),
        (Some(_), None, _) | (_, _, None) => "tag without source image".to_string(),
        (Some(spec), Some(from), Some(name)) => {
            let scheduled = spec.import_policy.scheduled;
            match (from.kind.as_str(), spec.reference, scheduled) {
                (IMAGE_STREAM_TAG, true, _) => format!("reference to {name}"),
                (IMAGE_STREAM_TAG, false, true) => format!("updates automatically from {name}"),
                (DOCKER_IMAGE, true, _) => format!("reference to registry {name}"),
                (DOCKER_IMAGE, false, true) => {
                    format!("updates automatically from registry {name}")
                }
                (IMAGE_STREAM_IMAGE, true, _) => format!("reference to image {name}"),
                (IMAGE_STREAM_TAG | DOCKER_IMAGE | IMAGE_STREAM_IMAGE, ..) => {
                    format!("tagged from {name}")
                }
                (kind, true, _) => format!("reference to {kind} {name}"),
                (kind, false, _) => format!("updates from {kind} {name}"),
            }
        }
    };
    let _ = writeln!(out, "  {source}");
    if let Some(spec) = spec {
        if from.is_some() && spec.import_policy.insecure {
            out.push_str("    will use insecure HTTPS or HTTP connections\n");
        }
        if spec.reference_policy == "Local" {
            out.push_str("    prefer registry pullthrough when referencing this tag\n");
        }
    }
    out.push('\n');
    if let Some(spec) = spec {
        let annotation = |key: &str| {
            spec.annotations
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let mut extra = false;
        if let Some(d) = annotation("description") {
            let _ = writeln!(out, "  {d}");
            extra = true;
        }
        for (key, label) in [("tags", "Tags"), ("supports", "Supports")] {
            if let Some(list) = annotation(key) {
                let _ = writeln!(
                    out,
                    "  {label}: {}",
                    list.split(',').collect::<Vec<_>>().join(", ")
                );
                extra = true;
            }
        }
        if let Some(repo) = annotation("sampleRepo") {
            let _ = writeln!(out, "  Example Repo: {repo}");
            extra = true;
        }
        if extra {
            out.push('\n');
        }
        // The generation the server would hold for this tag (an absent one is the stream's).
        if from.is_some()
            && !spec.reference
            && tag_generation(&stream.view.spec, spec) > observed_generation(status)
        {
            out.push_str("  ~ importing latest image ...\n");
        }
    }
    let Some(status) = status else { return };
    for condition in &status.conditions {
        if condition.kind == IMPORT_SUCCESS && condition.status == "False" {
            let _ = write!(
                out,
                "  ! error: Import failed ({}): {}\n      {}\n",
                condition.reason,
                condition.message,
                ago(now, &condition.last_transition_time)
            );
        }
    }
    for (i, item) in status.items.iter().enumerate() {
        let marker = if i == 0 { '*' } else { ' ' };
        let _ = writeln!(out, "  {marker} {}", item.docker_image_reference);
        let when = ago(now, &item.created);
        let pinned = reference::parse(&item.docker_image_reference).map(|r| r.id);
        match pinned {
            Ok(id) if !item.image.is_empty() && id != item.image => {
                let _ = writeln!(out, "      {when}\t{}", item.image);
            }
            _ => {
                let _ = writeln!(out, "      {when}");
            }
        }
    }
}
