//! Mirror rules as OpenShift's ImageDigestMirrorSet, ImageTagMirrorSet and (older)
//! ImageContentSourcePolicy define them, as plain data, and which places a lookup tries in turn.
//!
//! A source names a registry, a namespace or a repository (`host[/path]`); it matches a reference whose
//! `host/repository` equals it or continues it after a `/`. The longest matching source wins (as in
//! registries.conf); its mirrors are tried in order, then the source itself unless a rule for that
//! source says `NeverContactSource`. Digest lookups use digest rules, tag lookups tag rules.

/// Which lookups a rule serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MirrorKind {
    /// ImageDigestMirrorSet and ImageContentSourcePolicy: lookups by digest only.
    Digest,
    /// ImageTagMirrorSet: lookups by tag only.
    Tag,
    /// `--mirror SRC=DST`: both.
    Any,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MirrorRule {
    /// `host[/namespace[/name]]`.
    pub source: String,
    pub mirrors: Vec<String>,
    pub applies_to: MirrorKind,
    pub never_contact_source: bool,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum MirrorError {
    #[error("--mirror {0:?}: expected SOURCE=MIRROR")]
    Syntax(String),
}

impl MirrorRule {
    /// Parses `--mirror SOURCE=MIRROR`.
    pub fn parse_flag(text: &str) -> Result<Self, MirrorError> {
        let (source, mirror) = text
            .split_once('=')
            .map(|(s, m)| {
                (
                    s.trim().trim_end_matches('/'),
                    m.trim().trim_end_matches('/'),
                )
            })
            .filter(|(s, m)| !s.is_empty() && !m.is_empty() && !s.contains('=') && !m.contains('='))
            .ok_or_else(|| MirrorError::Syntax(text.to_owned()))?;
        Ok(MirrorRule {
            source: source.to_owned(),
            mirrors: vec![mirror.to_owned()],
            applies_to: MirrorKind::Any,
            never_contact_source: false,
        })
    }

    fn serves(&self, by_digest: bool) -> bool {
        match self.applies_to {
            MirrorKind::Any => true,
            MirrorKind::Digest => by_digest,
            MirrorKind::Tag => !by_digest,
        }
    }
}

/// One place to look: `registry` to contact and `repository` there; `mirror` is false for the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub registry: String,
    pub repository: String,
    pub mirror: bool,
}

/// The places to try for `repository` on `registry`, in order.
pub fn places(
    rules: &[MirrorRule],
    registry: &str,
    repository: &str,
    by_digest: bool,
) -> Vec<Place> {
    let source = Place {
        registry: registry.to_owned(),
        repository: repository.to_owned(),
        mirror: false,
    };
    let name = format!("{}/{repository}", hub_alias(registry));
    let matched_len = |rule: &MirrorRule| {
        let src = rule.source.split_once('/').map_or_else(
            || hub_alias(&rule.source).to_owned(),
            |(host, path)| format!("{}/{path}", hub_alias(host)),
        );
        let hit = name == src
            || (name.starts_with(&src) && name.as_bytes().get(src.len()) == Some(&b'/'));
        hit.then_some(src.len())
    };
    let applicable: Vec<(usize, &MirrorRule)> = rules
        .iter()
        .filter(|rule| rule.serves(by_digest))
        .filter_map(|rule| Some((matched_len(rule)?, rule)))
        .collect();
    let Some(longest) = applicable.iter().map(|(len, _)| *len).max() else {
        return vec![source];
    };
    let chosen: Vec<&MirrorRule> = applicable
        .iter()
        .filter(|(len, _)| *len == longest)
        .map(|(_, rule)| *rule)
        .collect();
    let rest = &name[longest..];
    let mut out: Vec<Place> = Vec::new();
    for mirror in chosen.iter().flat_map(|rule| &rule.mirrors) {
        let full = format!("{mirror}{rest}");
        let Some((host, repo)) = full.split_once('/') else {
            continue; // a registry-only mirror of a registry-only source leaves no repository
        };
        let place = Place {
            registry: contact_host(host).to_owned(),
            repository: repo.to_owned(),
            mirror: true,
        };
        if !out.contains(&place) {
            out.push(place);
        }
    }
    if !chosen.iter().any(|rule| rule.never_contact_source) {
        out.push(source);
    }
    out
}

/// Rules name Docker Hub as `docker.io`; lookups contact it as `registry-1.docker.io`.
fn hub_alias(host: &str) -> &str {
    match host {
        "registry-1.docker.io" | "index.docker.io" => "docker.io",
        other => other,
    }
}

fn contact_host(host: &str) -> &str {
    match host {
        "docker.io" | "index.docker.io" => "registry-1.docker.io",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(source: &str, mirrors: &[&str], applies_to: MirrorKind, never: bool) -> MirrorRule {
        MirrorRule {
            source: source.into(),
            mirrors: mirrors.iter().map(|m| m.to_string()).collect(),
            applies_to,
            never_contact_source: never,
        }
    }

    fn show(places: Vec<Place>) -> Vec<String> {
        places
            .into_iter()
            .map(|p| {
                format!(
                    "{}/{}{}",
                    p.registry,
                    p.repository,
                    if p.mirror { "" } else { " (source)" }
                )
            })
            .collect()
    }

    #[test]
    fn digest_and_tag_rules_longest_prefix_then_source() {
        let rules = [
            rule(
                "quay.io/org",
                &["m1.local/org", "m2.local:5000/copy"],
                MirrorKind::Digest,
                false,
            ),
            rule("quay.io/org/app", &["m3.local/app"], MirrorKind::Tag, true),
            rule(
                "docker.io/library",
                &["hub.local/lib"],
                MirrorKind::Any,
                false,
            ),
        ];
        assert_eq!(
            show(places(&rules, "quay.io", "org/app", true)),
            [
                "m1.local/org/app",
                "m2.local:5000/copy/app",
                "quay.io/org/app (source)"
            ]
        );
        assert_eq!(
            show(places(&rules, "quay.io", "org/app", false)),
            ["m3.local/app"]
        );
        assert_eq!(
            show(places(&rules, "quay.io", "org/other", false)),
            ["quay.io/org/other (source)"]
        );
        assert_eq!(
            show(places(&rules, "quay.io", "organic/app", true)),
            ["quay.io/organic/app (source)"]
        );
        assert_eq!(
            show(places(
                &rules,
                "registry-1.docker.io",
                "library/mysql",
                false
            )),
            [
                "hub.local/lib/mysql",
                "registry-1.docker.io/library/mysql (source)"
            ]
        );
    }

    #[test]
    fn registry_wide_source_and_flag_parsing() {
        let rules = [MirrorRule::parse_flag("reg.example=127.0.0.1:5000/reg")
            .unwrap_or_else(|e| panic!("{e}"))];
        assert_eq!(
            show(places(&rules, "reg.example", "a/b", false)),
            ["127.0.0.1:5000/reg/a/b", "reg.example/a/b (source)"]
        );
        assert!(MirrorRule::parse_flag("nope").is_err());
        assert!(MirrorRule::parse_flag("=x").is_err());
        assert!(MirrorRule::parse_flag("a=b=c").is_err());
    }
}
