//! The status-list operations of OpenShift's importer and strategy, one function per upstream rule.

use std::collections::BTreeMap;

use crate::model::status::{IMPORT_SUCCESS, NamedTagEventList, TagEvent, TagEventCondition};

/// `status.tags` keyed by tag name. A `BTreeMap` orders tags by bytes, as the server's conversion
/// sorts them (`sort.Strings`), and makes the last of duplicate entries win, as the list→map
/// conversion does.
pub type TagMap = BTreeMap<String, NamedTagEventList>;

/// Records `next` as the tag's current event (internal/imageutil/helpers.go AddTagEventToImageStream):
/// a new tag or an event differing in both pull spec and image is prepended; one differing in only
/// one of them, or only in generation, updates `items[0]` in place (`created` kept). Any change clears
/// the tag's conditions. Returns whether anything changed.
pub fn add_tag_event(tags: &mut TagMap, tag: &str, next: TagEvent) -> bool {
    let list = tags
        .entry(tag.to_owned())
        .or_insert_with(|| NamedTagEventList {
            tag: tag.to_owned(),
            ..NamedTagEventList::default()
        });
    let Some(previous) = list.items.first_mut() else {
        // A tag without items starts over: upstream assigns a fresh list without its conditions.
        list.items = vec![next];
        list.conditions.clear();
        return true;
    };
    let same_ref = previous.docker_image_reference == next.docker_image_reference;
    let same_image = previous.image == next.image;
    match (same_ref, same_image) {
        (true, true) if previous.generation == next.generation => return false,
        (true, true) => {}
        (true, false) => previous.image = next.image,
        (false, true) => previous.docker_image_reference = next.docker_image_reference,
        (false, false) => {
            list.items.insert(0, next);
            list.conditions.clear();
            return true;
        }
    }
    previous.generation = next.generation;
    list.conditions.clear();
    true
}

/// Whether a successful import of `next` must be recorded (imagestreamimport/rest.go hasTagChanged):
/// no items yet, no spec generation, another pull spec or image, or a spec generation newer than
/// `items[0]`'s.
pub fn has_tag_changed(
    list: Option<&NamedTagEventList>,
    spec_generation: Option<i64>,
    next: &TagEvent,
) -> bool {
    let Some(previous) = list.and_then(|l| l.items.first()) else {
        return true;
    };
    let Some(generation) = spec_generation else {
        return true;
    };
    previous.docker_image_reference != next.docker_image_reference
        || previous.image != next.image
        || generation > previous.generation
}

/// Clears the tag's conditions after a successful import (rest.go importSuccessful →
/// setTagConditions with none).
pub fn clear_conditions(tags: &mut TagMap, tag: &str) {
    if let Some(list) = tags.get_mut(tag) {
        list.conditions.clear();
    }
}

/// Records a failed import (rest.go setFailureCondition): unless a condition with the same type,
/// status, reason and message already exists, the tag's conditions become `[condition]`; items are
/// kept. So the same failure again changes nothing and keeps the first `lastTransitionTime`.
/// Returns whether anything changed.
pub fn set_failure(tags: &mut TagMap, tag: &str, condition: TagEventCondition) -> bool {
    let list = tags
        .entry(tag.to_owned())
        .or_insert_with(|| NamedTagEventList {
            tag: tag.to_owned(),
            ..NamedTagEventList::default()
        });
    let known = list.conditions.iter().any(|c| {
        c.kind == condition.kind
            && c.status == condition.status
            && c.reason == condition.reason
            && c.message == condition.message
    });
    if known {
        return false;
    }
    list.conditions = vec![condition];
    true
}

/// The failure condition of an import at `generation` and time `now`; an empty message becomes
/// upstream's default text.
pub fn failure_condition(
    reason: &str,
    message: &str,
    generation: i64,
    now: &str,
) -> TagEventCondition {
    TagEventCondition {
        kind: IMPORT_SUCCESS.to_owned(),
        status: "False".to_owned(),
        last_transition_time: now.to_owned(),
        reason: reason.to_owned(),
        message: if message.is_empty() {
            "unknown error prevented import".to_owned()
        } else {
            message.to_owned()
        },
        generation,
    }
}

/// Drops status tags with neither items nor conditions (imagestream/strategy.go
/// collapseEmptyStatusTags, run on every create and update).
pub fn collapse_empty(tags: &mut TagMap) {
    tags.retain(|_, list| !list.items.is_empty() || !list.conditions.is_empty());
}
