//! `oc tag` semantics over the files (oc pkg/cli/tag/tag.go): which kind the source is, what the
//! destination spec tag becomes, and the message oc prints.

use crate::describe::{Described, Repository};
use crate::model::reference::{self, ImageRef};
use crate::model::spec::{
    DOCKER_IMAGE, FromRef, IMAGE_STREAM_IMAGE, IMAGE_STREAM_TAG, ImportPolicy,
};
use crate::write::spec_tag::NewSpecTag;

/// The flags of one `tag` run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub alias: bool,
    pub scheduled: bool,
    pub reference: bool,
    pub insecure: bool,
    /// `--source` as given.
    pub source_kind: Option<String>,
    /// `source` or `local`.
    pub reference_policy: String,
    /// `importPolicy.importMode` as oc sends it: `Legacy` unless `--import-mode` says otherwise.
    pub import_mode: String,
    /// oc's current project: the namespace of names written without one.
    pub namespace: String,
}

/// A resolved source: its kind and reference (after a copy, the source stream's image).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub kind: &'static str,
    pub reference: ImageRef,
}

/// `[NAMESPACE/]STREAM:TAG` of a destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dest {
    pub namespace: String,
    pub stream: String,
    pub tag: String,
}

impl Dest {
    pub fn parse(arg: &str, current: &str) -> Result<Dest, String> {
        let (namespace, name_tag) = crate::describe::split_namespace(arg)?;
        let Some((stream, tag)) = name_tag.split_once(':') else {
            return Err(format!(
                "{name_tag:?} must be of the form <stream_name>:<tag>"
            ));
        };
        Ok(Dest {
            namespace: namespace.unwrap_or(current).to_string(),
            stream: stream.to_string(),
            tag: if tag.is_empty() { "latest" } else { tag }.to_string(),
        })
    }

    /// `stream:tag`, prefixed `namespace/` when it is not the current namespace.
    pub fn shown(&self, current: &str) -> String {
        if self.namespace == current {
            format!("{}:{}", self.stream, self.tag)
        } else {
            format!("{}/{}:{}", self.namespace, self.stream, self.tag)
        }
    }
}

/// oc's `--source` names.
fn source_kind(input: &str) -> Result<&'static str, String> {
    match input.to_ascii_lowercase().as_str() {
        "imagestreamtag" | "istag" => Ok(IMAGE_STREAM_TAG),
        "imagestreamimage" | "isimage" => Ok(IMAGE_STREAM_IMAGE),
        "docker" | "dockerimage" => Ok(DOCKER_IMAGE),
        _ => Err(format!(
            "invalid source {input:?}; valid values are docker, dockerimage, imagestreamimage, imagestreamtag, isimage, istag"
        )),
    }
}

/// Parses SOURCE and infers its kind as oc does; a plain ImageStreamTag source (not `--alias`) is
/// resolved to the image its stream's status points at now.
pub fn resolve_source(
    arg: &str,
    options: &Options,
    repository: &Repository,
) -> Result<Source, String> {
    let mut r = reference::parse(arg).map_err(|e| format!("invalid SOURCE: {e}"))?;
    let kind = match options
        .source_kind
        .as_deref()
        .map(source_kind)
        .transpose()?
    {
        Some(kind @ (IMAGE_STREAM_TAG | IMAGE_STREAM_IMAGE)) => {
            if !r.registry.is_empty() {
                return Err(
                    "server in SOURCE is only allowed when providing a container image".into(),
                );
            }
            if r.namespace == "library" {
                r.namespace = options.namespace.clone();
            }
            if kind == IMAGE_STREAM_TAG && r.tag.is_empty() {
                return Err(
                    "--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE".into(),
                );
            }
            if kind == IMAGE_STREAM_IMAGE && r.id.is_empty() {
                return Err(
                    "--source=ImageStreamImage requires a valid <name>@<id> in SOURCE".into(),
                );
            }
            kind
        }
        Some(kind) => kind,
        None if !r.registry.is_empty() => DOCKER_IMAGE,
        None if !r.id.is_empty() => IMAGE_STREAM_IMAGE,
        None if !r.tag.is_empty() => IMAGE_STREAM_TAG,
        None => DOCKER_IMAGE,
    };
    if kind != IMAGE_STREAM_TAG || options.alias {
        return Ok(Source { kind, reference: r });
    }
    let namespace = (!r.namespace.is_empty()).then_some(r.namespace.as_str());
    let found = repository.find(
        namespace
            .or(Some(&options.namespace))
            .filter(|n| !n.is_empty()),
        &r.name,
    )?;
    let stream = Described::new(found.object.node);
    let Some(event) = stream.status_tag(&r.tag).and_then(|t| t.items.first()) else {
        return Err(format!(
            "{arg:?} is not currently pointing to an image, cannot use it as the source of a tag"
        ));
    };
    if event.image.is_empty() {
        let pulled = reference::parse(&event.docker_image_reference).map_err(|e| {
            format!("the image stream tag {arg:?} has an invalid pull spec and cannot be used to tag: {e}")
        })?;
        return Ok(Source {
            kind: DOCKER_IMAGE,
            reference: pulled,
        });
    }
    r.id = event.image.clone();
    r.tag.clear();
    Ok(Source {
        kind: IMAGE_STREAM_IMAGE,
        reference: r,
    })
}

/// Checks oc makes before it changes anything.
pub fn validate(
    source: &Source,
    dests: &[Dest],
    options: &Options,
    repository: &Repository,
) -> Result<(), String> {
    if source.kind != DOCKER_IMAGE && (options.scheduled || options.insecure) {
        return Err("only container images can have importing flags set".into());
    }
    if options.alias {
        if options.scheduled || options.insecure {
            return Err(
                "cannot set a container image tag as an alias and also set import flags".into(),
            );
        }
        for dest in dests {
            if !alias_within_stream(source, dest, options, repository)? {
                return Err("cannot set alias across different Image Streams".into());
            }
        }
    }
    for dest in dests {
        if !reference::is_valid_tag_name(&dest.tag) {
            return Err(format!(
                "invalid tag {:?} format, tags must start with an alphanumeric character followed by alphanumeric, '.' or '-' characters, and have a maximum of 128 characters",
                dest.tag
            ));
        }
    }
    Ok(())
}

/// oc's isCrossImageStream compares the destination with oc's current project, which a repository
/// does not have. Here the alias is judged by what it writes: its `from` must name the destination
/// stream itself — the same stream name, and no namespace or the stream's own. So
/// `team-a/ruby:3.3 team-a/ruby:latest` and `ruby:3.3 ruby:latest` work without `-n`.
fn alias_within_stream(
    source: &Source,
    dest: &Dest,
    options: &Options,
    repository: &Repository,
) -> Result<bool, String> {
    if dest.stream != source.reference.name {
        return Ok(false);
    }
    let (tag, _) = spec_tag(source, dest, options);
    if tag.from.namespace.is_empty() || tag.from.namespace == dest.namespace {
        return Ok(true);
    }
    if !dest.namespace.is_empty() {
        return Ok(false);
    }
    // No namespace given for the destination: the stream's own decides.
    let found = repository.find(None, &dest.stream)?;
    Ok(Described::new(found.object.node).namespace() == tag.from.namespace)
}

/// The spec tag oc sends for `dest`, and the line it prints.
pub fn spec_tag(source: &Source, dest: &Dest, options: &Options) -> (NewSpecTag, String) {
    let r = &source.reference;
    let from = if source.kind == DOCKER_IMAGE {
        FromRef {
            kind: DOCKER_IMAGE.into(),
            name: r.exact(),
            namespace: String::new(),
        }
    } else {
        let name = ImageRef {
            registry: String::new(),
            namespace: String::new(),
            ..r.clone()
        }
        .exact();
        let namespace = if r.namespace.is_empty() && dest.namespace != options.namespace {
            options.namespace.clone()
        } else {
            r.namespace.clone()
        };
        FromRef {
            kind: source.kind.into(),
            name,
            namespace,
        }
    };
    let tag = NewSpecTag {
        name: dest.tag.clone(),
        from,
        reference: options.reference,
        import_policy: ImportPolicy {
            insecure: options.insecure,
            scheduled: options.scheduled,
            import_mode: options.import_mode.clone(),
        },
        reference_policy: if options.reference_policy.eq_ignore_ascii_case("local") {
            "Local"
        } else {
            "Source"
        }
        .into(),
    };
    let shown = dest.shown(&options.namespace);
    let exact = r.exact();
    let message = if options.alias {
        format!("Tag {shown} set up to track {exact}.")
    } else if options.scheduled && dest.namespace == options.namespace {
        format!("Tag {shown} set to import {exact} periodically.")
    } else if options.scheduled {
        // oc's cross-namespace wording drops "import".
        format!("Tag {shown} set to {exact} periodically.")
    } else {
        format!("Tag {shown} set to {exact}.")
    };
    (tag, message)
}
