//! Reads mirror rules from OpenShift's ImageDigestMirrorSet and ImageTagMirrorSet manifests
//! (config.openshift.io/v1) and the older ImageContentSourcePolicy (operator.openshift.io/v1alpha1),
//! as a disconnected cluster's configuration has them. Any number of objects per file, any shape the
//! loader reads (multi-document, List).

use std::path::Path;

use super::mirrors::{MirrorKind, MirrorRule};
use crate::load::{self, Limits, Node};

/// Every rule in `path`, or a message naming the file and the place that is wrong.
pub fn read(path: &Path) -> Result<Vec<MirrorRule>, String> {
    let shown = path.display();
    let file =
        load::load_file(path, Limits::default()).map_err(|e| format!("{shown}: {}", e.message))?;
    if let Some(e) = &file.parsed.error {
        let at = file.source.position(e.span.start);
        return Err(format!("{shown}:{}:{}: {}", at.line, at.column, e.message));
    }
    let mut rules = Vec::new();
    let mut found = 0;
    for object in file
        .parsed
        .documents
        .iter()
        .filter_map(|d| d.root.as_ref())
        .flat_map(objects)
    {
        let (list, kind) = match object.get("kind").and_then(Node::as_str) {
            Some("ImageDigestMirrorSet") => ("imageDigestMirrors", MirrorKind::Digest),
            Some("ImageTagMirrorSet") => ("imageTagMirrors", MirrorKind::Tag),
            Some("ImageContentSourcePolicy") => ("repositoryDigestMirrors", MirrorKind::Digest),
            _ => continue,
        };
        found += 1;
        let entries = object
            .get("spec")
            .and_then(|s| s.get(list))
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for entry in entries {
            let place = file.source.position(entry.span.start);
            let source = entry
                .get("source")
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    format!(
                        "{shown}:{}:{}: spec.{list}[] needs a `source`",
                        place.line, place.column
                    )
                })?;
            let mirrors: Vec<String> = entry
                .get("mirrors")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::as_str)
                .map(|m| m.trim_end_matches('/').to_string())
                .collect();
            let policy = entry
                .get("mirrorSourcePolicy")
                .and_then(Node::as_str)
                .unwrap_or("");
            rules.push(MirrorRule {
                source: source.trim_end_matches('/').to_string(),
                mirrors,
                applies_to: kind,
                never_contact_source: policy == "NeverContactSource",
            });
        }
    }
    if found == 0 {
        return Err(format!(
            "{shown}: no ImageDigestMirrorSet, ImageTagMirrorSet or ImageContentSourcePolicy found"
        ));
    }
    Ok(rules)
}

/// The object itself, or the items of a List.
pub fn objects(node: &Node) -> Vec<&Node> {
    match node.get("items").and_then(Node::as_seq) {
        Some(items)
            if node
                .get("kind")
                .and_then(Node::as_str)
                .is_some_and(|k| k.ends_with("List")) =>
        {
            items.iter().collect()
        }
        _ => vec![node],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_all_three_kinds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mirrors.yaml");
        std::fs::write(
            &path,
            "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nmetadata:\n  name: a\nspec:\n  imageDigestMirrors:\n  - source: registry.redhat.io/ubi9\n    mirrors:\n    - mirror.local:5000/ubi9\n    mirrorSourcePolicy: NeverContactSource\n---\n\
             apiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nmetadata:\n  name: b\nspec:\n  imageTagMirrors:\n  - source: quay.io\n    mirrors: [mirror.local:5000/quay, backup.local/quay/]\n---\n\
             apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\nmetadata:\n  name: c\nspec:\n  repositoryDigestMirrors:\n  - source: docker.io/library\n    mirrors: [mirror.local:5000/hub]\n",
        )
        .expect("write");
        let rules = read(&path).expect("rules");
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0].applies_to, MirrorKind::Digest);
        assert!(rules[0].never_contact_source);
        assert_eq!(
            rules[1].mirrors,
            vec!["mirror.local:5000/quay", "backup.local/quay"]
        );
        assert_eq!(rules[1].applies_to, MirrorKind::Tag);
        assert!(!rules[1].never_contact_source);
        assert_eq!(rules[2].source, "docker.io/library");
    }

    #[test]
    fn names_the_file_and_place_of_a_bad_entry() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("m.yaml");
        std::fs::write(
            &path,
            "kind: ImageTagMirrorSet\nspec:\n  imageTagMirrors:\n  - mirrors: [x]\n",
        )
        .expect("write");
        let err = read(&path).expect_err("no source");
        assert!(
            err.ends_with("m.yaml:4:5: spec.imageTagMirrors[] needs a `source`"),
            "{err}"
        );
        std::fs::write(&path, "kind: ConfigMap\n").expect("write");
        assert!(
            read(&path)
                .expect_err("nothing")
                .contains("no ImageDigestMirrorSet")
        );
    }
}
