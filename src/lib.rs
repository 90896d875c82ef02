//! streamlock: lint, import and pin OpenShift ImageStream manifests kept in Git.
//!
//! The pipeline runs one way, one module per stage:
//! `discover → load → lint → plan → registry → reconcile → write`.

pub mod model;
pub mod registry;
