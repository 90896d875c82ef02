//! The cluster a repository targets: what the API server and its importer know that an ImageStream
//! file does not say. Read from the cluster's own objects (the `config.openshift.io/v1` `Image`
//! named `cluster`, mirror sets, the `additionalTrustedCA` ConfigMap), found among the input files or
//! in the files `--cluster-config` / `.streamlock.yaml`'s `cluster-config:` name, plus the control
//! plane's platform. Without any of it: an unconfigured cluster (every registry allowed, Legacy
//! imports, no internal registry, linux/amd64).

pub mod read;
pub mod whitelist;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cli::ClusterArgs;
use crate::lint::{self, Config, FileContext, FileReport};
use crate::model::reference::ImageRef;
use crate::model::spec::ImportMode;
use crate::model::status::StreamStatus;
use crate::registry::Platform;

pub use read::ClusterError;
pub use whitelist::{Transport, Whitelist};

/// Namespace of the ConfigMap `spec.additionalTrustedCA` names.
pub const CONFIG_NAMESPACE: &str = "openshift-config";

#[derive(Clone, Debug)]
pub struct Cluster {
    /// `spec.allowedRegistriesForImport`; `None` when empty (the server then allows every registry).
    pub whitelist: Option<Whitelist>,
    /// `status.imageStreamImportMode`, else `spec.imageStreamImportMode`: the mode of tags that set none.
    pub import_mode: ImportMode,
    /// `status.internalRegistryHostname`.
    pub internal_registry: Option<String>,
    /// The first of `spec.externalRegistryHostnames` then `status.externalRegistryHostnames`.
    pub external_registry: Option<String>,
    /// `spec.registrySources.insecureRegistries` (reached as `--insecure-registry` hosts) and
    /// `blockedRegistries` (see [`Cluster::blocked`]), as far as the importer honours them.
    pub insecure_registries: Vec<String>,
    pub blocked_registries: Vec<String>,
    /// PEM bundles of the `additionalTrustedCA` ConfigMap: (`file: ConfigMap NAME`, PEM).
    pub trusted_ca: Vec<(String, String)>,
    /// Files holding ImageDigestMirrorSet / ImageTagMirrorSet / ImageContentSourcePolicy objects.
    pub mirror_files: Vec<PathBuf>,
    /// The control plane's platform, preferred from a manifest list in Legacy mode.
    pub platform: Platform,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            whitelist: None,
            import_mode: ImportMode::Legacy,
            internal_registry: None,
            external_registry: None,
            insecure_registries: Vec::new(),
            blocked_registries: Vec::new(),
            trusted_ca: Vec::new(),
            mirror_files: Vec::new(),
            platform: Platform::linux_amd64(),
        }
    }
}

/// Why the cluster context could not be read.
#[derive(Debug)]
pub enum LoadError {
    /// A cluster object with something wrong at a place in its file.
    Placed(ClusterError),
    Other(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Placed(e) => e.fmt(f),
            LoadError::Other(message) => f.write_str(message),
        }
    }
}

/// Where the context comes from.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inputs<'a> {
    /// The files the command works on; searched when `named` is empty.
    pub files: &'a [PathBuf],
    /// `--cluster-config` files, else `.streamlock.yaml`'s `cluster-config:` (resolved paths).
    pub named: &'a [PathBuf],
    /// `--platform`, else `.streamlock.yaml`'s `platform:`.
    pub platform: Option<&'a str>,
}

impl Cluster {
    /// The context of a command: `--cluster-config` files, else `.streamlock.yaml`'s, else the
    /// objects among `files`; `--platform`, else `.streamlock.yaml`'s.
    pub fn for_command(
        args: &ClusterArgs,
        config: &Config,
        files: &[PathBuf],
    ) -> Result<Cluster, LoadError> {
        let named = if args.cluster_config.is_empty() {
            &config.cluster_config
        } else {
            &args.cluster_config
        };
        Cluster::load(Inputs {
            files,
            named,
            platform: args.platform.as_deref().or(config.platform.as_deref()),
        })
    }

    /// The context for commands that take plain paths (describe, tag): the nearest
    /// `.streamlock.yaml` of the first path and the files under them.
    pub fn for_paths(args: &ClusterArgs, paths: &[PathBuf]) -> Result<Cluster, String> {
        let default = [PathBuf::from(".")];
        let paths = if paths.is_empty() {
            &default[..]
        } else {
            paths
        };
        let config = Config::discover(&paths[0]).map_err(|e| format!("config: {e}"))?;
        let (files, _) = crate::discover::discover(paths, &config.exclude)?;
        Cluster::for_command(args, &config, &files).map_err(|e| e.to_string())
    }

    pub fn load(inputs: Inputs<'_>) -> Result<Cluster, LoadError> {
        let mut cluster = Cluster::default();
        if let Some(text) = inputs.platform {
            cluster.platform = Platform::parse(text).ok_or_else(|| {
                LoadError::Other(format!(
                    "platform {text:?}: expected OS/ARCH[/VARIANT], e.g. linux/arm64"
                ))
            })?;
        }
        let explicit = !inputs.named.is_empty();
        let paths: Vec<&PathBuf> = if explicit {
            inputs.named.iter().collect()
        } else {
            inputs.files.par_iter().filter(|p| candidate(p)).collect()
        };
        let mut found = Vec::new();
        for path in paths {
            found.push(read::read(path).map_err(LoadError::Placed)?);
        }
        let images: Vec<&read::ImageConfig> = found.iter().flat_map(|f| &f.images).collect();
        if let [first, second, ..] = images.as_slice() {
            return Err(LoadError::Other(format!(
                "two Image objects named `cluster` ({} and {}): name the one this run targets with \
                 --cluster-config or `cluster-config:` in .streamlock.yaml",
                first.place, second.place
            )));
        }
        if let Some(image) = images.first() {
            cluster.apply(image)?;
        }
        cluster.mirror_files = found
            .iter()
            .filter(|f| f.mirror_sets)
            .map(|f| f.path.clone())
            .collect();
        let ca_name = images
            .first()
            .map_or("", |i| i.additional_trusted_ca.as_str());
        if !ca_name.is_empty() {
            for file in &found {
                for (name, bundles) in &file.config_maps {
                    if name == ca_name {
                        let label = format!(
                            "{}: ConfigMap {CONFIG_NAMESPACE}/{name}",
                            file.path.display()
                        );
                        cluster
                            .trusted_ca
                            .extend(bundles.iter().map(|pem| (label.clone(), pem.clone())));
                    }
                }
            }
        }
        if explicit
            && found
                .iter()
                .all(|f| f.images.is_empty() && !f.mirror_sets && f.config_maps.is_empty())
        {
            return Err(LoadError::Other(format!(
                "cluster config {}: no Image object named `cluster`, mirror set or openshift-config ConfigMap found",
                inputs
                    .named
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(cluster)
    }

    fn apply(&mut self, image: &read::ImageConfig) -> Result<(), LoadError> {
        let internal = &image.internal_registry_hostname;
        self.internal_registry = (!internal.is_empty()).then(|| internal.clone());
        self.external_registry = image
            .external_registry_hostnames
            .iter()
            .find(|h| !h.is_empty())
            .cloned();
        if !image.allowed_registries_for_import.is_empty() {
            let list = Whitelist::new(
                &image.allowed_registries_for_import,
                self.internal_registry.as_deref(),
            )
            .map_err(|e| LoadError::Other(format!("{}: {e}", image.place)))?;
            self.whitelist = Some(list);
        }
        if image.import_mode == "PreserveOriginal" {
            self.import_mode = ImportMode::PreserveOriginal;
        }
        self.insecure_registries = image.insecure_registries.clone();
        self.blocked_registries = image.blocked_registries.clone();
        Ok(())
    }

    /// The importer's refusal of a reference whose registry `spec.registrySources.blockedRegistries`
    /// blocks, made before any request (openshift-apiserver importer.go `blockedRegistry`, with the
    /// registries configuration imagestreamimport/rest.go builds): an entry applies only when it is
    /// exactly the reference's `host[:port]` (Docker Hub as `docker.io`) and that host is not a
    /// mirror set's source. Returns the condition's reason and message.
    pub fn blocked(
        &self,
        reference: &ImageRef,
        mirror_sources: &[String],
    ) -> Option<(String, String)> {
        let host = reference.docker_client_defaults().registry;
        let blocked = self.blocked_registries.contains(&host) && !mirror_sources.contains(&host);
        // `NewForbidden` with no resource: "forbidden: " and the error; the registry as written.
        blocked.then(|| {
            (
                "Forbidden".to_owned(),
                format!("forbidden: registry {} blocked", reference.registry),
            )
        })
    }

    /// Sets `status.dockerImageRepository` and `publicDockerImageRepository` as the server shows
    /// them on this cluster (strategy.go `Decorate`: both are computed on every read); `true` when
    /// that changed `status`. Without an internal registry `dockerImageRepository` is the stream's
    /// `spec.dockerImageRepository` (strategy.go `dockerImageRepository`) when it has one, and stays
    /// as written otherwise; a cluster with neither registry, or a stream without a namespace,
    /// changes nothing else.
    pub fn fill_repositories(
        &self,
        namespace: &str,
        name: &str,
        spec_repository: &str,
        status: &mut StreamStatus,
    ) -> bool {
        let mut changed = false;
        let mut set = |field: &mut String, value: String| {
            changed |= *field != value;
            *field = value;
        };
        if self.internal_registry.is_none() && !spec_repository.is_empty() {
            set(
                &mut status.docker_image_repository,
                spec_repository.to_owned(),
            );
        }
        if namespace.is_empty()
            || (self.internal_registry.is_none() && self.external_registry.is_none())
        {
            return changed;
        }
        if let Some(internal) = self.docker_image_repository(namespace, name) {
            set(&mut status.docker_image_repository, internal);
        }
        let public = self.public_docker_image_repository(namespace, name);
        set(
            &mut status.public_docker_image_repository,
            public.unwrap_or_default(),
        );
        changed
    }

    /// `status.dockerImageRepository` of stream `namespace/name` as the server sets it when the
    /// cluster has an internal registry (openshift-apiserver imagestream/strategy.go,
    /// `dockerImageRepository`); `None` without one, or for a stream with no namespace.
    pub fn docker_image_repository(&self, namespace: &str, name: &str) -> Option<String> {
        let host = self.internal_registry.as_deref()?;
        (!namespace.is_empty()).then(|| format!("{host}/{namespace}/{name}"))
    }

    /// `status.publicDockerImageRepository` (strategy.go `publicDockerImageRepository`).
    pub fn public_docker_image_repository(&self, namespace: &str, name: &str) -> Option<String> {
        let host = self.external_registry.as_deref()?;
        (!namespace.is_empty()).then(|| format!("{host}/{namespace}/{name}"))
    }
}

/// Reports a malformed cluster object in its file's lint report (added when the file holds no
/// ImageStream), under `invalid-cluster-config` at the severity `config` gives it.
pub fn report_problem(reports: &mut Vec<FileReport>, problem: ClusterError, config: &Config) {
    let cx = FileContext::Cluster(&problem);
    let diagnostics = lint::run::file_diagnostics(&cx, &problem.source, config);
    if diagnostics.is_empty() {
        return;
    }
    match reports.iter_mut().find(|r| r.path == problem.source.path) {
        Some(report) => {
            report.diagnostics.extend(diagnostics);
            report.source = problem.source;
        }
        None => reports.push(FileReport {
            path: problem.source.path.clone(),
            source: problem.source,
            diagnostics,
            streams: 0,
            skipped_templates: Vec::new(),
        }),
    }
}

/// Whether an input file may hold a cluster object (read again only if it may).
fn candidate(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| read::may_hold(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\n";

    /// The cluster read from one file holding `text` among the input files.
    fn load(text: &str) -> Result<Cluster, String> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("image.yaml");
        std::fs::write(&path, text).expect("write");
        let files = [path];
        Cluster::load(Inputs {
            files: &files,
            ..Inputs::default()
        })
        // Messages name the file without the temporary directory.
        .map_err(|e| {
            e.to_string()
                .replace(&format!("{}/", dir.path().display()), "")
        })
    }

    #[test]
    fn reads_every_field() {
        let cluster = load(&format!(
            "{HEAD}spec:\n  allowedRegistriesForImport:\n  - domainName: quay.io\n    insecure: true\n  externalRegistryHostnames: [spec.example.com]\n  imageStreamImportMode: Legacy\n  registrySources:\n    insecureRegistries: [a.example.com]\n    blockedRegistries: [b.example.com]\n    allowedRegistries: [c.example.com]\nstatus:\n  imageStreamImportMode: PreserveOriginal\n  internalRegistryHostname: int.svc:5000\n  externalRegistryHostnames: [status.example.com]\n"
        ))
        .expect("valid");
        // status wins over spec for the mode; spec's external hostnames come first.
        assert_eq!(cluster.import_mode, ImportMode::PreserveOriginal);
        assert_eq!(cluster.internal_registry.as_deref(), Some("int.svc:5000"));
        assert_eq!(
            cluster.external_registry.as_deref(),
            Some("spec.example.com")
        );
        assert_eq!(cluster.insecure_registries, ["a.example.com"]);
        assert_eq!(cluster.blocked_registries, ["b.example.com"]);
        assert!(cluster.whitelist.is_some());
        assert_eq!(
            cluster.docker_image_repository("ns", "app").as_deref(),
            Some("int.svc:5000/ns/app")
        );
        assert_eq!(cluster.docker_image_repository("", "app"), None);
        // Without an Image object: an unconfigured cluster.
        let plain = load("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n").expect("none");
        assert!(plain.whitelist.is_none() && plain.internal_registry.is_none());
        assert_eq!(plain.import_mode, ImportMode::Legacy);
        // An Image object with another name is not the cluster's.
        let other = HEAD.replace("name: cluster", "name: other");
        let other = load(&format!(
            "{other}spec:\n  allowedRegistriesForImport:\n  - domainName: x\n"
        ))
        .expect("other");
        assert!(other.whitelist.is_none());
    }

    #[test]
    fn repositories_are_the_ones_the_cluster_configures() {
        let status = |repo: &str, public: &str| StreamStatus {
            docker_image_repository: repo.into(),
            public_docker_image_repository: public.into(),
            ..StreamStatus::default()
        };
        let both = Cluster {
            internal_registry: Some("int:5000".into()),
            external_registry: Some("ext.example.com".into()),
            ..Cluster::default()
        };
        let internal_only = Cluster {
            external_registry: None,
            ..both.clone()
        };
        let external_only = Cluster {
            internal_registry: None,
            ..both.clone()
        };
        let cases = [
            (
                &both,
                "ns",
                status("", ""),
                status("int:5000/ns/app", "ext.example.com/ns/app"),
            ),
            (
                &internal_only,
                "ns",
                status("old", "stale"),
                status("int:5000/ns/app", ""),
            ),
            (
                &external_only,
                "ns",
                status("quay.io/x/app", ""),
                status("quay.io/x/app", "ext.example.com/ns/app"),
            ),
            (
                &Cluster::default(),
                "ns",
                status("kept", "kept"),
                status("kept", "kept"),
            ),
            (&both, "", status("kept", ""), status("kept", "")),
        ];
        for (cluster, namespace, before, after) in cases {
            let mut got = before.clone();
            let changed = cluster.fill_repositories(namespace, "app", "", &mut got);
            assert_eq!(got, after, "{before:?}");
            assert_eq!(changed, before != after, "{before:?}");
        }
    }

    #[test]
    fn without_an_internal_registry_the_repository_is_the_specs() {
        let internal = Cluster {
            internal_registry: Some("int:5000".into()),
            ..Cluster::default()
        };
        let cases = [
            (Cluster::default(), "ns", "quay.io/x/app", "quay.io/x/app"),
            (Cluster::default(), "", "quay.io/x/app", "quay.io/x/app"),
            (Cluster::default(), "ns", "", "kept"),
            (internal, "ns", "quay.io/x/app", "int:5000/ns/app"),
        ];
        for (cluster, namespace, spec, want) in cases {
            let mut status = StreamStatus {
                docker_image_repository: "kept".into(),
                ..StreamStatus::default()
            };
            let changed = cluster.fill_repositories(namespace, "app", spec, &mut status);
            assert_eq!(status.docker_image_repository, want, "{spec:?}");
            assert_eq!(changed, want != "kept", "{spec:?}");
        }
    }

    #[test]
    fn a_malformed_image_object_names_the_place() {
        let cases = [
            (
                "spec: []\n",
                "image.yaml:5:7: spec: expected an object, found sequence",
            ),
            (
                "spec:\n  allowedRegistriesForImport: quay.io\n",
                "image.yaml:6:31: spec.allowedRegistriesForImport: expected a list, found string",
            ),
            (
                "spec:\n  allowedRegistriesForImport:\n  - insecure: true\n",
                "image.yaml:7:5: spec.allowedRegistriesForImport[].domainName: Required value: a registry host[:port], e.g. quay.io",
            ),
            (
                "spec:\n  allowedRegistriesForImport:\n  - domainName: \"a:1:2\"\n",
                "image.yaml:7:17: failed to parse allowed registry \"a:1:2\": too many colons",
            ),
            (
                "status:\n  imageStreamImportMode: Preserve\n",
                "image.yaml:6:26: status.imageStreamImportMode: Unsupported value: \"Preserve\": supported values: \"Legacy\", \"PreserveOriginal\"",
            ),
            (
                "status:\n  internalRegistryHostname: 5000\n",
                "image.yaml:6:29: status.internalRegistryHostname: expected a string, found",
            ),
        ];
        for (body, want) in cases {
            let got = load(&format!("{HEAD}{body}")).expect_err(body);
            assert!(got.starts_with(want), "{body}: {got}");
        }
        let two = load(&format!("{HEAD}---\n{HEAD}")).expect_err("two");
        assert!(
            two.starts_with(
                "two Image objects named `cluster` (image.yaml:1:1 and image.yaml:6:1)"
            ),
            "{two}"
        );
    }
}
