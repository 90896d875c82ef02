//! Pull quota as Docker Hub announces it (`ratelimit-remaining: 76;w=21600`). When it falls to the
//! floor, the registry's remaining lookups are skipped with the reason instead of failing one by one
//! and eating what is left of the user's quota.

use std::sync::atomic::{AtomicI64, Ordering};

pub struct Quota {
    remaining: AtomicI64,
    floor: i64,
}

impl Quota {
    pub fn new(floor: u32) -> Self {
        Quota {
            remaining: AtomicI64::new(i64::MAX),
            floor: i64::from(floor),
        }
    }

    /// Records the header of a response, if present.
    pub fn observe(&self, headers: &reqwest::header::HeaderMap) {
        let Some(value) = headers
            .get("ratelimit-remaining")
            .and_then(|v| v.to_str().ok())
        else {
            return;
        };
        if let Some(remaining) = parse_remaining(value) {
            self.remaining.fetch_min(remaining, Ordering::Relaxed);
        }
    }

    /// Why lookups should stop, when they should.
    pub fn exhausted(&self, host: &str) -> Option<String> {
        let remaining = self.remaining.load(Ordering::Relaxed);
        (remaining <= self.floor).then(|| {
            format!("{host} pull quota low: {remaining} remaining (ratelimit-remaining), lookup not attempted")
        })
    }
}

fn parse_remaining(value: &str) -> Option<i64> {
    value.split(';').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn low_quota_stops_lookups() {
        let quota = Quota::new(5);
        assert_eq!(quota.exhausted("h"), None);
        let mut headers = HeaderMap::new();
        headers.insert(
            "ratelimit-remaining",
            HeaderValue::from_static("76;w=21600"),
        );
        quota.observe(&headers);
        assert_eq!(quota.exhausted("h"), None);
        headers.insert("ratelimit-remaining", HeaderValue::from_static("5;w=21600"));
        quota.observe(&headers);
        assert!(
            quota
                .exhausted("h")
                .is_some_and(|why| why.contains("5 remaining"))
        );
        headers.insert("ratelimit-remaining", HeaderValue::from_static("garbage"));
        quota.observe(&headers);
        assert!(
            quota.exhausted("h").is_some(),
            "only ever goes down within a run"
        );
    }
}
