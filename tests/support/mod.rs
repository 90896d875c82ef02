//! Test harness shared by the integration tests: a real registry (Debian's `docker-registry`, CNCF
//! distribution 2.8) started on a free loopback port, an image pusher speaking the registry's HTTP API,
//! and an in-process HTTP server for the faults a real registry cannot be made to show.
//!
//! Use it from a test crate with `mod support;`. Every test crate uses a different part of it, hence
//! the `dead_code` allowance.
#![allow(dead_code)]

pub mod cli;
pub mod faults;
pub mod gitops;
pub mod images;
pub mod registry;

/// Installs rustls' ring provider for clients built by the tests themselves (the engine does the same).
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
