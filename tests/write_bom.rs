//! A YAML file that starts with a byte-order mark is written like any other, and keeps its mark.

mod support;

use support::cli::{run, streamlock};
use support::faults::{MANIFEST, ThreadServer};
use support::images::sha256;

#[test]
fn a_file_with_a_byte_order_mark_is_written_and_keeps_it() {
    let server = ThreadServer::every_tag();
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
