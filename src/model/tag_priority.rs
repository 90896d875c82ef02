//! library-go's `PrioritizeTags`, the order oc lists tags in: `latest`; then minor versions (`5.1`,
//! `v5.1`, `5.1-rc1`) newest first; then full semantic versions newest first; then everything else
//! in byte order. Versions are read with blang/semver's strict `Parse`, after one leading `v`.

use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Priority {
    Latest,
    Minor,
    Full,
    Other,
}

/// A prerelease identifier: numeric ones sort before alphanumeric ones.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pre {
    Num(u64),
    Alpha(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Version {
    core: [u64; 3],
    pre: Vec<Pre>,
}

/// Sorts `tags` in place into oc's display order.
pub fn prioritize_tags(tags: &mut [String]) {
    let mut keyed: Vec<(Priority, Option<Version>, bool, String)> = tags
        .iter()
        .map(|tag| {
            let (priority, version, prefixed) = classify(tag);
            (priority, version, prefixed, tag.clone())
        })
        .collect();
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| match (&a.1, &b.1) {
            // Newer first; on equal versions the bare one before the `v` one.
            (Some(x), Some(y)) => compare(y, x).then(a.2.cmp(&b.2)),
            _ if a.0 == Priority::Other => a.3.cmp(&b.3),
            _ => Ordering::Equal,
        })
    });
    for (slot, (_, _, _, tag)) in tags.iter_mut().zip(keyed) {
        *slot = tag;
    }
}

fn classify(tag: &str) -> (Priority, Option<Version>, bool) {
    if tag == "latest" {
        return (Priority::Latest, None, false);
    }
    let (short, prefixed) = match tag.strip_prefix('v') {
        Some(rest) => (rest, true),
        None => (tag, false),
    };
    if let Some(v) = parse(short) {
        return (Priority::Full, Some(v), prefixed);
    }
    // `5.1` → 5.1.0
    if is_minor(short)
        && let Some(v) = parse(&format!("{short}.0"))
    {
        return (Priority::Minor, Some(v), prefixed);
    }
    // `5.1-rc1` → 5.1.0-rc1 (the suffix is `\w+`: letters, digits, underscore).
    if let Some((minor, suffix)) = short.split_once('-')
        && is_minor(minor)
        && !suffix.is_empty()
        && suffix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && let Some(v) = parse(&format!("{minor}.0-{suffix}"))
    {
        return (Priority::Minor, Some(v), prefixed);
    }
    (Priority::Other, None, prefixed)
}

/// `^\d+\.\d+$`
fn is_minor(s: &str) -> bool {
    s.split_once('.')
        .is_some_and(|(a, b)| digits(a) && digits(b))
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// blang/semver v4 `Parse`: `MAJOR.MINOR.PATCH[-pre][+build]`, no leading zeros, no `v`.
fn parse(s: &str) -> Option<Version> {
    let mut parts = s.splitn(3, '.');
    let major = number(parts.next()?)?;
    let minor = number(parts.next()?)?;
    let mut rest = parts.next()?;
    if let Some((before, build)) = rest.split_once('+') {
        let ok = build
            .split('.')
            .all(|b| !b.is_empty() && b.bytes().all(alphanumeric));
        if !ok {
            return None;
        }
        rest = before;
    }
    let (patch, pre) = match rest.split_once('-') {
        Some((patch, pre)) => (patch, Some(pre)),
        None => (rest, None),
    };
    let patch = number(patch)?;
    let pre = match pre {
        None => Vec::new(),
        Some(pre) => pre.split('.').map(prerelease).collect::<Option<_>>()?,
    };
    Some(Version {
        core: [major, minor, patch],
        pre,
    })
}

fn alphanumeric(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn number(s: &str) -> Option<u64> {
    if !digits(s) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

fn prerelease(s: &str) -> Option<Pre> {
    if digits(s) {
        return number(s).map(Pre::Num);
    }
    (!s.is_empty() && s.bytes().all(alphanumeric)).then(|| Pre::Alpha(s.to_string()))
}

/// semver precedence: a release is newer than its prereleases.
fn compare(a: &Version, b: &Version) -> Ordering {
    a.core
        .cmp(&b.core)
        .then_with(|| match (a.pre.is_empty(), b.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                for (x, y) in a.pre.iter().zip(&b.pre) {
                    let order = match (x, y) {
                        (Pre::Num(x), Pre::Num(y)) => x.cmp(y),
                        (Pre::Num(_), Pre::Alpha(_)) => Ordering::Less,
                        (Pre::Alpha(_), Pre::Num(_)) => Ordering::Greater,
                        (Pre::Alpha(x), Pre::Alpha(y)) => x.cmp(y),
                    };
                    if order != Ordering::Equal {
                        return order;
                    }
                }
                a.pre.len().cmp(&b.pre.len())
            }
        })
}

#[cfg(test)]
mod tests {
    use super::prioritize_tags;

    fn sorted(tags: &[&str]) -> Vec<String> {
        let mut tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        prioritize_tags(&mut tags);
        tags
    }

    #[test]
    fn latest_then_minor_then_full_then_others() {
        assert_eq!(
            sorted(&[
                "other",
                "5.1.3",
                "5.1",
                "latest",
                "v5.2",
                "abc",
                "5.1.3-rc1",
                "5.2-beta"
            ]),
            [
                "latest",
                "v5.2",
                "5.2-beta",
                "5.1",
                "5.1.3",
                "5.1.3-rc1",
                "abc",
                "other"
            ]
        );
    }

    #[test]
    fn strict_semver_rules_decide_what_is_a_version() {
        // Leading zeros, a `V`, an underscore suffix and two `v`s are "other" tags.
        assert_eq!(
            sorted(&["05.1", "V1.0", "1.0-rc_1", "vv1.0", "1.0", "1.0.0+build"]),
            ["1.0", "1.0.0+build", "05.1", "1.0-rc_1", "V1.0", "vv1.0"]
        );
        // The bare version before its `v` twin; numeric prereleases before alphanumeric ones.
        assert_eq!(
            sorted(&["v1.0", "1.0", "1.0.0-alpha", "1.0.0-1", "1.0.0-alpha.1"]),
            ["1.0", "v1.0", "1.0.0-alpha.1", "1.0.0-alpha", "1.0.0-1"]
        );
    }
}
