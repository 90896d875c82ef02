//! Which tags need a registry lookup, and the unique lookups that answer them.
//!
//! The default is the Git rule (DESIGN.md, "default selection"). A repository has no server to keep
//! generations or the `dockerRepositoryCheck` annotation, so the controller's own rule
//! (openshift-apiserver imagestream_controller.go needsImport/tagNeedsImport) would look up every tag
//! without a generation on every run. Instead a tag is looked up only when its spec changed in a way
//! status shows: no status entry, a status that no longer matches `from.name` (another repository or
//! pinned digest, a failure recorded for another reference; see `model::consistency`), or a spec
//! `generation` newer than observed or `0` (a client's "import again", as `oc tag` sends). A tag whose
//! status matches its spec is never looked up by default, whatever happened upstream.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crate::model::consistency::consistency;
use crate::model::generation::{observed_generation, tag_generation};
use crate::model::pullspec;
pub use crate::model::spec::ImportMode;
use crate::model::spec::{PREFER_ARCH, PREFER_OS, SpecTag, StreamSpec};
use crate::model::stream::{Stream, importable};

mod repository;
pub use repository::{DEFAULT_MAX_TAGS, PlannedRepository, TagLimit, chosen, tag_reference};

/// Tags selected beyond the default rule (`--scheduled`, `--all`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// The Git rule only.
    #[default]
    Default,
    /// Also every tag the scheduled import controller would visit.
    Scheduled,
    /// Every importable tag.
    All,
}

/// How to plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    pub selection: Selection,
    /// `--tag`: when not empty, exactly these tags and nothing else.
    pub tags: Vec<TagSelector>,
    /// `--pin`: a `from.name` of the form `repo:tag@sha256:…` is looked up by its tag, so the pin
    /// follows the tag; otherwise it is imported by digest as OpenShift does.
    pub follow_pinned_tags: bool,
    /// The cluster's import mode for tags that set none.
    pub default_mode: ImportMode,
    /// Tags taken from each `spec.dockerImageRepository` (`--max-repository-tags`).
    pub max_repository_tags: TagLimit,
}

/// `--tag [NAMESPACE/]STREAM:TAG`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagSelector {
    pub namespace: Option<String>,
    pub stream: String,
    pub tag: String,
}

impl FromStr for TagSelector {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("--tag {s:?}: expected STREAM:TAG or NAMESPACE/STREAM:TAG");
        let (path, tag) = s.rsplit_once(':').ok_or_else(bad)?;
        let (namespace, stream) = match path.split_once('/') {
            Some((ns, stream)) => (Some(ns), stream),
            None => (None, path),
        };
        let empty = |v: &str| v.is_empty() || v.contains(['/', ':']);
        if empty(stream) || empty(tag) || namespace.is_some_and(empty) {
            return Err(bad());
        }
        Ok(TagSelector {
            namespace: namespace.map(str::to_owned),
            stream: stream.to_owned(),
            tag: tag.to_owned(),
        })
    }
}

impl fmt::Display for TagSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ns) = &self.namespace {
            write!(f, "{ns}/")?;
        }
        write!(f, "{}:{}", self.stream, self.tag)
    }
}

impl TagSelector {
    fn matches(&self, spec: &StreamSpec, tag: &str) -> bool {
        self.stream == spec.meta.name
            && self.tag == tag
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| ns == spec.meta.namespace)
    }
}

/// A tag's platform preference for a manifest list in Legacy mode (its `prefer-os`/`prefer-arch`
/// annotations); an empty field means "no preference".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Preference {
    pub os: String,
    pub architecture: String,
}

/// One registry lookup. Equal lookups are made once, whichever streams need them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lookup {
    /// The image reference to resolve, as written in `from.name` (the registry maps it to a host).
    pub reference: String,
    pub mode: ImportMode,
    /// Only set in Legacy mode: PreserveOriginal keeps the whole list, so the preference cannot
    /// change its answer and must not split equal lookups.
    pub prefer: Option<Preference>,
    /// `importPolicy.insecure` of the tag.
    pub insecure: bool,
}

/// Why a tag is imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// The tag has no status at all.
    NoStatus,
    /// The status no longer matches `from.name` (another repository or pinned digest).
    SpecChanged,
    /// The spec generation is newer than the observed one.
    NewerGeneration,
    /// `generation: 0`, a client's request to import again.
    ImportRequested,
    /// `--scheduled` and `importPolicy.scheduled`.
    Scheduled,
    /// `--all`.
    All,
    /// Named by `--tag`.
    Requested,
    /// A tag of `spec.dockerImageRepository`, chosen from its listing (see `repository`).
    Repository,
}

/// A tag to import and the lookup that answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTag {
    /// Index into the streams given to [`plan`].
    pub stream: usize,
    pub tag: String,
    /// Index into [`Plan::lookups`].
    pub lookup: usize,
    pub why: Why,
}

/// The lookups to make and which tags each one answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Unique lookups, in order of first use.
    pub lookups: Vec<Lookup>,
    pub tags: Vec<PlannedTag>,
    /// `--tag` selectors that name no spec tag of any stream.
    pub unmatched: Vec<TagSelector>,
    /// Whole-repository imports due; their tags join `lookups` and `tags` once listed
    /// ([`Plan::add_repository_tags`]).
    pub repositories: Vec<PlannedRepository>,
}

/// Plans the imports of `streams` (all streams of the repository, in a fixed order).
pub fn plan(streams: &[Stream], options: &PlanOptions) -> Plan {
    let mut out = Plan::default();
    let mut index: HashMap<Lookup, usize> = HashMap::new();
    for (i, stream) in streams.iter().enumerate() {
        for tag in stream.spec_tags() {
            let Some(why) = why(stream, tag, options) else {
                continue;
            };
            let lookup = lookup_for(tag, options);
            let next = index.len();
            let at = *index.entry(lookup.clone()).or_insert(next);
            if at == next {
                out.lookups.push(lookup);
            }
            out.tags.push(PlannedTag {
                stream: i,
                tag: tag.name.clone(),
                lookup: at,
                why,
            });
        }
    }
    out.unmatched = options
        .tags
        .iter()
        .filter(|sel| {
            !streams
                .iter()
                .any(|s| s.spec_tags().any(|t| sel.matches(&s.spec, &t.name)))
        })
        .cloned()
        .collect();
    out.repositories = repository::due(streams, options);
    out
}

fn why(stream: &Stream, tag: &SpecTag, options: &PlanOptions) -> Option<Why> {
    if !importable(tag) {
        return None;
    }
    if !options.tags.is_empty() {
        let named = options
            .tags
            .iter()
            .any(|s| s.matches(&stream.spec, &tag.name));
        return named.then_some(Why::Requested);
    }
    default_why(stream, tag, options.default_mode).or(match options.selection {
        Selection::Default => None,
        Selection::Scheduled => scheduled(stream, tag, options).then_some(Why::Scheduled),
        Selection::All => Some(Why::All),
    })
}

/// Whether the tag's spec changed by the Git rule: what the server's `tagsChanged` reacts to. Tags
/// copied from another stream are resolved only then (`reconcile::follow`).
pub(crate) fn spec_changed(stream: &Stream, tag: &SpecTag, default_mode: ImportMode) -> bool {
    default_why(stream, tag, default_mode).is_some()
}

/// The Git rule (module comment).
fn default_why(stream: &Stream, tag: &SpecTag, default_mode: ImportMode) -> Option<Why> {
    let status = stream.status_tag(&tag.name);
    if status.is_none() {
        return Some(Why::NoStatus);
    }
    // A pin moved since the base while its status stayed is caught by the second test only: in
    // Legacy mode the status of a pinned list is its child, which `consistency` cannot tell apart.
    if consistency(tag, status, default_mode).is_some() || edited_since_base(stream, tag) {
        return Some(Why::SpecChanged);
    }
    newer(stream, tag)
}

/// Whether the tag's import-relevant spec changed since the base revision while its status did not:
/// an edit status cannot show, such as `app:1.0` → `app:1.1` (see `baseline`).
fn edited_since_base(stream: &Stream, tag: &SpecTag) -> bool {
    let Some(base) = stream.base.as_deref() else {
        return false;
    };
    let Some(old) = base.spec_tags().find(|t| t.name == tag.name) else {
        return false;
    };
    let platform = |t: &SpecTag| {
        t.annotations
            .iter()
            .filter(|(k, _)| k == PREFER_OS || k == PREFER_ARCH)
            .cloned()
            .collect::<Vec<_>>()
    };
    // The fields of strategy.go tagRefChanged, plus the platform and transport of an import.
    let edited = old.from != tag.from
        || old.reference != tag.reference
        || old.import_policy.import_mode != tag.import_policy.import_mode
        || old.import_policy.insecure != tag.import_policy.insecure
        || platform(old) != platform(tag);
    // Status the base did not have at all (a status directory, or a first import not yet committed)
    // cannot tell either: look it up, which at worst confirms what is there.
    let refreshed =
        base.status.is_some() && base.status_tag(&tag.name) != stream.status_tag(&tag.name);
    edited && !refreshed
}

/// tagNeedsImport with a generation set: newer than observed, or a client's `0`.
fn newer(stream: &Stream, tag: &SpecTag) -> Option<Why> {
    match tag.generation {
        Some(0) => Some(Why::ImportRequested),
        Some(g) if g > observed_generation(stream.status_tag(&tag.name)) => {
            Some(Why::NewerGeneration)
        }
        _ => None,
    }
}

/// Whether the scheduled import controller visits the tag (scheduled_image_controller.go
/// resetScheduledTags): a digest reference only until its first successful import at the current
/// spec generation.
fn scheduled(stream: &Stream, tag: &SpecTag, options: &PlanOptions) -> bool {
    if !tag.import_policy.scheduled {
        return false;
    }
    let name = tag.from.as_ref().map_or("", |f| f.name.as_str());
    let by_digest = pullspec::digest(lookup_reference(name, options)).is_some();
    let imported = stream
        .status_tag(&tag.name)
        .and_then(|l| l.items.first())
        .is_some_and(|e| e.generation >= tag_generation(&stream.spec, tag));
    !(by_digest && imported)
}

fn lookup_reference<'a>(name: &'a str, options: &PlanOptions) -> &'a str {
    if options.follow_pinned_tags {
        pullspec::follow_tag(name)
    } else {
        name
    }
}

/// The lookup an import of `tag` makes (also what `describe --remote` resolves a tag without status by).
pub fn lookup_for(tag: &SpecTag, options: &PlanOptions) -> Lookup {
    let name = tag.from.as_ref().map_or("", |f| f.name.as_str());
    let mode = ImportMode::of(tag, options.default_mode);
    let annotation = |key: &str| {
        tag.annotations
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let prefer = match (mode, annotation(PREFER_OS), annotation(PREFER_ARCH)) {
        (ImportMode::Legacy, os, arch) if os.is_some() || arch.is_some() => Some(Preference {
            os: os.unwrap_or_default(),
            architecture: arch.unwrap_or_default(),
        }),
        _ => None,
    };
    Lookup {
        reference: lookup_reference(name, options).to_owned(),
        mode,
        prefer,
        insecure: tag.import_policy.insecure,
    }
}
