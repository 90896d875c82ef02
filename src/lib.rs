//! streamlock: lint, import and pin OpenShift ImageStream manifests kept in Git.
//!
//! The pipeline runs one way, one module per stage:
//! `discover → load → lint → plan → registry → reconcile → write`.

pub mod baseline;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod describe;
pub mod discover;
pub mod import;
pub mod lint;
pub mod load;
pub mod logging;
pub mod model;
pub mod plan;
pub mod reconcile;
pub mod registry;
pub mod repo;
pub mod report;
pub mod sanitize;
pub mod tag;
pub mod write;
