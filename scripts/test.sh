#!/usr/bin/env bash
# Runs every test: unit, integration (a real docker-registry on loopback), corpus (when
# STREAMLOCK_CORPUS names the corpus directory).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --all-targets "$@"
