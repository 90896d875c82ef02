//! A YAML file that starts with a byte-order mark is written like any other, and keeps its mark.

mod support;

use support::cli::{run, streamlock};
use support::faults::{Action, Request, ThreadServer};
use support::images::sha256;

const MANIFEST: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"#;

#[test]
#[ignore = "BOM write: fixed by the edit-engine change"]
fn a_file_with_a_byte_order_mark_is_written_and_keeps_it() {
    let server = ThreadServer::start(|r: &Request| match r.path.as_str() {
        "/v2/" => Action::status(200),
        _ => Action::manifest(
            "application/vnd.docker.distribution.manifest.v2+json",
            MANIFEST,
            Some(&sha256(MANIFEST)),
        ),
    });
    let home = tempfile::tempdir().expect("home");
    let repo = tempfile::tempdir().expect("repo");
    let file = repo.path().join("s.yaml");
    let text = format!(
        "\u{feff}apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: s\n  namespace: team\nspec:\n  tags:\n  - name: v1\n    from:\n      kind: DockerImage\n      name: {}/team/app:v1\n",
        server.addr
    );
    std::fs::write(&file, &text).expect("write");
    let out = run(streamlock(home.path()).current_dir(repo.path()).args([
        "import",
        "--write",
        "--insecure-registry",
        &server.addr,
        "s.yaml",
    ]));
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    let written = std::fs::read_to_string(&file).expect("read");
    assert!(
        written.starts_with(&text),
        "the mark and the spec are kept: {written:?}"
    );
    assert!(
        written.contains(&format!("image: {}", sha256(MANIFEST))),
        "{written}"
    );
}
