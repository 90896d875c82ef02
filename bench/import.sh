#!/usr/bin/env bash
# The import benchmark: a real registry on loopback, added latency, streamlock against skopeo and the
# latency bound in the same run. Writes the results as JSON (default target/bench/import.json).
#   bench/import.sh [--quick] [RESULTS.json]
# Needs docker-registry, python3, openssl, htpasswd and GNU time (/usr/bin/time); skopeo for its
# baseline (without it those columns say n/a). Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
if [ "${1:-}" = "--quick" ]; then quick=(--quick); shift; fi
out=${1:-target/bench/import.json}
for tool in docker-registry python3 openssl htpasswd /usr/bin/time xargs; do
    command -v "$tool" >/dev/null || { echo "bench/import.sh needs $tool" >&2; exit 2; }
done
command -v skopeo >/dev/null || echo "bench/import.sh: skopeo is not installed: no skopeo baseline" >&2
cargo build --release --quiet
mkdir -p "$(dirname "$out")"
python3 bench/import_bench.py target/release/streamlock "$out" "${quick[@]}"
echo "import results: $out" >&2
