//! Registry headers: `Retry-After` (seconds or an HTTP date) and `WWW-Authenticate` challenges. No
//! panic, and no wait longer than the retry policy grants, whatever the server says.

#![no_main]

use libfuzzer_sys::fuzz_target;
use streamlock::registry::RetryPolicy;
use streamlock::registry::parsers::{Challenge, parse_challenge, parse_retry_after};

fuzz_target!(|value: &str| {
    let policy = RetryPolicy::default();
    let wait = policy.delay(0, parse_retry_after(value));
    assert!(
        wait <= policy.max_retry_after.max(policy.max_backoff),
        "{value:?}: {wait:?}"
    );
    if let Challenge::Bearer { realm, service } = parse_challenge(value) {
        assert!(realm.len() <= value.len(), "realm longer than the header");
        assert!(service.is_none_or(|s| s.len() <= value.len()));
    }
});
