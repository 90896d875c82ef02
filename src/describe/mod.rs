//! `streamlock describe`: `oc describe is/…` and `istag/…` layouts computed from the files.

mod duration;
pub mod find;
mod image;
mod istag;
mod priority;
mod stream;
mod tabwriter;

pub use duration::{age, ago, human_duration, now};
pub use find::{Found, Repository, split_namespace};
pub use istag::{describe_istag, describe_istag_remote, remote_lookup};
pub use priority::prioritize_tags;
pub use stream::{Described, describe_stream};
pub use tabwriter::align;

/// What to describe, parsed from `is/NAME` or `istag/NAME[:TAG]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Stream {
        namespace: Option<String>,
        name: String,
    },
    Tag {
        namespace: Option<String>,
        name: String,
        tag: String,
    },
}

impl Target {
    /// Accepts oc's resource names: `is`, `imagestream(s)`, `istag`, `imagestreamtag(s)`; a tag
    /// defaults to `latest`.
    pub fn parse(arg: &str) -> Result<Target, String> {
        let Some((kind, rest)) = arg.split_once('/') else {
            return Err(format!(
                "{arg:?}: say what to describe, as is/NAME or istag/NAME:TAG"
            ));
        };
        match kind.to_ascii_lowercase().as_str() {
            "is" | "imagestream" | "imagestreams" => {
                let (namespace, name) = split_namespace(rest)?;
                Ok(Target::Stream {
                    namespace: namespace.map(str::to_string),
                    name: name.to_string(),
                })
            }
            "istag" | "imagestreamtag" | "imagestreamtags" => {
                if rest.contains('@') {
                    return Err(format!(
                        "{rest:?} is an image stream image, not an image stream tag"
                    ));
                }
                let (namespace, name_tag) = split_namespace(rest)?;
                let (name, tag) = match name_tag.split_once(':') {
                    Some((name, tag))
                        if !name.is_empty() && !tag.is_empty() && !tag.contains(':') =>
                    {
                        (name, tag)
                    }
                    None if !name_tag.is_empty() => (name_tag, "latest"),
                    _ => {
                        return Err(format!(
                            "image stream tag name {name_tag:?} must be NAME or NAME:TAG"
                        ));
                    }
                };
                Ok(Target::Tag {
                    namespace: namespace.map(str::to_string),
                    name: name.to_string(),
                    tag: tag.to_string(),
                })
            }
            _ => Err(format!(
                "cannot describe {kind:?}: streamlock describes is/NAME and istag/NAME:TAG"
            )),
        }
    }
}
