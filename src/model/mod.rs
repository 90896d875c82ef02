//! Typed views of ImageStreams and OpenShift's image reference grammar.

pub mod reference;
pub mod status;
