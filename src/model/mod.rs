//! Typed views of ImageStreams and OpenShift's image reference grammar.

pub mod spec;
pub mod status;
