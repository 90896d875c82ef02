//! A token service's answer. Whatever it holds, reading it never panics (an `expires_in` of 2^64 - 1
//! seconds once overflowed the clock), and a token read is non-empty and fresh.

#![no_main]

use libfuzzer_sys::fuzz_target;
use streamlock::registry::parsers::parse_token_answer;

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = parse_token_answer(data) {
        assert!(!token.value.is_empty());
        assert!(token.expires > std::time::Instant::now(), "expired at once");
    }
});
