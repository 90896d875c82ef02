//! The registry engine as the command line configures it: credentials, TLS, mirrors and request
//! policy, shared by every command that talks to registries so they all reach them the same way.

use std::time::Duration;

use crate::cli::RegistryArgs;
use crate::cluster::Cluster;
use crate::registry::{self, Credentials, MirrorRule, RetryPolicy};

/// The engine configuration for `args` and the cluster's own mirror sets, trusted CAs, insecure
/// registries and platform; concurrency keeps its defaults for the caller to set.
pub fn registry_config(args: &RegistryArgs, cluster: &Cluster) -> Result<registry::Config, String> {
    let auth_files = Credentials::standard_auth_files(args.auth_file.as_deref(), |name| {
        std::env::var(name).ok()
    });
    let credentials =
        Credentials::load(&auth_files, &args.pull_secret).map_err(|e| e.to_string())?;
    let mut mirrors: Vec<MirrorRule> = Vec::new();
    for file in args.mirror_config.iter().chain(&cluster.mirror_files) {
        mirrors.extend(registry::mirror_config::read(file)?);
    }
    for flag in &args.mirror {
        mirrors.push(MirrorRule::parse_flag(flag).map_err(|e| e.to_string())?);
    }
    Ok(registry::Config {
        timeout: Duration::from_secs(args.timeout.max(1)),
        retry: RetryPolicy {
            retries: args.retries,
            ..RetryPolicy::default()
        },
        deadline: args.deadline.map(Duration::from_secs),
        ca_files: args.ca_file.clone(),
        ca_bundles: cluster.trusted_ca.clone(),
        insecure_registries: args
            .insecure_registry
            .iter()
            .chain(&cluster.insecure_registries)
            .cloned()
            .collect(),
        platform: cluster.platform.clone(),
        credentials,
        mirrors,
        ..registry::Config::default()
    })
}
