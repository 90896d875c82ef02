//! Arbitrary text → the image reference grammar. No panic, and what parses prints back (`exact()`,
//! in its most specific form: a valid digest wins over the tag) to a string that parses to the same
//! reference; normalizing what parses is idempotent or fails for one of the two known reasons.

#![no_main]

use libfuzzer_sys::fuzz_target;
use streamlock::model::reference::{
    RefError, is_valid_tag_name, parse, parse_normalized, split_stream_image, split_stream_tag,
};

fuzz_target!(|spec: &str| {
    let _ = parse_normalized(spec);
    let _ = split_stream_tag(spec);
    let _ = split_stream_image(spec);
    let _ = is_valid_tag_name(spec);
    let Ok(parsed) = parse(spec) else {
        return;
    };
    let r = parsed.most_specific();
    let exact = r.exact();
    if r.name.is_empty() {
        // A registry-only reference has no name to print.
        assert_eq!(exact, "", "registry-only {spec:?}");
        return;
    }
    assert_eq!(
        parse(&exact),
        Ok(r.clone()),
        "{spec:?} printed as {exact:?}"
    );
    // The other renderings must not panic either.
    let _ = r.to_string();
    let _ = r.docker_client_defaults().as_v2().repository();
    match r.normalized() {
        Ok(n) => assert_eq!(parse_normalized(&n), Ok(n.clone()), "{spec:?}"),
        Err(e) => assert!(
            matches!(e, RefError::NameTooLong | RefError::DigestFormat),
            "{spec:?} normalizes to {e}"
        ),
    }
});
