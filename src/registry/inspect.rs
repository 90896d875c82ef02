//! Reading an image's metadata for `describe --remote`: the manifest a digest names and, for a
//! single-platform image, its config blob — both verified against their digests, fetched through the
//! same mirrors, credentials and TLS rules as a lookup.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::Deserialize;

use super::client::{Counter, Registry, Reply};
use super::error::{LookupError, from_error_body};
use super::manifest::{ListBody, check_body, is_list, is_sha256_digest, sha256_digest};
use super::mirrors::places;
use super::resolver::{Inner, content_type, integrity};
use super::{Lookup, Outcome, Resolver};

/// What a digest names, read from its registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    /// The `sha256:…` of the manifest shown.
    pub digest: String,
    /// `host/repository` of the mirror that answered, when it was not the source.
    pub mirror: Option<String>,
    pub content: Content,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Image(Box<Image>),
    /// A manifest list or OCI index: its entries in list order.
    List(Vec<ListedManifest>),
}

/// A single-platform image (Docker schema 2 or OCI).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub config_digest: String,
    /// Bytes of the config blob.
    pub config_size: u64,
    /// In manifest order (base layer first).
    pub layers: Vec<Layer>,
    pub config: ImageConfig,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    pub digest: String,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedManifest {
    pub digest: String,
    pub os: String,
    pub architecture: String,
}

/// The parts of an image config (Docker image JSON / OCI image config) that `oc describe` shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ImageConfig {
    /// RFC 3339, as written in the config.
    pub created: Option<String>,
    pub author: String,
    pub architecture: String,
    pub config: Option<ContainerConfig>,
}

/// The image's run configuration; Docker's capitalised field names, nulls read as empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ContainerConfig {
    pub entrypoint: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub working_dir: String,
    pub user: String,
    pub exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    pub labels: Option<BTreeMap<String, String>>,
    pub env: Option<Vec<String>>,
    pub volumes: Option<BTreeMap<String, serde_json::Value>>,
}

/// An image manifest's descriptors; a list has `manifests` instead.
#[derive(Deserialize)]
struct ImageManifest {
    config: Descriptor,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

#[derive(Deserialize)]
struct Descriptor {
    digest: String,
    #[serde(default)]
    size: u64,
}

impl Resolver {
    /// The manifest (and config) of what `lookup` names. A tag is first resolved as an import would
    /// resolve it (a Legacy list to its child), then read by digest. `Err` is the message to show.
    pub async fn inspect(&self, lookup: &Lookup) -> Result<Inspected, String> {
        let digest = if lookup.by_digest() {
            lookup.reference.clone()
        } else {
            match self.resolve(lookup).await.outcome {
                Outcome::Found { image, .. } => image,
                Outcome::Failed { message, .. } => return Err(message),
                Outcome::Inconclusive { cause, fix } => return Err(format!("{cause} ({fix})")),
            }
        };
        let failed = |err: LookupError| match err.into_outcome(&lookup.display) {
            Outcome::Failed { message, .. } => message,
            Outcome::Found { image, .. } => image,
            Outcome::Inconclusive { cause, fix } => format!("{cause} ({fix})"),
        };
        if !is_sha256_digest(&digest) {
            return Err(failed(LookupError::registry(
                "invalid checksum digest format",
            )));
        }
        let inner = &self.inner;
        let count = Counter::default();
        let mut failure = LookupError::inconclusive(
            "no registry to contact",
            "check the mirror configuration: no place serves this reference",
        );
        for place in places(&inner.mirrors, &lookup.registry, &lookup.repository, true) {
            let insecure = lookup.insecure || inner.insecure_registries.contains(&place.registry);
            let registry = inner.registry(&place.registry, insecure);
            match inner
                .read_at(&registry, &place.repository, &digest, &count)
                .await
            {
                Ok(content) => {
                    return Ok(Inspected {
                        digest,
                        mirror: place
                            .mirror
                            .then(|| format!("{}/{}", place.registry, place.repository)),
                        content,
                    });
                }
                Err(err) => {
                    tracing::debug!(host = %place.registry, repository = %place.repository, ?err, "inspect failed");
                    failure = err;
                }
            }
        }
        Err(failed(failure))
    }
}

impl Inner {
    /// The manifest `digest` in one place, and for an image its config from the same place.
    async fn read_at(
        &self,
        registry: &Registry,
        repository: &str,
        digest: &str,
        count: &Counter,
    ) -> Result<Content, LookupError> {
        let reply = registry
            .manifest(&self.http, Method::GET, repository, digest, count)
            .await?;
        verified(&reply, digest)?;
        let body = &reply.body;
        let media_type = check_body(&content_type(&reply), body)?;
        if is_list(&media_type) {
            let list: ListBody = serde_json::from_slice(body).map_err(|err| {
                LookupError::registry(format!("unable to parse manifest list {digest}: {err}"))
            })?;
            return Ok(Content::List(
                list.manifests
                    .into_iter()
                    .map(|entry| {
                        let platform = entry.platform.unwrap_or_default();
                        ListedManifest {
                            digest: entry.digest,
                            os: platform.os,
                            architecture: platform.architecture,
                        }
                    })
                    .collect(),
            ));
        }
        let manifest: ImageManifest = serde_json::from_slice(body).map_err(|err| {
            LookupError::registry(format!(
                "unable to read the manifest {digest} as an image manifest (schema 2 or OCI): {err}"
            ))
        })?;
        let config_digest = manifest.config.digest;
        if !is_sha256_digest(&config_digest) {
            return Err(LookupError::registry(format!(
                "the manifest {digest} names an invalid config digest {config_digest:?}"
            )));
        }
        let blob = registry
            .blob(&self.http, repository, &config_digest, count)
            .await?;
        verified(&blob, &config_digest)?;
        let config: ImageConfig = serde_json::from_slice(&blob.body).map_err(|err| {
            LookupError::registry(format!(
                "unable to read the image config {config_digest}: {err}"
            ))
        })?;
        Ok(Content::Image(Box::new(Image {
            config_digest,
            config_size: blob.body.len() as u64,
            layers: manifest
                .layers
                .into_iter()
                .map(|layer| Layer {
                    digest: layer.digest,
                    size: layer.size,
                })
                .collect(),
            config,
        })))
    }
}

/// A successful answer whose body hashes to `digest`.
fn verified(reply: &Reply, digest: &str) -> Result<(), LookupError> {
    if !(200..=299).contains(&reply.status) {
        return Err(from_error_body(reply.status, &reply.body));
    }
    let actual = sha256_digest(&reply.body);
    if actual != digest {
        return Err(integrity("content", digest, &actual));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_reads_nulls_and_missing_fields_as_empty() {
        let config: ImageConfig = serde_json::from_str(
            r#"{"architecture":"arm64","config":{"Entrypoint":null,"Cmd":["sh"],"Labels":null,
                "ExposedPorts":{"8080/tcp":{}},"Env":["A=1"]}}"#,
        )
        .expect("config");
        assert_eq!(config.architecture, "arm64");
        assert_eq!(config.created, None);
        let run = config.config.expect("run config");
        assert_eq!(run.entrypoint, None);
        assert_eq!(run.cmd, Some(vec!["sh".to_owned()]));
        assert_eq!(run.labels, None);
        let ports: Vec<&String> = run.exposed_ports.iter().flat_map(|p| p.keys()).collect();
        assert_eq!(ports, ["8080/tcp"]);
        assert!(serde_json::from_str::<ImageConfig>("\"text\"").is_err());
    }
}
