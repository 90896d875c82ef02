//! Reads a `status` node back into a [`StreamStatus`], strictly: every field must have the type and name
//! the writer uses. The editor uses it to prove that what it wrote parses to what it meant to write.

use crate::load::{Node, Value};
use crate::model::status::{NamedTagEventList, StreamStatus, TagEvent, TagEventCondition};

/// The status a `status` mapping holds, or `None` when it holds anything the writer would not write
/// (an unknown key, a wrong type). Omitted fields read as empty, `null` lists as empty lists.
pub fn read_status(node: &Node) -> Option<StreamStatus> {
    let mut status = StreamStatus::default();
    for (key, value) in fields(node)? {
        match key {
            "dockerImageRepository" => status.docker_image_repository = string(value)?,
            "publicDockerImageRepository" => status.public_docker_image_repository = string(value)?,
            "tags" => status.tags = list(value, tag)?,
            _ => return None,
        }
    }
    Some(status)
}

fn tag(node: &Node) -> Option<NamedTagEventList> {
    let mut tag = NamedTagEventList::default();
    for (key, value) in fields(node)? {
        match key {
            "tag" => tag.tag = string(value)?,
            "items" => tag.items = list(value, event)?,
            "conditions" => tag.conditions = list(value, condition)?,
            _ => return None,
        }
    }
    Some(tag)
}

fn event(node: &Node) -> Option<TagEvent> {
    let mut event = TagEvent::default();
    for (key, value) in fields(node)? {
        match key {
            "created" if value.is_null() => {}
            "created" => event.created = string(value)?,
            "dockerImageReference" => event.docker_image_reference = string(value)?,
            "image" => event.image = string(value)?,
            "generation" => event.generation = int(value)?,
            _ => return None,
        }
    }
    Some(event)
}

fn condition(node: &Node) -> Option<TagEventCondition> {
    let mut c = TagEventCondition::default();
    for (key, value) in fields(node)? {
        match key {
            "type" => c.kind = string(value)?,
            "status" => c.status = string(value)?,
            "lastTransitionTime" => c.last_transition_time = string(value)?,
            "reason" => c.reason = string(value)?,
            "message" => c.message = string(value)?,
            "generation" => c.generation = int(value)?,
            _ => return None,
        }
    }
    Some(c)
}

fn fields(node: &Node) -> Option<impl Iterator<Item = (&str, &Node)>> {
    Some(
        node.as_map()?
            .iter()
            .map(|e| (e.key.as_scalar().map_or("", |k| k.text.as_str()), &e.value)),
    )
}

fn list<T>(node: &Node, item: impl Fn(&Node) -> Option<T>) -> Option<Vec<T>> {
    if node.is_null() {
        return Some(Vec::new());
    }
    node.as_seq()?.iter().map(item).collect()
}

fn string(node: &Node) -> Option<String> {
    node.as_str().map(str::to_string)
}

fn int(node: &Node) -> Option<i64> {
    match node.value()? {
        Value::Int(i) => Some(i),
        _ => None,
    }
}
