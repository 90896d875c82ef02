#!/usr/bin/env bash
# Runs each cargo-fuzz target for a bounded time on stable Rust (see fuzz/README.md).
#
#   scripts/fuzz.sh                      every target, FUZZ_SECONDS (default 60) each
#   scripts/fuzz.sh load reference       only these targets
#   FUZZ_SECONDS=600 scripts/fuzz.sh     a longer local run
#
# Seeds come from fixtures/ and, when STREAMLOCK_CORPUS names the real-world corpus, from its files.
# Builds optimised without debug assertions (`-O`); FUZZ_SANITIZER=none skips AddressSanitizer.
# Exits non-zero on the first target that finds a crash, leak, timeout or out-of-memory input; the
# input is in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=(load reference write_roundtrip manifest token headers tags); fi

# cargo-fuzz passes -Z flags to rustc and cargo; this lets the stable toolchain accept them.
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

scripts/fuzz-seed.sh

for target in "${targets[@]}"; do
    case "$target" in
        reference) dict=dict/reference.dict ;;
        manifest | token | headers | tags) dict=dict/registry.dict ;;
        *) dict=dict/yaml.dict ;;
    esac
    echo "fuzz: $target for ${seconds}s"
    (cd fuzz && cargo fuzz run -O --sanitizer "${FUZZ_SANITIZER:-address}" "$target" \
        "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=25 -rss_limit_mb=3072 -max_len=65536 \
        -print_final_stats=1 -dict="$dict")
done
