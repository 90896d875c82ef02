//! OpenShift's image reference grammar, checked against facts read from library-go's and
//! distribution's source and tests (expected values written by hand, not computed).

use proptest::prelude::*;
use streamlock::model::reference::{
    FromNameError, ImageRef, RefError, parse, parse_normalized, split_stream_image,
    split_stream_tag,
};

/// A valid sha256 digest; `$D` in a table input stands for it.
const D: &str = "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25";
const HEX64: &str = "3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25";

const FORMAT: &str = "invalid reference format";
const LOWER: &str = "repository name must be lowercase";
const LONG: &str = "repository name must not be more than 255 characters";
const EMPTY: &str = "repository name must have at least one component";
const DIGEST_FORMAT: &str = "invalid checksum digest format";
const DIGEST_LENGTH: &str = "invalid checksum digest length";
const ALGORITHM: &str = "unsupported digest algorithm";

/// Expected `[registry, namespace, name, tag, id]` (with `$D` expanded) or the error text.
type Expected = Result<[&'static str; 5], &'static str>;

#[rustfmt::skip]
const CASES: &[(&str, Expected)] = &[
    // Names without a registry.
    ("foo", Ok(["", "", "foo", "", ""])),
    ("foo:tag", Ok(["", "", "foo", "tag", ""])),
    ("foo@$D", Ok(["", "", "foo", "", "$D"])),
    ("foo:tag@$D", Ok(["", "", "foo", "tag", "$D"])),
    ("wildfly:15.0", Ok(["", "", "wildfly", "15.0", ""])),
    ("bar/foo", Ok(["", "bar", "foo", "", ""])),
    ("bar/foo:tag", Ok(["", "bar", "foo", "tag", ""])),
    ("bar/foo@$D", Ok(["", "bar", "foo", "", "$D"])),
    ("bar/foo/baz", Ok(["", "bar", "foo/baz", "", ""])),
    ("bar/library/baz", Ok(["", "bar", "library/baz", "", ""])),
    ("bar/foo/baz/biz:1.0", Ok(["", "bar", "foo/baz/biz", "1.0", ""])),
    ("0/1", Ok(["", "0", "1", "", ""])),
    // `sha256:<hex>` alone is a name and a tag, not a digest.
    ("sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25",
        Ok(["", "", "sha256", "3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", ""])),
    // Separators inside a path component: one `.`, one or two `_`, any number of `-`.
    ("a-b", Ok(["", "", "a-b", "", ""])),
    ("a--b", Ok(["", "", "a--b", "", ""])),
    ("a---------b", Ok(["", "", "a---------b", "", ""])),
    ("a__b", Ok(["", "", "a__b", "", ""])),
    ("a_b-c__d", Ok(["", "", "a_b-c__d", "", ""])),
    ("ns/a.b_c", Ok(["", "ns", "a.b_c", "", ""])),
    ("foo_bar/baz", Ok(["", "foo_bar", "baz", "", ""])),
    ("a___b", Err(FORMAT)),
    ("a._b", Err(FORMAT)),
    ("ns/a.-b", Err(FORMAT)),
    ("ns/a..b", Err(FORMAT)),
    ("-a", Err(FORMAT)),
    ("a-", Err(FORMAT)),
    ("_a", Err(FORMAT)),
    ("ns/a_", Err(FORMAT)),
    // Registries: a first component with `.` or `:`, or exactly `localhost`.
    ("bar:5000/foo/baz", Ok(["bar:5000", "foo", "baz", "", ""])),
    ("bar:5000/library/baz", Ok(["bar:5000", "library", "baz", "", ""])),
    ("bar:5000/baz", Ok(["bar:5000", "", "baz", "", ""])),
    ("bar:5000/foo/baz:tag", Ok(["bar:5000", "foo", "baz", "tag", ""])),
    ("bar:5000/foo/baz@$D", Ok(["bar:5000", "foo", "baz", "", "$D"])),
    ("myregistry.io/foo", Ok(["myregistry.io", "", "foo", "", ""])),
    ("quay.io/org/app/sub@$D", Ok(["quay.io", "org", "app/sub", "", "$D"])),
    ("localhost/bar", Ok(["localhost", "", "bar", "", ""])),
    ("localhost:5000/org/app:v1", Ok(["localhost:5000", "org", "app", "v1", ""])),
    ("localhostfoo/bar", Ok(["", "localhostfoo", "bar", "", ""])),
    ("docker.io/library/myapp", Ok(["docker.io", "library", "myapp", "", ""])),
    ("docker.io/myapp", Ok(["docker.io", "", "myapp", "", ""])),
    ("docker.io/user/project/myapp", Ok(["docker.io", "user", "project/myapp", "", ""])),
    ("index.docker.io/bar", Ok(["index.docker.io", "", "bar", "", ""])),
    ("1.2.3.4:5000/a/b", Ok(["1.2.3.4:5000", "a", "b", "", ""])),
    ("my-registry.example.com:443/a/b:c", Ok(["my-registry.example.com:443", "a", "b", "c", ""])),
    ("Quay.IO/org/app", Ok(["Quay.IO", "org", "app", "", ""])),
    // An upper-case first component parses as a host, yet has no `.`/`:`: a namespace.
    ("Foo/bar", Ok(["", "Foo", "bar", "", ""])),
    ("FOO-1/bar:x", Ok(["", "FOO-1", "bar", "x", ""])),
    ("host-/a", Err(FORMAT)),
    ("-host.io/a", Err(FORMAT)),
    ("host..io/a", Err(FORMAT)),
    ("host:/a", Err(FORMAT)),
    ("host:abc/a", Err(FORMAT)),
    ("host:1:2/a", Err(FORMAT)),
    // Not a host name, but a path component with a dot: a registry all the same.
    ("host_x.io/a", Ok(["host_x.io", "", "a", "", ""])),
    // No IPv6 literals.
    ("[::1]:5000/repo", Err(FORMAT)),
    ("[::1]/repo", Err(FORMAT)),
    ("[2001:db8::1]:5000/repo:tag", Err(FORMAT)),
    // Registry-only: a lone component with a `.` or starting with `localhost`; the whole spec is
    // the registry, no tag is kept, an id is.
    ("quay.io", Ok(["quay.io", "", "", "", ""])),
    ("localhost", Ok(["localhost", "", "", "", ""])),
    ("localhost:5000", Ok(["localhost:5000", "", "", "", ""])),
    ("localhostfoo", Ok(["localhostfoo", "", "", "", ""])),
    ("python3.9:latest", Ok(["python3.9:latest", "", "", "", ""])),
    ("foo.bar:5000", Ok(["foo.bar:5000", "", "", "", ""])),
    ("quay.io@$D", Ok(["quay.io@$D", "", "", "", "$D"])),
    ("quay.io:tag@$D", Ok(["quay.io:tag@$D", "", "", "", "$D"])),
    // Upper case: tags may have it; paths may not (the error says so when lower case would parse).
    ("foo:TAG_1", Ok(["", "", "foo", "TAG_1", ""])),
    ("Foo", Err(LOWER)),
    ("foo/Bar", Err(LOWER)),
    ("FOO/BAR", Err(LOWER)),
    ("registry:3000/integration/imageStream:success", Err(LOWER)),
    ("Foo@SHA256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", Err(LOWER)),
    ("\u{212A}ube", Err(LOWER)),
    ("\u{130}mage", Err(LOWER)),
    ("\u{C9}cole", Err(FORMAT)),
    ("f\u{f6}o", Err(FORMAT)),
    // Tags: `[\w][\w.-]{0,127}`.
    ("foo:_tag", Ok(["", "", "foo", "_tag", ""])),
    ("foo:v1.0-rc_1", Ok(["", "", "foo", "v1.0-rc_1", ""])),
    ("foo:.tag", Err(FORMAT)),
    ("foo:-tag", Err(FORMAT)),
    ("foo:ta/g", Err(FORMAT)),
    ("foo:tag:tag", Err(FORMAT)),
    ("foo:t+g", Err(FORMAT)),
    (":tag", Err(FORMAT)),
    ("foo:", Err(FORMAT)),
    // Digests: the pattern, then library-go's algorithm and length check; upper-case hex passes.
    ("foo@sha256:3C87C572822935DF60F0F5D3665BD376841A7FCFEB806B5F212DE6A00E9A7B25",
        Ok(["", "", "foo", "", "sha256:3C87C572822935DF60F0F5D3665BD376841A7FCFEB806B5F212DE6A00E9A7B25"])),
    ("foo@sha384:000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        Ok(["", "", "foo", "", "sha384:000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"])),
    ("foo@sha512:00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        Ok(["", "", "foo", "", "sha512:00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"])),
    ("registry:5000/integration/test-image-stream@sha256:00000000000000000000000000000001", Err(DIGEST_LENGTH)),
    ("foo@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b2", Err(DIGEST_LENGTH)),
    ("foo@sha384:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", Err(DIGEST_LENGTH)),
    ("foo@md5:00000000000000000000000000000000", Err(ALGORITHM)),
    ("foo@SHA256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", Err(ALGORITHM)),
    ("foo@sha256+b64:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", Err(ALGORITHM)),
    ("foo@sha256:0000000000000000000000000000000", Err(FORMAT)),
    ("foo@sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b2g", Err(FORMAT)),
    ("foo@1sha:00000000000000000000000000000000", Err(FORMAT)),
    ("foo@sha--256:00000000000000000000000000000000", Err(FORMAT)),
    ("abc@badid", Err(FORMAT)),
    ("index.docker.io/mysql@sha256:bad", Err(FORMAT)),
    ("foo@sha256:", Err(FORMAT)),
    ("foo@", Err(FORMAT)),
    ("foo@$D@$D", Err(FORMAT)),
    ("@$D", Err(FORMAT)),
    // Not references at all.
    ("", Err(EMPTY)),
    (" foo", Err(FORMAT)),
    ("foo ", Err(FORMAT)),
    ("foo bar", Err(FORMAT)),
    ("foo\n", Err(FORMAT)),
    ("\t", Err(FORMAT)),
    ("foo/", Err(FORMAT)),
    ("/foo", Err(FORMAT)),
    ("bar/foo/baz////biz", Err(FORMAT)),
    ("//foo/baz/biz", Err(FORMAT)),
    ("registry.io/foo/bar/:Tag", Err(FORMAT)),
    ("https://bar:5000/foo/baz", Err(FORMAT)),
    ("ftp://baz/baz/biz", Err(FORMAT)),
    ("*", Err(FORMAT)),
    ("${IMAGE}", Err(FORMAT)),
    ("quay.io/org/app:${TAG}", Err(FORMAT)),
];

fn expand(s: &str) -> String {
    s.replace("$D", D)
}

fn fields(r: &ImageRef) -> [&str; 5] {
    [&r.registry, &r.namespace, &r.name, &r.tag, &r.id]
}

#[test]
fn table() {
    assert!(CASES.len() >= 80, "{} cases", CASES.len());
    let mut failures = Vec::new();
    for (input, expected) in CASES {
        let input = expand(input);
        let got = parse(&input);
        let ok = match (expected, &got) {
            (Ok(want), Ok(r)) => want.map(expand) == fields(r).map(str::to_owned),
            (Err(text), Err(e)) => e.to_string() == *text,
            _ => false,
        };
        if !ok {
            failures.push(format!("{input:?}: want {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn length_limit_counts_the_whole_name_with_registry() {
    let at_limit = format!("bar:5000/{}/{}:tag", "a".repeat(63), "b".repeat(182));
    let r = parse(&at_limit).unwrap();
    assert_eq!(r.name, "b".repeat(182));
    let over = format!("bar:5000/{}/{}:tag", "a".repeat(63), "b".repeat(183));
    assert_eq!(parse(&over).unwrap_err().to_string(), LONG);

    assert!(parse(&"a".repeat(255)).is_ok());
    assert_eq!(parse(&"a".repeat(256)).unwrap_err().to_string(), LONG);
    // The tag and digest do not count.
    assert!(parse(&format!("{}:{}@{D}", "a".repeat(255), "t".repeat(128))).is_ok());
    // Registry-only references are measured too.
    assert_eq!(
        parse(&format!("a.{}", "b".repeat(254)))
            .unwrap_err()
            .to_string(),
        LONG
    );
    // Length is checked before the digest.
    let bad_digest = format!("{}@sha256:{}", "a".repeat(256), "0".repeat(32));
    assert_eq!(parse(&bad_digest).unwrap_err().to_string(), LONG);
}

#[test]
fn tag_length_limit() {
    assert!(parse(&format!("foo:{}", "t".repeat(128))).is_ok());
    assert_eq!(
        parse(&format!("foo:{}", "t".repeat(129)))
            .unwrap_err()
            .to_string(),
        FORMAT
    );
}

#[test]
fn exact_round_trips_canonical_specs() {
    for s in [
        "foo",
        "foo:tag",
        "foo@$D",
        "bar/foo:1.0",
        "bar/foo/baz/biz",
        "Foo/bar",
        "localhostfoo/bar:x",
        "localhost/bar",
        "localhost:5000/a/b/c@$D",
        "docker.io/mysql:8",
        "docker.io/library/mysql",
        "index.docker.io/a/b",
        "registry.redhat.io/ubi9/ubi-minimal:9.4",
        "quay.io/org/app/sub@$D",
        "1.2.3.4:5000/a--b/c__d",
        "sha256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25",
    ] {
        let s = expand(s);
        assert_eq!(parse(&s).unwrap().exact(), s);
    }
}

#[test]
fn exact_prints_only_what_is_set() {
    // The digest wins over the tag.
    assert_eq!(
        parse(&expand("a/b:tag@$D")).unwrap().exact(),
        expand("a/b@$D")
    );
    // Registry-only references have no name to print.
    assert_eq!(parse("quay.io").unwrap().exact(), "");
    assert_eq!(parse(&expand("quay.io@$D")).unwrap().exact(), "");
    // An id that is not a digest is a v1 image id, printed like a tag.
    let v1 = ImageRef {
        name: "foo".into(),
        tag: "t".into(),
        id: "abc123".into(),
        ..ImageRef::default()
    };
    assert_eq!(v1.exact(), "foo:abc123");
}

#[test]
fn display_adds_library_on_docker_hub_only() {
    let shown = |s: &str| parse(s).unwrap().to_string();
    assert_eq!(shown("docker.io/mysql:8"), "docker.io/library/mysql:8");
    assert_eq!(
        shown("index.docker.io/mysql"),
        "index.docker.io/library/mysql"
    );
    assert_eq!(
        shown("registry-1.docker.io/mysql"),
        "registry-1.docker.io/library/mysql"
    );
    assert_eq!(shown("docker.io/bitnami/redis"), "docker.io/bitnami/redis");
    // No registry is not Docker Hub for `String()`.
    assert_eq!(shown("mysql:8"), "mysql:8");
    assert_eq!(shown("quay.io/mysql"), "quay.io/mysql");
    assert_eq!(shown("quay.io"), "");
}

#[test]
fn docker_client_defaults() {
    let defaults = |s: &str| parse(&expand(s)).unwrap().docker_client_defaults();
    assert_eq!(
        fields(&defaults("foo")),
        ["docker.io", "library", "foo", "latest", ""]
    );
    assert_eq!(
        fields(&defaults("user/foo:1")),
        ["docker.io", "user", "foo", "1", ""]
    );
    assert_eq!(
        fields(&defaults("index.docker.io/foo")),
        ["index.docker.io", "library", "foo", "latest", ""]
    );
    assert_eq!(
        fields(&defaults("registry-1.docker.io/foo")),
        ["registry-1.docker.io", "library", "foo", "latest", ""]
    );
    assert_eq!(
        fields(&defaults("quay.io/foo")),
        ["quay.io", "", "foo", "latest", ""]
    );
    assert_eq!(
        fields(&defaults("foo@$D")),
        ["docker.io", "library", "foo", "latest", D]
    );
    assert_eq!(defaults("foo").repository(), "library/foo");
}

#[test]
fn as_v2_maps_docker_hub_aliases_to_the_v2_host() {
    let v2 = |s: &str| parse(s).unwrap().as_v2().registry;
    assert_eq!(v2("docker.io/a"), "registry-1.docker.io");
    assert_eq!(v2("index.docker.io/a"), "registry-1.docker.io");
    assert_eq!(v2("registry-1.docker.io/a"), "registry-1.docker.io");
    assert_eq!(v2("quay.io/a"), "quay.io");
    assert_eq!(v2("a"), "");
}

#[test]
fn most_specific_prefers_a_valid_digest() {
    let r = parse(&expand("a/b:tag@$D")).unwrap().most_specific();
    assert_eq!((r.tag.as_str(), r.id.as_str()), ("", D));
    assert_eq!(r.exact(), expand("a/b@$D"));

    let tagged = parse("a/b:tag").unwrap();
    assert_eq!(tagged.most_specific(), tagged);

    let v1 = |tag: &str| ImageRef {
        name: "b".into(),
        tag: tag.into(),
        id: "abc123".into(),
        ..ImageRef::default()
    };
    assert_eq!(fields(&v1("").most_specific()), ["", "", "b", "abc123", ""]);
    assert_eq!(v1("t").most_specific(), v1("t"));
}

#[test]
fn repository_is_the_v2_path() {
    let repo = |s: &str| parse(s).unwrap().repository();
    assert_eq!(repo("quay.io/a/b/c:1"), "a/b/c");
    assert_eq!(repo("quay.io/a:1"), "a");
    assert_eq!(repo(&expand("foo@$D")), "foo");
    assert_eq!(repo("localhost:5000"), "");
}

#[test]
fn is_docker_hub_matches_the_three_names_exactly() {
    let hub = |registry: &str| {
        ImageRef {
            registry: registry.into(),
            ..ImageRef::default()
        }
        .is_docker_hub()
    };
    assert!(hub("docker.io") && hub("index.docker.io") && hub("registry-1.docker.io"));
    assert!(!hub("") && !hub("Docker.io") && !hub("docker.io:443") && !hub("quay.io"));
}

#[test]
fn normalized_is_what_the_importer_names_in_failures() {
    let normalized = |s: &str| {
        parse(&expand(s))
            .unwrap()
            .normalized()
            .map_err(|e| e.to_string())
    };
    let ok = |s: &str| Ok(expand(s));
    // Upstream's importer test expects exactly this for `test`.
    assert_eq!(normalized("test"), ok("docker.io/library/test:latest"));
    assert_eq!(normalized("mysql:8"), ok("docker.io/library/mysql:8"));
    assert_eq!(
        normalized("docker.io/mysql:8"),
        ok("docker.io/library/mysql:8")
    );
    assert_eq!(
        normalized("index.docker.io/mysql"),
        ok("docker.io/library/mysql:latest")
    );
    assert_eq!(
        normalized("bitnami/redis:7"),
        ok("docker.io/bitnami/redis:7")
    );
    // Only index.docker.io is folded; the v2 host is a registry like any other.
    assert_eq!(
        normalized("registry-1.docker.io/mysql"),
        ok("registry-1.docker.io/mysql:latest")
    );
    assert_eq!(normalized("quay.io/a/b/c:1"), ok("quay.io/a/b/c:1"));
    assert_eq!(
        normalized("localhost:5000/a"),
        ok("localhost:5000/a:latest")
    );
    // A digest is looked up by digest: the tag goes.
    assert_eq!(normalized("mysql:8@$D"), ok("docker.io/library/mysql@$D"));
    // distribution reads an upper-case first component as a registry.
    assert_eq!(normalized("Foo/bar:1"), ok("Foo/bar:1"));
    // What the importer cannot name, it reports as a parse failure.
    assert_eq!(normalized("quay.io"), Err(FORMAT.into()));
    assert_eq!(normalized(&"a".repeat(240)), Err(LONG.into()));
    assert_eq!(
        normalized(&format!("foo@sha256:{}", HEX64.to_uppercase())),
        Err(DIGEST_FORMAT.into())
    );
}

/// A reference written out, or an error text.
type Outcome = Result<&'static str, &'static str>;

/// Where OpenShift's grammar and distribution's `ParseNormalizedNamed` (what docker and podman use)
/// disagree: `(input, OpenShift, distribution)`. OpenShift's column is the pull spec with the docker
/// client's defaults (empty for a registry-only reference), distribution's its normalized form; each
/// is a string or an error text. `$240` stands for 240 `a`s.
#[rustfmt::skip]
const DIFFERENCES: &[(&str, Outcome, Outcome)] = &[
    ("[::1]:5000/repo", Err(FORMAT), Ok("[::1]:5000/repo")),
    ("[fe80::1]/repo:1", Err(FORMAT), Ok("[fe80::1]/repo:1")),
    // Registry-only for OpenShift, an official Docker Hub image for distribution.
    ("quay.io", Ok(""), Ok("docker.io/library/quay.io")),
    ("localhost", Ok(""), Ok("docker.io/library/localhost")),
    ("localhost:5000", Ok(""), Ok("docker.io/library/localhost:5000")),
    ("localhostfoo", Ok(""), Ok("docker.io/library/localhostfoo")),
    ("python3.9:latest", Ok(""), Ok("docker.io/library/python3.9:latest")),
    ("foo.bar:5000", Ok(""), Ok("docker.io/library/foo.bar:5000")),
    // A Docker Hub namespace for OpenShift, a registry host for distribution.
    ("Foo/bar", Ok("docker.io/Foo/bar:latest"), Ok("Foo/bar")),
    ("FOO-1/bar:x", Ok("docker.io/FOO-1/bar:x"), Ok("FOO-1/bar:x")),
    // 64 hex digits are an image ID to distribution.
    ("3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25",
        Ok("docker.io/library/3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25:latest"),
        Err("invalid repository name (3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25), cannot specify 64-byte hexadecimal strings")),
    // go-digest wants lower-case hex and reads an upper-case algorithm as malformed.
    ("foo@sha256:3C87C572822935DF60F0F5D3665BD376841A7FCFEB806B5F212DE6A00E9A7B25",
        Ok("docker.io/library/foo@sha256:3C87C572822935DF60F0F5D3665BD376841A7FCFEB806B5F212DE6A00E9A7B25"),
        Err(DIGEST_FORMAT)),
    ("foo:1@SHA256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", Err(ALGORITHM), Err(DIGEST_FORMAT)),
    // Without a tag, distribution's lower-case check runs up to the digest's `:`.
    ("foo@SHA256:3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25", Err(ALGORITHM),
        Err("invalid reference format: repository name (library/foo@SHA256) must be lowercase")),
    // distribution counts the `docker.io/library/` it adds in the 255.
    ("$240", Ok("docker.io/library/$240:latest"), Err(LONG)),
    // The same upper case, told differently.
    ("FOO", Err(LOWER), Err("invalid reference format: repository name (library/FOO) must be lowercase")),
    ("Foo/Bar", Err(LOWER), Err("invalid reference format: repository name (Bar) must be lowercase")),
    ("ns/Foo:1", Err(LOWER), Err("invalid reference format: repository name (ns/Foo) must be lowercase")),
];

#[test]
fn differences_from_distribution() {
    let long = "a".repeat(240);
    let expand = |s: &str| s.replace("$240", &long);
    for (input, openshift, distribution) in DIFFERENCES {
        let input = expand(input);
        let want = |r: &Outcome| r.map(expand).map_err(str::to_owned);
        let got_openshift = parse(&input)
            .map(|r| r.docker_client_defaults().to_string())
            .map_err(|e| e.to_string());
        let got_distribution = parse_normalized(&input).map_err(|e| e.to_string());
        assert_eq!(got_openshift, want(openshift), "OpenShift on {input:?}");
        assert_eq!(
            got_distribution,
            want(distribution),
            "distribution on {input:?}"
        );
    }
}

#[test]
fn parse_normalized_agrees_on_ordinary_references() {
    for (input, want) in [
        ("mysql", "docker.io/library/mysql"),
        ("mysql:8", "docker.io/library/mysql:8"),
        ("bitnami/redis", "docker.io/bitnami/redis"),
        ("docker.io/mysql", "docker.io/library/mysql"),
        ("index.docker.io/user/app:1", "docker.io/user/app:1"),
        ("localhost/app", "localhost/app"),
        ("quay.io/a/b:1", "quay.io/a/b:1"),
    ] {
        assert!(parse(input).is_ok(), "{input}");
        assert_eq!(parse_normalized(input).as_deref(), Ok(want), "{input}");
    }
    assert_eq!(parse_normalized("").unwrap_err().to_string(), FORMAT);
    assert_eq!(
        parse_normalized("foo@md5:00000000000000000000000000000000")
            .unwrap_err()
            .to_string(),
        ALGORITHM
    );
    assert_eq!(
        parse_normalized(&format!("foo@sha512:{HEX64}"))
            .unwrap_err()
            .to_string(),
        DIGEST_LENGTH
    );
}

#[test]
fn stream_tag_and_image_names() {
    assert_eq!(split_stream_tag("latest"), Ok((None, "latest")));
    assert_eq!(split_stream_tag("ruby:2.7"), Ok((Some("ruby"), "2.7")));
    // Empty parts are the strategy's business, not the split's.
    assert_eq!(split_stream_tag(""), Ok((None, "")));
    assert_eq!(split_stream_tag(":tag"), Ok((Some(""), "tag")));
    assert_eq!(split_stream_tag("ruby:"), Ok((Some("ruby"), "")));
    assert_eq!(split_stream_tag("a:b:c"), Err(FromNameError));
    // An ImageStreamTag name split on `:` does not care about `@`.
    assert_eq!(
        split_stream_tag(&expand("ruby@$D")),
        Ok((Some("ruby@sha256"), HEX64))
    );

    assert_eq!(split_stream_image(D), Ok((None, D)));
    assert_eq!(
        split_stream_image(&expand("ruby@$D")),
        Ok((Some("ruby"), D))
    );
    assert_eq!(split_stream_image("a@b@c"), Err(FromNameError));
    assert_eq!(
        FromNameError.to_string(),
        "must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>"
    );
}

#[test]
fn oc_tag_name_rule() {
    use streamlock::model::reference::is_valid_tag_name as valid;
    for good in ["latest", "1", "_", "v1.0-rc_1", "A.b-C", &"x".repeat(128)] {
        assert!(valid(good), "{good}");
    }
    for bad in [
        "",
        ".x",
        "-x",
        "a/b",
        "a:b",
        "a b",
        "ä",
        "a+b",
        &"x".repeat(129),
    ] {
        assert!(!valid(bad), "{bad}");
    }
}

/// Inputs drawn mostly from the grammar's own alphabet, so that many of them parse.
fn reference_like() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => "[a-zA-Z0-9._:/@+-]{0,60}",
        4 => concat!(
            r"(([a-zA-Z0-9-]{1,6}(\.[a-zA-Z0-9-]{1,6}){0,2}(:[0-9]{1,5})?|localhost|\[::1\])/)?",
            r"[a-z0-9]{1,4}([._-]{1,2}[a-zA-Z0-9]{1,4}){0,2}(/[a-z0-9]{1,4}([._-]{1,3}[a-z0-9]{1,4})?){0,3}",
            r"(:[A-Za-z0-9_.-]{1,10})?",
            r"(@(sha256:[0-9a-f]{64}|sha512:[0-9A-F]{128}|sha256:[0-9a-f]{60,70}|[a-zA-Z]{1,6}[+.]?[a-z0-9]{0,3}:[0-9a-f]{32,40}))?",
        ),
        1 => any::<String>(),
    ]
}

proptest! {
    #[test]
    fn parse_never_panics(s in reference_like()) {
        let _ = parse(&s);
        let _ = parse_normalized(&s);
    }

    /// `exact()` of what parsed reads back as the same reference (its most specific form).
    #[test]
    fn exact_reparses_to_the_same_reference(s in reference_like()) {
        if let Ok(r) = parse(&s) {
            let r = r.most_specific();
            let exact = r.exact();
            if r.name.is_empty() {
                prop_assert_eq!(exact, "");
            } else {
                prop_assert_eq!(parse(&exact), Ok(r.clone()));
                // Normalizing is idempotent, and fails a parsed name only for the two known reasons.
                match r.normalized() {
                    Ok(n) => prop_assert_eq!(parse_normalized(&n), Ok(n.clone())),
                    Err(e) => prop_assert!(matches!(e, RefError::NameTooLong | RefError::DigestFormat), "{e}"),
                }
            }
        }
    }
}

/// The pattern of reference §3 written as a regular expression (RE2 semantics, like Go's), as an
/// oracle for the hand-written matcher: `name`, `tag`, `digest` captures.
fn oracle() -> regex::Regex {
    let host_label = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    let host = format!(r"{host_label}(?:\.{host_label})*(?::[0-9]+)?");
    let component = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";
    let name = format!("(?:{host}/)?{component}(?:/{component})*");
    let tag = "[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
    let digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    regex::Regex::new(&format!("^({name})(?::({tag}))?(?:@({digest}))?$")).unwrap()
}

proptest! {
    #[test]
    fn matcher_agrees_with_the_grammar_as_a_regex(s in reference_like()) {
        static ORACLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(oracle);
        let got = parse(&s);
        match ORACLE.captures(&s) {
            None => {
                let want = if s.is_empty() {
                    RefError::NameEmpty
                } else if s.is_ascii() && ORACLE.is_match(&s.to_ascii_lowercase()) {
                    RefError::Uppercase
                } else {
                    RefError::InvalidFormat
                };
                if s.is_ascii() || want != RefError::InvalidFormat {
                    prop_assert_eq!(got, Err(want));
                } else {
                    prop_assert!(matches!(got, Err(RefError::InvalidFormat | RefError::Uppercase)));
                }
            }
            Some(c) => {
                let (name, tag) = (&c[1], c.get(2).map_or("", |m| m.as_str()));
                let digest = c.get(3).map_or("", |m| m.as_str());
                match got {
                    Err(RefError::NameTooLong) => prop_assert!(name.len() > 255),
                    Err(e) => prop_assert!(
                        !digest.is_empty() && matches!(e, RefError::DigestLength | RefError::DigestAlgorithm),
                        "{e} on a match"
                    ),
                    Ok(r) if r.name.is_empty() => prop_assert_eq!((r.registry.as_str(), r.id.as_str()), (s.as_str(), digest)),
                    Ok(r) => {
                        let joined: Vec<&str> = [&r.registry, &r.namespace, &r.name]
                            .into_iter().map(String::as_str).filter(|p| !p.is_empty()).collect();
                        prop_assert_eq!(joined.join("/"), name);
                        prop_assert_eq!((r.tag.as_str(), r.id.as_str()), (tag, digest));
                    }
                }
            }
        }
    }
}
