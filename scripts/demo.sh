#!/usr/bin/env bash
# The main job end to end on a sample GitOps repository (examples/gitops): lint it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/streamlock
echo "== streamlock lint examples/gitops"
"$bin" lint examples/gitops || true
