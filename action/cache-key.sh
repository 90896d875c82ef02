#!/usr/bin/env bash
# The cache key of the action's build: runner OS and architecture, the compiler, and Cargo.lock.
# (hashFiles() cannot be used: it only sees files under the workspace, not the action's checkout.)
set -euo pipefail
src=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
lock=$(sha256sum "$src/Cargo.lock" | cut -c1-16)
rustc=$( (rustc --version 2>/dev/null || echo none) | sha256sum | cut -c1-8)
echo "key=streamlock-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-rustc-$rustc-lock-$lock" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
