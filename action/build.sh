#!/usr/bin/env bash
# Builds streamlock from the action's own checkout (GITHUB_ACTION_PATH) into CARGO_TARGET_DIR, which
# the action caches keyed on Cargo.lock: a warm cache only rebuilds the streamlock crate itself.
# Runs only when there is no release archive to install; STREAMLOCK_BUILD_REASON says why.
# Prints nothing on stdout but sets the step output `bin` to the binary's path.
set -euo pipefail

why=${STREAMLOCK_BUILD_REASON:-no release archive was installed}
echo "::notice title=streamlock::building streamlock from source ($why)" >&2

src=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
target=${CARGO_TARGET_DIR:-$src/target}
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}

if ! command -v cargo >/dev/null; then
    echo "::error title=streamlock::cargo not found, and it is needed because $why; add a Rust toolchain step (e.g. dtolnay/rust-toolchain) before this action, or use a release (@vX.Y.Z or the version input)" >&2
    exit 2
fi

# Refuse early and clearly instead of failing deep in the build on an old toolchain.
need=$(sed -n 's/^rust-version *= *"\([0-9.]*\)"/\1/p' "$src/Cargo.toml")
have=$(cargo --version | sed -n 's/^cargo \([0-9][0-9.]*\).*/\1/p')
if [ -n "$need" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
    echo "::error title=streamlock::streamlock needs Rust $need or newer, found cargo $have; install a newer toolchain before this action" >&2
    exit 2
fi

# --locked: build exactly the dependency versions the project tested.
cargo build --release --locked --quiet --bin streamlock \
    --manifest-path "$src/Cargo.toml" --target-dir "$target" >&2

echo "bin=$target/release/streamlock" >>"$out"
