//! Tags whose status comes from the spec or from other tags, not from a registry (reference §5.4):
//! `reference: true` DockerImage tags, ImageStreamTag aliases and ImageStreamImage lookups, within a
//! stream and across the streams of the repository.
//!
//! As the server does (openshift-apiserver imagestream/strategy.go): an ImageStreamTag of the same
//! stream follows its source on every change (updateChangedTrackingTags → imageutil
//! UpdateTrackingTags); any other ImageStreamTag, and every ImageStreamImage, is copied once, when
//! its spec changes (tagsChanged), and then keeps what it copied while the source moves on: that is
//! how a promotion from `dev` to `prod` stays put. "Its spec changes" is the Git rule the import
//! planner uses (`plan::spec_changed`: no status, status that no longer matches, an edit since the
//! base revision, a newer or `0` generation). A copy of a source's image from the internal registry
//! is rewritten to the copying stream's pull spec. Sources are resolved before the tags that follow
//! them; a loop is reported, not followed.

use std::collections::HashMap;

use crate::model::generation::tag_generation;
use crate::model::image_id::matches_image;
use crate::model::reference;
use crate::model::spec::{FromRef, IMAGE_STREAM_TAG, ImportMode, SpecTag};
use crate::model::status::TagEvent;
use crate::model::stream::Stream;
use crate::plan::spec_changed;

use super::TagResult;
use super::events::{TagMap, add_tag_event};

/// Resolves every non-imported tag of every stream into `tags` (one map per stream). Returns the
/// verdicts that are not read off the status difference (skips and errors).
pub(super) fn follow_all(
    streams: &[Stream],
    tags: &mut [TagMap],
    now: &str,
    internal_registry: Option<&str>,
    default_mode: ImportMode,
) -> HashMap<(usize, String), TagResult> {
    let mut index = HashMap::new();
    for (i, s) in streams.iter().enumerate() {
        index
            .entry((s.spec.meta.namespace.as_str(), s.spec.meta.name.as_str()))
            .or_insert(i);
    }
    let mut follower = Follower {
        streams,
        index,
        tags,
        now,
        internal_registry,
        default_mode,
        state: HashMap::new(),
        stack: Vec::new(),
        soft: 0,
        verdicts: HashMap::new(),
    };
    for (i, stream) in streams.iter().enumerate() {
        for tag in stream.spec_tags() {
            // Errors are recorded as verdicts of the tags concerned.
            let _ = follower.ensure(i, &tag.name);
        }
    }
    follower.verdicts
}

enum State {
    Visiting,
    Done,
    Broken(String),
}

struct Follower<'a> {
    streams: &'a [Stream],
    /// (namespace, name) → stream index; the first of duplicate streams wins.
    index: HashMap<(&'a str, &'a str), usize>,
    tags: &'a mut [TagMap],
    now: &'a str,
    internal_registry: Option<&'a str>,
    default_mode: ImportMode,
    state: HashMap<(usize, String), State>,
    /// Tags being resolved, outermost first: a loop is a tag found on it again.
    stack: Vec<(usize, String)>,
    /// > 0 while resolving the tags an ImageStreamImage searches: those are resolved first when
    /// > possible, but a tag that leads back to the image tag is no loop, just not ready yet.
    soft: usize,
    verdicts: HashMap<(usize, String), TagResult>,
}

impl Follower<'_> {
    /// Brings the status of stream `i`'s tag up to date with its source, after the source's own.
    /// `Err` carries the reason when the tag cannot be resolved because of a loop.
    fn ensure(&mut self, i: usize, tag: &str) -> Result<(), String> {
        let key = (i, tag.to_owned());
        match self.state.get(&key) {
            Some(State::Done) => return Ok(()),
            Some(State::Broken(why)) => return Err(why.clone()),
            Some(State::Visiting) => {
                let start = self.stack.iter().position(|k| *k == key).unwrap_or(0);
                let cycle: Vec<String> = self.stack[start..]
                    .iter()
                    .chain(std::iter::once(&key))
                    .map(|(s, t)| self.display(*s, t))
                    .collect();
                return Err(format!(
                    "ImageStreamTag loop {}: not followed",
                    cycle.join(" -> ")
                ));
            }
            None => {}
        }
        let Some(spec_tag) = self.streams[i].spec.tag(tag) else {
            return Ok(());
        };
        self.state.insert(key.clone(), State::Visiting);
        self.stack.push(key.clone());
        let outcome = self.resolve(i, spec_tag);
        self.stack.pop();
        let state = match outcome {
            Ok(()) => State::Done,
            Err(Failure::Loop(why)) if self.soft > 0 => {
                self.state.remove(&key);
                return Err(why);
            }
            Err(Failure::Loop(why)) => {
                self.verdicts.insert(
                    key.clone(),
                    TagResult::Error {
                        message: why.clone(),
                    },
                );
                self.state.insert(key, State::Broken(why.clone()));
                return Err(why);
            }
            Err(Failure::Verdict(verdict)) => {
                self.verdicts.insert(key.clone(), verdict);
                State::Done
            }
        };
        self.state.insert(key, state);
        Ok(())
    }

    fn resolve(&mut self, i: usize, spec_tag: &SpecTag) -> Result<(), Failure> {
        let Some(from) = spec_tag.from.as_ref() else {
            return Ok(());
        };
        let stream = &self.streams[i];
        let generation = tag_generation(&stream.spec, spec_tag);
        match from.kind.as_str() {
            "ImageStreamTag" | "ImageStreamImage"
                if !tracks_source(stream, from)
                    && !spec_changed(stream, spec_tag, self.default_mode) =>
            {
                Ok(())
            }
            "DockerImage" if spec_tag.reference && !from.name.is_empty() => {
                let event = TagEvent {
                    created: self.now.to_owned(),
                    docker_image_reference: from.name.clone(),
                    image: String::new(),
                    generation,
                };
                add_tag_event(&mut self.tags[i], &spec_tag.name, event);
                Ok(())
            }
            "ImageStreamTag" => {
                let (j, source) = self.source(i, from, ':')?;
                let source = if source.is_empty() { "latest" } else { source };
                self.ensure(j, source).map_err(Failure::Loop)?;
                let Some(mut event) = self.tags[j]
                    .get(source)
                    .and_then(|l| l.items.first())
                    .cloned()
                else {
                    // The server leaves such a tag without status, without error.
                    return Err(Failure::skipped(format!(
                        "{} has no image yet",
                        self.display(j, source)
                    )));
                };
                // A same-stream alias follows its source's event as is (UpdateTrackingTags); a
                // cross-stream one is copied at its own spec generation (tagReferenceToTagEvent).
                if j != i {
                    event.generation = generation;
                    self.localize(i, j, spec_tag, &mut event);
                }
                add_tag_event(&mut self.tags[i], &spec_tag.name, event);
                Ok(())
            }
            "ImageStreamImage" => {
                let (j, id) = self.source(i, from, '@')?;
                let names: Vec<String> = self.streams[j]
                    .spec_tags()
                    .map(|t| t.name.clone())
                    .collect();
                self.soft += 1;
                for name in names {
                    // A broken source tag is reported on its own; its history is still searched.
                    let _ = self.ensure(j, &name);
                }
                self.soft -= 1;
                let mut event = TagEvent {
                    created: self.now.to_owned(),
                    generation,
                    ..self.find_image(j, id)?
                };
                self.localize(i, j, spec_tag, &mut event);
                add_tag_event(&mut self.tags[i], &spec_tag.name, event);
                Ok(())
            }
            // Imported tags were handled before; other kinds are lint's business.
            _ => Ok(()),
        }
    }

    /// A copy of stream `j`'s image from the internal registry is pulled through stream `i` from
    /// then on: `HOST/J_NS/J_NAME@…` becomes `HOST/I_NS/I_NAME@…` (strategy.go tagsChanged, for
    /// tags that are not `reference: true`; the pull spec in library-go's `Exact` form).
    fn localize(&self, i: usize, j: usize, spec_tag: &SpecTag, event: &mut TagEvent) {
        let Some(host) = self.internal_registry else {
            return;
        };
        let Ok(mut pulled) = reference::parse(&event.docker_image_reference) else {
            return;
        };
        let (source, meta) = (&self.streams[j].spec.meta, &self.streams[i].spec.meta);
        if !spec_tag.reference
            && pulled.registry == host
            && pulled.namespace == source.namespace
            && pulled.name == source.name
        {
            pulled.namespace.clone_from(&meta.namespace);
            pulled.name.clone_from(&meta.name);
            event.docker_image_reference = pulled.exact();
        }
    }

    /// The stream and tag-or-id a `from` names: `<x>` in this stream or `<stream><sep><x>`
    /// (imagestream/strategy.go parseFromReference), in `from.namespace` or this stream's.
    fn source<'n>(
        &self,
        i: usize,
        from: &'n FromRef,
        sep: char,
    ) -> Result<(usize, &'n str), Failure> {
        let meta = &self.streams[i].spec.meta;
        let mut parts = from.name.split(sep);
        let (stream, rest) = match (parts.next(), parts.next(), parts.next()) {
            (Some(x), None, _) => (meta.name.as_str(), x),
            (Some(stream), Some(x), None) => (stream, x),
            _ => {
                return Err(Failure::Verdict(TagResult::Error {
                    message: format!(
                        "from.name {:?} must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>",
                        from.name
                    ),
                }));
            }
        };
        let namespace = if from.namespace.is_empty() {
            meta.namespace.as_str()
        } else {
            from.namespace.as_str()
        };
        match self.index.get(&(namespace, stream)) {
            Some(&j) => Ok((j, rest)),
            None => Err(Failure::skipped(format!(
                "image stream {} is not in the repository",
                qualified(namespace, stream)
            ))),
        }
    }

    /// The one image in stream `j`'s history that `id` names, by digest or prefix
    /// (internal/imageutil/helpers.go ResolveImageID with DigestOrImageMatch). Several distinct
    /// images are an error; none leaves the tag alone.
    fn find_image(&self, j: usize, id: &str) -> Result<TagEvent, Failure> {
        let mut found: Option<&TagEvent> = None;
        let mut images: Vec<&str> = Vec::new();
        for event in self.tags[j].values().flat_map(|l| &l.items) {
            if matches_image(&event.image, id) {
                found.get_or_insert(event);
                if !images.contains(&event.image.as_str()) {
                    images.push(&event.image);
                }
            }
        }
        match (found, images.len()) {
            (Some(event), 1) => Ok(event.clone()),
            (None, _) => Err(Failure::skipped(format!(
                "no image of {} matches {id:?}",
                self.display_stream(j)
            ))),
            _ => {
                images.sort_unstable();
                Err(Failure::Verdict(TagResult::Error {
                    message: format!(
                        "multiple images match the prefix {id:?}: {}",
                        images.join(", ")
                    ),
                }))
            }
        }
    }

    fn display_stream(&self, j: usize) -> String {
        let meta = &self.streams[j].spec.meta;
        qualified(&meta.namespace, &meta.name)
    }

    fn display(&self, j: usize, tag: &str) -> String {
        format!("{}:{tag}", self.display_stream(j))
    }
}

enum Failure {
    Loop(String),
    Verdict(TagResult),
}

impl Failure {
    fn skipped(why: String) -> Self {
        Failure::Verdict(TagResult::Skipped { why })
    }
}

/// Whether the tag follows every change of its source: an ImageStreamTag of its own stream
/// (imageutil UpdateTrackingTags: same namespace, `<tag>` or `<this stream>:<tag>`).
fn tracks_source(stream: &Stream, from: &FromRef) -> bool {
    let meta = &stream.spec.meta;
    let own_namespace = from.namespace.is_empty() || from.namespace == meta.namespace;
    let own_stream = match reference::split_stream_tag(&from.name) {
        Ok((Some(name), _)) => name == meta.name,
        Ok((None, _)) => true,
        Err(_) => false,
    };
    from.kind == IMAGE_STREAM_TAG && own_namespace && own_stream
}

fn qualified(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}/{name}")
    }
}
