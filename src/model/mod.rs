//! Typed views of ImageStreams, OpenShift's image reference grammar, and the OpenShift rules the
//! import stages share (`plan` and `reconcile` both build on them; this module imports neither).

pub mod consistency;
pub mod generation;
pub mod image_id;
pub mod imagestream;
pub mod istag;
pub mod names;
pub mod path;
pub mod pullspec;
pub mod reference;
pub mod schema;
pub mod spec;
pub mod status;
pub mod stream;
pub mod tag_priority;
