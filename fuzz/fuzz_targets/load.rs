//! Arbitrary bytes → the loader (UTF-8 and binary checks, YAML events → spanned tree, budgets) →
//! the ImageStreams in it → every lint rule, and every span a diagnostic carries is a position in
//! the text. Nothing may panic, hang or allocate without bound.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use streamlock::lint::{Config, LintOptions, lint_loaded};
use streamlock::load::{Limits, find_objects, load_bytes};

/// The loader's budgets, with a node budget that makes an alias bomb cost milliseconds rather than
/// seconds: the same code refuses it, and the fuzzer keeps its pace.
fn limits() -> Limits {
    Limits {
        max_nodes: 50_000,
        ..Limits::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.yaml");
    let file = match load_bytes(path, data.to_vec(), limits()) {
        Ok(file) => file,
        Err(e) => {
            if let Some(at) = e.at {
                assert!(at <= e.source.text.len(), "error offset {at} past the text");
                let _ = e.source.position(at);
            }
            return;
        }
    };
    let len = file.source.text.len();
    for doc in &file.parsed.documents {
        assert!(doc.span.end <= len, "document span past the text");
    }
    for object in find_objects(&file.parsed.documents) {
        assert!(object.node.span.end <= len, "object span past the text");
    }
    let templates = LintOptions {
        templates: true,
        ..LintOptions::default()
    };
    let Some(report) = lint_loaded(file, &templates, &Config::default()) else {
        return;
    };
    for d in &report.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= len,
            "{} span {:?} outside the text of {len} bytes",
            d.rule.id,
            d.span
        );
        assert!(d.start <= d.end, "{} ends before it starts", d.rule.id);
    }
});
