//! Manifest media types, digests of bodies, and the importer's choice of a list child.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::Platform;
use super::error::LookupError;
use crate::sanitize;

pub const DOCKER_SCHEMA2: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// Every manifest type the importer accepts. Leaving out the OCI types makes distribution answer 404 for
/// an OCI manifest; leaving out the list types makes it answer the amd64 child instead of the list.
pub const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.v1+prettyjws, \
application/json";

/// Schema 1 types, and `application/json`, the importer's fallback to schema 1.
const SCHEMA1: [&str; 3] = [
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/json",
];

/// Whether the importer reads manifests of `media_type`.
pub fn is_known(media_type: &str) -> bool {
    [DOCKER_SCHEMA2, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX].contains(&media_type)
        || SCHEMA1.contains(&media_type)
}

/// What every manifest body holds, as far as telling its kind goes.
#[derive(Deserialize)]
struct Shape {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Option<Vec<Descriptor>>,
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
}

#[derive(Deserialize)]
struct Descriptor {
    digest: String,
}

impl Shape {
    /// Every descriptor in the body names its content.
    fn descriptors_named(&self) -> bool {
        let lists = [self.layers.as_deref(), self.manifests.as_deref()];
        self.config
            .iter()
            .chain(lists.into_iter().flatten().flatten())
            .all(|d| !d.digest.is_empty())
    }
}

/// Checks that `body` is a manifest of the type the server claimed (`content_type`, or the body's
/// own `mediaType` when the server sent none) and returns that type.
///
/// A body that is not a manifest at all, or names another type than its header, is a server that
/// lies or a body damaged on the way: that says nothing about the tag, so it is inconclusive. A
/// well-formed manifest of a type the importer does not read is what OpenShift itself records
/// ("unsupported image manifest type", reference §4.2), so that one is a registry answer.
pub fn check_body(content_type: &str, body: &[u8]) -> Result<String, LookupError> {
    let damaged = |why: String| {
        LookupError::inconclusive(
            format!("the registry's answer is not a valid manifest: {why}"),
            "the registry or a proxy sent a damaged or forged answer; nothing was recorded: run again, and tell the registry's operator if it persists",
        )
    };
    let shape: Shape = serde_json::from_slice(body).map_err(|err| damaged(err.to_string()))?;
    let claimed = match (content_type, shape.media_type.as_deref()) {
        ("", Some(own)) => own,
        (header, _) => header,
    };
    let fits = match claimed {
        DOCKER_SCHEMA2 | OCI_MANIFEST => {
            shape.schema_version == 2
                && shape.config.is_some()
                && shape.layers.is_some()
                && shape.manifests.is_none()
        }
        DOCKER_LIST | OCI_INDEX => shape.schema_version == 2 && shape.manifests.is_some(),
        t if SCHEMA1.contains(&t) => shape.schema_version == 1,
        other => {
            return Err(LookupError::registry(format!(
                "unsupported image manifest type: {}",
                sanitize::remote(other)
            )));
        }
    };
    if let Some(own) = shape.media_type.as_deref()
        && own != claimed
        && !SCHEMA1.contains(&claimed)
    {
        return Err(damaged(format!(
            "served as {} but says it is {}",
            sanitize::remote(claimed),
            sanitize::remote(own)
        )));
    }
    if !fits || !shape.descriptors_named() {
        return Err(damaged(format!(
            "the body does not have the fields of {claimed} (schemaVersion {})",
            shape.schema_version
        )));
    }
    Ok(claimed.to_owned())
}

/// The media type without parameters (`; charset=…`).
pub fn essence(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

pub fn is_list(media_type: &str) -> bool {
    media_type == DOCKER_LIST || media_type == OCI_INDEX
}

/// `sha256:<hex>` of `body`.
pub fn sha256_digest(body: &[u8]) -> String {
    let hash = Sha256::digest(body);
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for byte in hash {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Whether `text` is a well-formed `sha256:` digest (the only algorithm OpenShift accepts).
pub fn is_sha256_digest(text: &str) -> bool {
    text.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A manifest list or OCI index, as far as the importer and `describe` read it.
#[derive(Deserialize)]
pub(super) struct ListBody {
    #[serde(default)]
    pub manifests: Vec<ListEntry>,
}

#[derive(Deserialize)]
pub(super) struct ListEntry {
    pub digest: String,
    #[serde(rename = "mediaType", default)]
    pub media_type: String,
    #[serde(default)]
    pub platform: Option<EntryPlatform>,
}

#[derive(Default, Deserialize)]
pub(super) struct EntryPlatform {
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub architecture: String,
}

/// The child a Legacy import records: the first entry matching each preference in turn, then the first
/// entry. `Err` carries the text OpenShift would report.
pub fn choose_child(body: &[u8], preferences: &[&Platform]) -> Result<(String, String), String> {
    let list: ListBody = serde_json::from_slice(body)
        .map_err(|err| format!("unable to parse manifest list: {err}"))?;
    let pick = preferences
        .iter()
        .find_map(|want| {
            list.manifests.iter().find(|entry| {
                entry
                    .platform
                    .as_ref()
                    .is_some_and(|p| want.matches(&p.os, &p.architecture))
            })
        })
        .or_else(|| list.manifests.first())
        .ok_or_else(|| "manifest list has no manifests".to_owned())?;
    if !is_sha256_digest(&pick.digest) {
        return Err(format!(
            "invalid digest in manifest list: {:?}",
            pick.digest
        ));
    }
    Ok((pick.digest.clone(), pick.media_type.clone()))
}

/// The digests of a list's children, in list order: what a PreserveOriginal import fetches after the
/// list (openshift-apiserver importer.go `importSubManifests`). `Err` carries the text OpenShift would
/// report.
pub fn list_children(body: &[u8]) -> Result<Vec<String>, String> {
    let list: ListBody = serde_json::from_slice(body)
        .map_err(|err| format!("unable to parse manifest list: {err}"))?;
    list.manifests
        .into_iter()
        .map(|entry| {
            if is_sha256_digest(&entry.digest) {
                Ok(entry.digest)
            } else {
                Err(format!(
                    "invalid digest in manifest list: {:?}",
                    entry.digest
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"{"schemaVersion":2,"manifests":[
        {"mediaType":"m1","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
        {"mediaType":"m2","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","platform":{"os":"linux","architecture":"amd64"}},
        {"mediaType":"m3","digest":"sha256:3333333333333333333333333333333333333333333333333333333333333333","platform":{"os":"linux","architecture":"s390x"}}]}"#;

    #[test]
    fn preference_order_then_amd64_then_first() {
        let s390x = Platform::new("linux", "s390x");
        let amd64 = Platform::linux_amd64();
        let windows = Platform::new("windows", "amd64");
        let pick = |prefs: &[&Platform]| choose_child(LIST.as_bytes(), prefs).map(|c| c.1);
        assert_eq!(pick(&[&s390x, &amd64]), Ok("m3".into()));
        assert_eq!(pick(&[&windows, &amd64]), Ok("m2".into()));
        assert_eq!(pick(&[&windows]), Ok("m1".into()));
        let arm_v7 = Platform {
            variant: Some("v7".into()),
            ..Platform::new("linux", "arm64")
        };
        assert_eq!(pick(&[&arm_v7]), Ok("m1".into()), "variant is ignored");
    }

    #[test]
    fn bad_lists_are_errors_not_panics() {
        assert!(choose_child(b"{", &[]).is_err());
        assert!(choose_child(br#"{"manifests":[]}"#, &[]).is_err());
        assert!(choose_child(br#"{"manifests":[{"digest":"md5:x"}]}"#, &[]).is_err());
        assert!(list_children(br#"{"manifests":[{"digest":"md5:x"}]}"#).is_err());
        assert!(list_children(b"[").is_err());
    }

    #[test]
    fn children_in_list_order() {
        let children = list_children(LIST.as_bytes()).expect("children");
        let firsts: Vec<char> = children.iter().map(|d| d.chars().nth(7).unwrap()).collect();
        assert_eq!(firsts, ['1', '2', '3']);
        assert_eq!(list_children(br#"{"manifests":[]}"#), Ok(Vec::new()));
    }

    #[test]
    fn a_body_is_read_as_the_type_it_is_served_as() {
        let image = br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"digest":"sha256:1"},"layers":[]}"#;
        assert_eq!(check_body(DOCKER_SCHEMA2, image), Ok(DOCKER_SCHEMA2.into()));
        // No content type: the body's own media type is the claim.
        assert_eq!(check_body("", image), Ok(DOCKER_SCHEMA2.into()));
        let schema1 = br#"{"schemaVersion":1,"name":"a","tag":"v1","fsLayers":[]}"#;
        assert_eq!(
            check_body("application/json", schema1),
            Ok("application/json".into())
        );
        // Recorded as OpenShift records it, versus never recorded.
        assert!(check_body("text/plain", image).is_err_and(|e| e.recorded()));
        for (claimed, body) in [
            (OCI_INDEX, &image[..]),
            (DOCKER_SCHEMA2, br#"{"schemaVersion":1}"#),
            (
                OCI_MANIFEST,
                br#"{"schemaVersion":2,"config":{"digest":""},"layers":[]}"#,
            ),
            (DOCKER_LIST, b"null"),
        ] {
            assert!(
                !check_body(claimed, body).is_err_and(|e| e.recorded()),
                "{claimed}"
            );
            assert!(check_body(claimed, body).is_err(), "{claimed}");
        }
    }

    #[test]
    fn digest_of_body() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(is_sha256_digest(&sha256_digest(b"x")));
        assert!(!is_sha256_digest("sha256:ABC"));
    }
}
