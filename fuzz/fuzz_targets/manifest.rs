//! A registry's manifest answer: the first byte picks the content type the server claims, the rest is
//! the body. `check_body` accepts only a body of the type claimed, and then the Legacy importer's
//! choice of a list child never panics and names a sha256 digest.

#![no_main]

use libfuzzer_sys::fuzz_target;
use streamlock::registry::parsers::{check_body, choose_child};
use streamlock::registry::{DOCKER_LIST, DOCKER_SCHEMA2, OCI_INDEX, OCI_MANIFEST, Platform};

const CLAIMS: [&str; 8] = [
    DOCKER_SCHEMA2,
    DOCKER_LIST,
    OCI_MANIFEST,
    OCI_INDEX,
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/json",
    "",
    "application/vnd.oci.artifact.manifest.v1+json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let claimed = CLAIMS[usize::from(pick) % CLAIMS.len()];
    let Ok(media_type) = check_body(claimed, body) else {
        return;
    };
    assert!(
        claimed.is_empty() || media_type == claimed,
        "served as {claimed:?}, accepted as {media_type:?}"
    );
    assert!(!media_type.is_empty(), "accepted without a type");
    if media_type == DOCKER_LIST || media_type == OCI_INDEX {
        let amd64 = Platform::linux_amd64();
        if let Ok((digest, _)) = choose_child(body, &[&amd64]) {
            assert!(
                digest.len() == 71 && digest.starts_with("sha256:"),
                "child {digest:?}"
            );
        }
    }
});
