//! Just enough YAML for a pull Secret: a document of mappings, sequences and scalars read into JSON
//! values (scalars stay strings). JSON is YAML, so JSON Secrets read the same way.

use granit_parser::{Event, Parser};
use serde_json::{Map, Value};

/// Secrets are small; this bounds the work on a hostile file.
const MAX_EVENTS: usize = 100_000;
const MAX_DEPTH: usize = 64;

pub fn to_json(text: &str) -> Result<Value, String> {
    let mut events = Parser::new_from_str(text)
        .take(MAX_EVENTS)
        .map(|item| item.map(|(event, _)| event).map_err(|err| err.to_string()));
    loop {
        match events.next() {
            Some(Ok(Event::StreamStart | Event::DocumentStart(..))) => continue,
            Some(Ok(event)) => return node(event, &mut events, 0),
            Some(Err(err)) => return Err(err),
            None => return Err("empty document".into()),
        }
    }
}

fn node<'a>(
    first: Event<'a>,
    events: &mut impl Iterator<Item = Result<Event<'a>, String>>,
    depth: usize,
) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("nested too deeply".into());
    }
    match first {
        Event::Scalar(text, ..) => Ok(Value::String(text.into_owned())),
        Event::MappingStart(..) => {
            let mut map = Map::new();
            loop {
                let key = match pull(events)? {
                    Event::MappingEnd => return Ok(Value::Object(map)),
                    Event::Scalar(text, ..) => text.into_owned(),
                    _ => return Err("unsupported mapping key".into()),
                };
                let value = pull(events)?;
                map.insert(key, node(value, events, depth + 1)?);
            }
        }
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                match pull(events)? {
                    Event::SequenceEnd => return Ok(Value::Array(items)),
                    item => items.push(node(item, events, depth + 1)?),
                }
            }
        }
        _ => Err("aliases and tags are not supported here".into()),
    }
}

fn pull<'a>(
    events: &mut impl Iterator<Item = Result<Event<'a>, String>>,
) -> Result<Event<'a>, String> {
    events
        .next()
        .unwrap_or_else(|| Err("unexpected end".into()))
}
