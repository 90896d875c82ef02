//! `streamlock describe`: `oc describe is/…`, `istag/…` and `isimage/…` layouts computed from the
//! files.

mod duration;
pub mod find;
mod image;
mod isimage;
mod istag;
mod stream;
mod tabwriter;

pub use duration::{age, ago, human_duration, now};
pub use find::{Found, Repository, split_namespace};
pub use isimage::{describe_isimage, describe_isimage_remote, isimage_lookup};
pub use istag::{describe_istag, describe_istag_remote, remote_lookup};
pub use stream::{Described, describe_stream};
pub use tabwriter::align;

/// What to describe, parsed from `is/NAME`, `istag/NAME[:TAG]` or `isimage/NAME@ID`.
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
    /// An image of the stream's history, by digest or digest prefix.
    Image {
        namespace: Option<String>,
        name: String,
        id: String,
    },
}

impl Target {
    /// Accepts oc's resource names: `is`, `imagestream(s)`, `istag`, `imagestreamtag(s)`,
    /// `isimage`, `imagestreamimage(s)`; a tag defaults to `latest`.
    pub fn parse(arg: &str) -> Result<Target, String> {
        let Some((kind, rest)) = arg.split_once('/') else {
            return Err(format!(
                "{arg:?}: say what to describe, as is/NAME, istag/NAME:TAG or isimage/NAME@DIGEST"
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
            "isimage" | "imagestreamimage" | "imagestreamimages" => {
                let (namespace, name_id) = split_namespace(rest)?;
                // library-go imageutil ParseImageStreamImageName.
                let (name, id) = match name_id.split('@').collect::<Vec<_>>()[..] {
                    [name, id] if !name.is_empty() && !id.is_empty() => (name, id),
                    [_, _] => {
                        return Err(format!(
                            "image stream image name {name_id:?} must have a name and ID"
                        ));
                    }
                    _ => {
                        return Err(format!(
                            "expected exactly one @ in the isimage name {name_id:?}"
                        ));
                    }
                };
                Ok(Target::Image {
                    namespace: namespace.map(str::to_string),
                    name: name.to_string(),
                    id: id.to_string(),
                })
            }
            _ => Err(format!(
                "cannot describe {kind:?}: streamlock describes is/NAME, istag/NAME:TAG and isimage/NAME@DIGEST"
            )),
        }
    }
}
