//! Typed views of ImageStreams and OpenShift's image reference grammar.

pub mod imagestream;
pub mod istag;
pub mod names;
pub mod path;
pub mod reference;
pub mod schema;
pub mod spec;
pub mod status;
