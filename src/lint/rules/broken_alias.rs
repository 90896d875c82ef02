//! `broken-alias`: an ImageStreamTag alias loops or points at a tag that does not exist.

use std::collections::{HashMap, HashSet};

use crate::lint::{Check, Context, CrossCheck, Finding, Rule, Severity};
use crate::model::{reference, spec::IMAGE_STREAM_TAG};

pub static RULE: Rule = Rule {
    id: "broken-alias",
    severity: Severity::Warning,
    summary: "an ImageStreamTag alias loops or points at a tag that does not exist",
    help: "A tag `from: {kind: ImageStreamTag, name: <stream>:<tag>}` follows its source. When the source tag does not exist in the stream, the alias never gets an image; when aliases form a cycle, none of them does. Point the alias at a tag that has a DockerImage source.",
    example: crate::lint::fixtures!("broken-alias"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let own = &cx.spec().meta;
    let aliases = same_stream_aliases(cx);
    let (rings, on_loop) = cycles(&aliases);
    let mut known: HashSet<&str> = cx.spec().tags.iter().map(|t| t.name.as_str()).collect();
    known.extend(
        cx.view
            .status
            .iter()
            .flat_map(|s| s.tags.iter().map(|t| t.tag.as_str())),
    );
    for (tag, path) in cx.spec_tags() {
        let Some(from) = tag.from.as_ref().filter(|f| f.kind == IMAGE_STREAM_TAG) else {
            continue;
        };
        let Ok((stream, target)) = reference::split_stream_tag(&from.name) else {
            continue;
        };
        let stream = stream.unwrap_or(&own.name);
        let namespace = if from.namespace.is_empty() {
            own.namespace.as_str()
        } else {
            from.namespace.as_str()
        };
        if cx.opaque(&from.name) {
            continue;
        }
        let path = path.key("from").key("name");
        // A document's stream is defined elsewhere: its other tags are known only to the index.
        let same_stream =
            stream == own.name && (namespace == own.namespace || from.namespace.is_empty());
        if same_stream && !cx.tag_document {
            if let Some(&(ring, at)) = on_loop.get(tag.name.as_str()) {
                out.push(Finding::at(
                    &RULE,
                    path,
                    format!("aliases form a loop: {}", show_loop(&rings[ring], at)),
                ));
            } else if !known.contains(target) {
                out.push(Finding::at(
                    &RULE,
                    path,
                    format!("tag {target:?} does not exist in this stream"),
                ));
            }
        } else {
            let finding = Finding::at(
                &RULE,
                path,
                format!("image stream {stream:?} has no tag {target:?}"),
            );
            let check = CrossCheck::MissingTag {
                namespace: namespace.to_string(),
                name: stream.to_string(),
                tag: target.to_string(),
            };
            out.push(finding.only_if(check));
        }
    }
}

/// Tag → the tag it follows, for aliases within this stream (the last spec tag of a name wins).
fn same_stream_aliases<'a>(cx: &'a Context) -> HashMap<&'a str, &'a str> {
    let own = cx.spec().meta.name.as_str();
    cx.spec()
        .tags
        .iter()
        .filter_map(|t| {
            let from = t
                .from
                .as_ref()
                .filter(|f| f.kind == IMAGE_STREAM_TAG && f.namespace.is_empty())?;
            let (stream, next) = reference::split_stream_tag(&from.name).ok()?;
            stream
                .is_none_or(|s| s == own)
                .then_some((t.name.as_str(), next))
        })
        .collect()
}

/// The loops among the aliases, and for every tag on one: which loop and where in it. Each tag follows
/// at most one other, so one walk per tag that stops at anything already seen is linear in all.
type Loops<'a> = (Vec<Vec<&'a str>>, HashMap<&'a str, (usize, usize)>);

fn cycles<'a>(aliases: &HashMap<&'a str, &'a str>) -> Loops<'a> {
    let mut done: HashSet<&str> = HashSet::new();
    let mut rings: Vec<Vec<&str>> = Vec::new();
    let mut on_loop: HashMap<&str, (usize, usize)> = HashMap::new();
    for &start in aliases.keys() {
        let mut walk: Vec<&str> = Vec::new();
        let mut at: HashMap<&str, usize> = HashMap::new();
        let mut current = start;
        loop {
            if done.contains(current) {
                break;
            }
            if let Some(&first) = at.get(current) {
                let ring = walk[first..].to_vec();
                for (i, &tag) in ring.iter().enumerate() {
                    on_loop.insert(tag, (rings.len(), i));
                }
                rings.push(ring);
                break;
            }
            at.insert(current, walk.len());
            walk.push(current);
            match aliases.get(current) {
                Some(&next) => current = next,
                None => break,
            }
        }
        done.extend(walk);
    }
    (rings, on_loop)
}

/// `a -> b -> a` from position `at` of the loop, shortened for long loops.
fn show_loop(ring: &[&str], at: usize) -> String {
    const SHOWN: usize = 8;
    let mut parts: Vec<&str> = (0..ring.len().min(SHOWN))
        .map(|i| ring[(at + i) % ring.len()])
        .collect();
    if ring.len() > SHOWN {
        parts.push("…");
    }
    parts.push(ring[at]);
    let text = parts.join(" -> ");
    if ring.len() > SHOWN {
        format!("{text} ({} tags)", ring.len())
    } else {
        text
    }
}
