//! A tag-list page: the `Link` header value, a NUL byte, then the body. Whatever the registry sends,
//! reading it never panics, every tag read is a valid tag (or empty, read as `latest`), and a next
//! page is always this registry's tag list of this repository, with a plain query.

#![no_main]

use libfuzzer_sys::fuzz_target;
use streamlock::registry::parsers::{Pages, next_page, parse_tag_list};

const HOST: &str = "registry.example:5000";
const REPOSITORY: &str = "team/app";

fuzz_target!(|data: &[u8]| {
    let (link, body) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&data[..0], data),
    };
    let link = String::from_utf8_lossy(link);
    if let Ok(tags) = parse_tag_list(body) {
        for tag in tags {
            assert!(tag.len() <= 128, "{tag:?}");
            assert!(
                tag.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)),
                "{tag:?}"
            );
        }
    }
    if let Ok(query) = next_page(&link, HOST, REPOSITORY) {
        assert!(!query.is_empty() && query.len() <= link.len());
        assert!(
            query
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~%&=+".contains(c)),
            "{query:?}"
        );
    }
    let mut pages = Pages::new(HOST, REPOSITORY);
    let link = (!link.is_empty()).then_some(link.as_ref());
    if let Ok(true) = pages.read(body, link) {
        assert!(pages.path().starts_with("team/app/tags/list?"));
    }
});
