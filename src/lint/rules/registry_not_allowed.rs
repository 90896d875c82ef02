//! `registry-not-allowed`: a reference names a registry the cluster's `allowedRegistriesForImport`
//! does not allow. Checked as openshift-apiserver pkg/image/apis/image/validation/validation.go
//! `ValidateImageStreamWithWhitelister` checks a stream: spec.dockerImageRepository, DockerImage `from.name`s and status pull specs, each
//! over TLS unless its tag or the stream is insecure (then either port). The reference policy plays
//! no part. An update re-allows references the stored stream already had; a file is checked as the
//! stream would be created.

use crate::cluster::{Transport, Whitelist};
use crate::lint::{Check, Context, Finding, Rule, Severity};
use crate::model::path::FieldPath;
use crate::model::reference::{self, ImageRef};
use crate::model::spec::{DOCKER_IMAGE, INSECURE_REPOSITORY};

pub static RULE: Rule = Rule {
    id: "registry-not-allowed",
    severity: Severity::Error,
    summary: "the cluster's allowedRegistriesForImport does not allow this registry",
    help: "The cluster's Image config (`spec.allowedRegistriesForImport`) lists the registries ImageStreams may name; the API server rejects a stream that names another one, in spec or status. Use an allowed registry (or a mirror of one), or add the registry to the cluster's list. An entry without a port means 443 (80 when `insecure: true`); `*` and `?` are wildcards.",
    example: crate::lint::fixtures!("registry-not-allowed"),
    check: Check::Object(check),
};

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(whitelist) = &cx.options.cluster.whitelist else {
        return;
    };
    let spec = cx.spec();
    let insecure_stream = spec.annotation(INSECURE_REPOSITORY) == Some("true");
    let mut admit = |path: FieldPath, reference: &ImageRef, insecure: bool| {
        forbid(whitelist, out, path, reference, insecure || insecure_stream);
    };
    let repository = spec.docker_image_repository.as_str();
    if !repository.is_empty() && !cx.opaque(repository) {
        // Only a valid repository is checked; the other rules report the rest.
        if let Some(r) = reference::parse(repository)
            .ok()
            .filter(|r| r.tag.is_empty() && r.id.is_empty())
        {
            admit(
                FieldPath::root().key("spec").key("dockerImageRepository"),
                &r,
                false,
            );
        }
    }
    for (tag, path) in cx.spec_tags() {
        let Some(from) = tag.from.as_ref().filter(|f| f.kind == DOCKER_IMAGE) else {
            continue;
        };
        if cx.opaque(&from.name) {
            continue;
        }
        // Upstream checks an empty name as the empty reference (Docker Hub), beside "Required".
        let parsed = match from.name.as_str() {
            "" => Ok(ImageRef::default()),
            name => reference::parse(name),
        };
        if let Ok(r) = parsed {
            admit(path.key("from").key("name"), &r, tag.import_policy.insecure);
        }
    }
    let Some(status) = &cx.view.status else {
        return;
    };
    let base = FieldPath::root().key("status").key("tags");
    for (i, tag) in status.tags.iter().enumerate() {
        let insecure = spec.tag(&tag.tag).is_some_and(|t| t.import_policy.insecure);
        for (j, item) in tag.items.iter().enumerate() {
            let pull_spec = item.docker_image_reference.as_str();
            if pull_spec.is_empty() || cx.opaque(pull_spec) {
                continue;
            }
            if let Ok(r) = reference::parse(pull_spec) {
                let path = base
                    .named(i, &tag.tag)
                    .key("items")
                    .index(j)
                    .key("dockerImageReference");
                admit(path, &r, insecure);
            }
        }
    }
}

fn forbid(
    whitelist: &Whitelist,
    out: &mut Vec<Finding>,
    path: FieldPath,
    reference: &ImageRef,
    insecure: bool,
) {
    if let Err(message) = whitelist.admit(reference, Transport::for_insecure(insecure)) {
        out.push(Finding::at(&RULE, path, format!("Forbidden: {message}")));
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::cluster::{Cluster, whitelist::AllowedRegistry};
    use crate::lint::{Config, LintOptions, lint_loaded};
    use crate::load::{self, Limits};

    /// The stream's findings of this rule: (field path, message).
    fn findings(allowed: &[&str], yaml: &str) -> Vec<(String, String)> {
        let allowed: Vec<AllowedRegistry> = allowed
            .iter()
            .map(|d| AllowedRegistry {
                domain_name: (*d).to_owned(),
                insecure: false,
            })
            .collect();
        let options = LintOptions {
            cluster: Cluster {
                whitelist: Some(super::Whitelist::new(&allowed, None).expect("whitelist")),
                ..Cluster::default()
            },
            ..LintOptions::default()
        };
        let file =
            load::load_bytes(Path::new("is.yaml"), yaml.into(), Limits::default()).expect("loads");
        let mut got: Vec<(String, String)> = lint_loaded(file, &options, &Config::default())
            .expect("an ImageStream file")
            .diagnostics
            .into_iter()
            .filter(|d| d.rule.id == super::RULE.id)
            .map(|d| (d.field, d.message))
            .collect();
        got.sort();
        got
    }

    const HEAD: &str = "apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: bar\n  namespace: foo\n";
    /// Spec tags `secure` (example.com:443/repo) and `insecure` (example.com/repo, insecure), with a
    /// reference policy, as upstream's status cases have them.
    fn two_tags(policy: &str) -> String {
        format!(
            "spec:\n  tags:\n  - name: secure\n    from: {{kind: DockerImage, name: \"example.com:443/repo\"}}\n    referencePolicy: {{type: {policy}}}\n  - name: insecure\n    from: {{kind: DockerImage, name: example.com/repo}}\n    importPolicy: {{insecure: true}}\n    referencePolicy: {{type: {policy}}}\n"
        )
    }
    fn status(tag: &str, refs: &[&str]) -> String {
        let items: String = refs
            .iter()
            .map(|r| format!("    - dockerImageReference: {r:?}\n      image: sha256:aa\n      created: \"2024-01-01T00:00:00Z\"\n      generation: 1\n"))
            .collect();
        format!("status:\n  tags:\n  - tag: {tag}\n    items:\n{items}")
    }

    /// openshift-apiserver pkg/image/apis/image/validation/validation_test.go
    /// `TestValidateImageStreamWithWhitelister` and the create-time half of
    /// `TestValidateImageStreamUpdateWithWhitelister`, case by case.
    #[test]
    fn whitelist_errors_are_the_api_servers() {
        let three = ["example.com", "localhost:5000", "dev.null.io:80"];
        let list3 = "\"example.com:443\", \"localhost:5000\", \"dev.null.io:80\"";
        let forbidden = |host: &str, list: &str| {
            format!("Forbidden: registry {host:?} not allowed by whitelist: {list}")
        };
        let item =
            |tag: &str, i: usize| format!("status.tags[{tag}].items[{i}].dockerImageReference");
        type Case = (
            &'static str,
            Vec<&'static str>,
            String,
            Vec<(String, String)>,
        );
        let cases: Vec<Case> = vec![
            (
                "forbid spec references not on the whitelist",
                three.to_vec(),
                "spec:\n  tags:\n  - name: fail\n    from: {kind: DockerImage, name: registry.ltd/a/b}\n".into(),
                vec![(
                    "spec.tags[fail].from.name".into(),
                    forbidden("registry.ltd", list3),
                )],
            ),
            (
                "forbid status references not on the whitelist - secure",
                three.to_vec(),
                two_tags("Source")
                    + &status(
                        "secure",
                        &[
                            "docker.io/foo/bar:latest",
                            "example.com/bar:latest",
                            "example.com:80/repo:latest",
                            "dev.null.io/myapp",
                            "dev.null.io:80/myapp",
                        ],
                    ),
                vec![
                    (item("secure", 0), forbidden("docker.io", list3)),
                    (item("secure", 2), forbidden("example.com:80", list3)),
                    (item("secure", 3), forbidden("dev.null.io", list3)),
                ],
            ),
            (
                "forbid status references not on the whitelist - insecure",
                three.to_vec(),
                two_tags("Source")
                    + &status(
                        "insecure",
                        &[
                            "localhost:5000/baz:latest",
                            "example.com:80/bar:latest",
                            "registry.ltd/repo:latest",
                            "dev.null.io/myapp",
                            "dev.null.io:80/myapp",
                        ],
                    ),
                vec![
                    (item("insecure", 1), forbidden("example.com:80", list3)),
                    (item("insecure", 2), forbidden("registry.ltd", list3)),
                ],
            ),
            (
                "forbid status references not on the whitelist",
                three.to_vec(),
                two_tags("Source")
                    + &status(
                        "securebydefault",
                        &["localhost/repo:latest", "example.com:443/bar:latest", "example.com/repo:latest"],
                    ),
                vec![(item("securebydefault", 0), forbidden("localhost", list3))],
            ),
            (
                "local reference policy does not matter",
                three.to_vec(),
                two_tags("Local")
                    + &status(
                        "securebydefault",
                        &["localhost/repo:latest", "example.com:443/bar:latest", "example.com/repo:latest"],
                    ),
                vec![(item("securebydefault", 0), forbidden("localhost", list3))],
            ),
            (
                "whitelisted repository",
                vec!["example.com"],
                "spec:\n  dockerImageRepository: example.com/openshift/origin\n".into(),
                vec![],
            ),
            (
                "not whitelisted repository",
                vec!["*.example.com"],
                "spec:\n  dockerImageRepository: example.com/openshift/origin\n".into(),
                vec![(
                    "spec.dockerImageRepository".into(),
                    forbidden("example.com", "\"*.example.com:443\""),
                )],
            ),
            (
                "no old references",
                vec!["docker.io", "example.com"],
                "spec:\n  tags:\n  - name: latest\n    from: {kind: DockerImage, name: example.com/repo}\n".to_string()
                    + &status("latest", &["example.com"]),
                vec![],
            ),
            (
                "report not whitelisted",
                vec!["docker.io"],
                "spec:\n  tags:\n  - name: fail\n    from: {kind: DockerImage, name: example.com/repo}\n  - name: ok\n    from: {kind: DockerImage, name: docker.io/busybox}\nstatus:\n  tags:\n  - tag: fail\n    items:\n    - {dockerImageReference: \"example.com/repo@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25\", image: sha256:aa, created: \"2024-01-01T00:00:00Z\", generation: 1}\n  - tag: ok\n    items:\n    - {dockerImageReference: \"docker.io/library/busybox:latest\", image: sha256:aa, created: \"2024-01-01T00:00:00Z\", generation: 1}\n".into(),
                vec![
                    ("spec.tags[fail].from.name".into(), forbidden("example.com", "\"docker.io:443\"")),
                    (item("fail", 0), forbidden("example.com", "\"docker.io:443\"")),
                ],
            ),
            (
                "forbid not whitelisted dockerImageRepository",
                vec!["docker.io"],
                "spec:\n  dockerImageRepository: example.com/my/newapp\n".into(),
                vec![(
                    "spec.dockerImageRepository".into(),
                    forbidden("example.com", "\"docker.io:443\""),
                )],
            ),
            (
                "an insecure tag may use either default port, not another",
                vec!["dev.null.io:80"],
                "spec:\n  tags:\n  - name: a\n    from: {kind: DockerImage, name: dev.null.io/app}\n    importPolicy: {insecure: true}\n  - name: b\n    from: {kind: DockerImage, name: \"dev.null.io:443/app\"}\n    importPolicy: {insecure: true}\n".into(),
                vec![(
                    "spec.tags[b].from.name".into(),
                    forbidden("dev.null.io:443", "\"dev.null.io:80\""),
                )],
            ),
        ];
        for (name, allowed, body, mut want) in cases {
            let yaml = format!("{HEAD}{body}");
            want.sort();
            assert_eq!(findings(&allowed, &yaml), want, "{name}");
        }
        // The stream annotation makes every reference insecure: either port passes.
        let insecure = format!(
            "{}  annotations:\n    openshift.io/image.insecureRepository: \"true\"\nspec:\n  tags:\n  - name: b\n    from: {{kind: DockerImage, name: \"dev.null.io/app\"}}\n",
            HEAD
        );
        assert_eq!(findings(&["dev.null.io:80"], &insecure), vec![]);
        assert_eq!(
            findings(
                &["dev.null.io:80"],
                &insecure.replace("\"true\"", "\"false\"")
            ),
            vec![(
                "spec.tags[b].from.name".into(),
                forbidden("dev.null.io", "\"dev.null.io:80\"")
            )]
        );
    }
}
