//! Pushes small synthetic images through the registry's HTTP API, the way a client does: monolithic
//! blob uploads (`POST` then `PUT …&digest=`), then the manifest `PUT` — children of a list first.
//!
//! Blobs are tiny: one layer per repository (pushed once) and one config per image, so hundreds of
//! images push in seconds over a kept-alive client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use streamlock::registry::{DOCKER_LIST, DOCKER_SCHEMA2, OCI_INDEX, OCI_MANIFEST};

use super::registry::TestRegistry;

/// What kind of manifest a tag gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Schema2,
    Oci,
    /// A Docker manifest list of four schema2 children.
    DockerList,
    /// An OCI index of four OCI children.
    OciIndex,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Schema2, Kind::Oci, Kind::DockerList, Kind::OciIndex];

    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Schema2 => DOCKER_SCHEMA2,
            Kind::Oci => OCI_MANIFEST,
            Kind::DockerList => DOCKER_LIST,
            Kind::OciIndex => OCI_INDEX,
        }
    }

    pub fn is_list(self) -> bool {
        matches!(self, Kind::DockerList | Kind::OciIndex)
    }
}

/// The four platforms of every list, in list order.
pub const PLATFORMS: [(&str, &str, Option<&str>); 4] = [
    ("linux", "amd64", None),
    ("linux", "arm64", Some("v8")),
    ("linux", "ppc64le", None),
    ("linux", "s390x", None),
];

/// What the registry now holds for a tag.
#[derive(Clone, Debug)]
pub struct Pushed {
    /// Digest of the tagged manifest (the list itself for lists).
    pub digest: String,
    pub media_type: &'static str,
    /// For lists: (architecture, child digest), in list order.
    pub children: Vec<(String, String)>,
}

impl Pushed {
    /// The child for `architecture` (lists only).
    pub fn child(&self, architecture: &str) -> &str {
        self.children
            .iter()
            .find(|(arch, _)| arch == architecture)
            .map(|(_, d)| d.as_str())
            .expect("list child")
    }

    /// What a Legacy import records with no preference: the amd64 child of a list, else the image.
    pub fn legacy_default(&self) -> &str {
        if self.children.is_empty() {
            &self.digest
        } else {
            self.child("amd64")
        }
    }
}

pub struct Pusher {
    client: reqwest::Client,
    base: String,
    login: Option<(String, String)>,
    /// One upload of each repository's layer, awaited by every image of that repository.
    layers: Mutex<HashMap<String, Arc<tokio::sync::OnceCell<()>>>>,
    /// Mixed into every config, so pushing the same tag with another seed moves it.
    pub seed: String,
}

pub fn sha256(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// Media types of an image manifest, its config and its layers, OCI or Docker schema2.
pub fn media_types(oci: bool) -> (&'static str, &'static str, &'static str) {
    if oci {
        (
            OCI_MANIFEST,
            "application/vnd.oci.image.config.v1+json",
            "application/vnd.oci.image.layer.v1.tar+gzip",
        )
    } else {
        (
            DOCKER_SCHEMA2,
            "application/vnd.docker.container.image.v1+json",
            "application/vnd.docker.image.rootfs.diff.tar.gzip",
        )
    }
}

impl Pusher {
    pub fn new(registry: &TestRegistry) -> Self {
        super::install_crypto();
        let mut builder = reqwest::Client::builder().pool_max_idle_per_host(64);
        if let Some(ca) = &registry.ca_file {
            let pem = std::fs::read(ca).expect("CA file");
            let certs = reqwest::Certificate::from_pem_bundle(&pem).expect("CA PEM");
            builder = builder.tls_certs_only(certs);
        }
        Pusher {
            client: builder.build().expect("push client"),
            base: registry.base_url(),
            login: registry.login.clone(),
            layers: Mutex::default(),
            seed: "1".into(),
        }
    }

    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let request = self.client.request(method, url);
        match &self.login {
            Some((user, password)) => request.basic_auth(user, Some(password)),
            None => request,
        }
    }

    /// Pushes `repo:tag` as `kind`; returns what the registry holds.
    pub async fn push(&self, repo: &str, tag: &str, kind: Kind) -> Pushed {
        let oci = matches!(kind, Kind::Oci | Kind::OciIndex);
        if !kind.is_list() {
            let (digest, media_type, body) = self.image(repo, tag, PLATFORMS[0], oci).await;
            self.manifest(repo, tag, media_type, &body).await;
            return Pushed {
                digest,
                media_type,
                children: Vec::new(),
            };
        }
        let mut entries = Vec::new();
        let mut children = Vec::new();
        for platform in PLATFORMS {
            let (digest, media_type, body) = self.image(repo, tag, platform, oci).await;
            self.manifest(repo, &digest, media_type, &body).await;
            let (os, architecture, variant) = platform;
            let mut p = serde_json::json!({"os": os, "architecture": architecture});
            if let Some(v) = variant {
                p["variant"] = v.into();
            }
            entries.push(serde_json::json!({"mediaType": media_type, "digest": digest, "size": body.len(), "platform": p}));
            children.push((architecture.to_owned(), digest));
        }
        let media_type = kind.media_type();
        let body = serde_json::to_vec_pretty(&serde_json::json!({
            "schemaVersion": 2, "mediaType": media_type, "manifests": entries,
        }))
        .expect("json");
        let digest = self.manifest(repo, tag, media_type, &body).await;
        Pushed {
            digest,
            media_type,
            children,
        }
    }

    /// One single-platform image: its config blob pushed, its manifest built (not pushed).
    async fn image(
        &self,
        repo: &str,
        tag: &str,
        (os, architecture, variant): (&str, &str, Option<&str>),
        oci: bool,
    ) -> (String, &'static str, Vec<u8>) {
        let layer = format!("layer of {repo}").into_bytes();
        let layer_digest = sha256(&layer);
        let once = self
            .layers
            .lock()
            .expect("lock")
            .entry(repo.to_owned())
            .or_default()
            .clone();
        once.get_or_init(|| async {
            self.blob(repo, &layer).await;
        })
        .await;
        let config = serde_json::to_vec(&serde_json::json!({
            "architecture": architecture, "os": os, "variant": variant,
            "config": {"Labels": {"test.image": format!("{repo}:{tag} seed {}", self.seed)}},
            "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        }))
        .expect("json");
        let config_digest = self.blob(repo, &config).await;
        let (media_type, config_type, layer_type) = media_types(oci);
        let manifest = serde_json::to_vec_pretty(&serde_json::json!({
            "schemaVersion": 2, "mediaType": media_type,
            "config": {"mediaType": config_type, "digest": config_digest, "size": config.len()},
            "layers": [{"mediaType": layer_type, "digest": layer_digest, "size": layer.len()}],
        }))
        .expect("json");
        (sha256(&manifest), media_type, manifest)
    }

    pub async fn blob(&self, repo: &str, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let start = self
            .request(
                reqwest::Method::POST,
                &format!("{}/v2/{repo}/blobs/uploads/", self.base),
            )
            .send()
            .await
            .expect("start upload");
        assert_eq!(start.status().as_u16(), 202, "start upload in {repo}");
        let location = start
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .expect("upload location")
            .to_owned();
        let mut url = if location.starts_with('/') {
            format!("{}{location}", self.base)
        } else {
            location
        };
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&format!("digest={digest}"));
        let put = self
            .request(reqwest::Method::PUT, &url)
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await
            .expect("put blob");
        assert_eq!(put.status().as_u16(), 201, "put blob in {repo}");
        digest
    }

    /// `DELETE` a manifest by digest (the registry must be started with `delete`).
    pub async fn delete_manifest(&self, repo: &str, digest: &str) {
        let reply = self
            .request(
                reqwest::Method::DELETE,
                &format!("{}/v2/{repo}/manifests/{digest}", self.base),
            )
            .send()
            .await
            .expect("delete manifest");
        assert_eq!(
            reply.status().as_u16(),
            202,
            "delete {repo}@{digest}: is the registry's delete API enabled?"
        );
    }

    /// `PUT` a manifest; checks the registry computed the same digest.
    pub async fn manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        body: &[u8],
    ) -> String {
        let put = self
            .request(
                reqwest::Method::PUT,
                &format!("{}/v2/{repo}/manifests/{reference}", self.base),
            )
            .header("content-type", media_type)
            .body(body.to_vec())
            .send()
            .await
            .expect("put manifest");
        let status = put.status().as_u16();
        let held = put
            .headers()
            .get("docker-content-digest")
            .and_then(|d| d.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert_eq!(
            status,
            201,
            "put manifest {repo}:{reference}: {}",
            put.text().await.unwrap_or_default()
        );
        assert_eq!(held, sha256(body), "registry digest of {repo}:{reference}");
        held
    }
}
