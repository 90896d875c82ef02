//! Pull-spec arithmetic on `from.name` strings: the one place that knows the shape of an image
//! reference. It splits, it does not validate; lint reports references the API server would reject.
//!
//! It splits rather than parses with `model::reference` because OpenShift records the user's
//! spelling of the repository, which the parser's normalized form would change.

/// The pull spec OpenShift records for `from_name` imported as `digest`: the user's spelling of the
/// repository, tag dropped, `@digest` added (`ref.MostSpecific().Exact()` with `ref.ID = digest`).
pub fn pull_spec(from_name: &str, digest: &str) -> String {
    format!("{}@{}", repository(from_name), digest)
}

/// `from_name` without its tag and digest, spelled as written.
pub fn repository(name: &str) -> &str {
    let base = name.split_once('@').map_or(name, |(base, _)| base);
    match base.rsplit_once(':') {
        // A colon after the last `/` introduces a tag; before it, a registry port.
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => base,
    }
}

/// The digest pinned in `name` (`…@sha256:…`), if any.
pub fn digest(name: &str) -> Option<&str> {
    name.split_once('@')
        .map(|(_, digest)| digest)
        .filter(|d| !d.is_empty())
}

/// The tag written in `name`, if any.
fn tag(name: &str) -> Option<&str> {
    let base = name.split_once('@').map_or(name, |(base, _)| base);
    base.rsplit_once(':')
        .map(|(_, tag)| tag)
        .filter(|t| !t.contains('/') && !t.is_empty())
}

/// `name` with its digest removed when it also names a tag (`repo:tag@sha256:…` → `repo:tag`):
/// what a pinned reference is looked up as when the tag is to be followed.
pub fn follow_tag(name: &str) -> &str {
    match (tag(name), name.split_once('@')) {
        (Some(_), Some((base, _))) => base,
        _ => name,
    }
}

/// `name` pinned to `digest`, tag kept for readers: `repo:tag@sha256:…` (or `repo@sha256:…`).
pub fn pinned(name: &str, digest: &str) -> String {
    let base = name.split_once('@').map_or(name, |(base, _)| base);
    format!("{base}@{digest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_users_spelling_and_drops_the_tag() {
        let d = "sha256:0123";
        assert_eq!(pull_spec("mysql:8", d), "mysql@sha256:0123");
        assert_eq!(
            pull_spec("docker.io/mysql:8", d),
            "docker.io/mysql@sha256:0123"
        );
        assert_eq!(
            pull_spec("localhost:5000/a/b", d),
            "localhost:5000/a/b@sha256:0123"
        );
        assert_eq!(
            pull_spec("localhost:5000/a/b:v1@sha256:9", d),
            "localhost:5000/a/b@sha256:0123"
        );
    }

    #[test]
    fn digests_tags_and_pins() {
        assert_eq!(digest("a/b:1@sha256:9"), Some("sha256:9"));
        assert_eq!(digest("a/b:1"), None);
        assert_eq!(follow_tag("a/b:1@sha256:9"), "a/b:1");
        assert_eq!(follow_tag("a/b@sha256:9"), "a/b@sha256:9");
        assert_eq!(follow_tag("host:5000/b@sha256:9"), "host:5000/b@sha256:9");
        assert_eq!(pinned("a/b:1@sha256:9", "sha256:7"), "a/b:1@sha256:7");
        assert_eq!(pinned("a/b:1", "sha256:7"), "a/b:1@sha256:7");
    }
}
