#!/usr/bin/env bash
# Lookups a PR check makes on the real-world corpus once its status is recorded: the figure the Git
# rule changed. Copies the corpus into a Git checkout, records a status for every importable tag
# against an empty loopback registry that mirrors every registry the corpus names (each tag gets
# OpenShift's NotFound), commits, then counts what a default `import --check` would look up.
#
#   bench/prcheck.sh [CORPUS_DIR] [OTHER_STREAMLOCK]
#
# With OTHER_STREAMLOCK (e.g. a build of an earlier commit), its count is printed beside ours for the
# same recorded state. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
other=${2:-}
[ -d "$corpus/files" ] || { echo "no corpus at $corpus (expected $corpus/files)" >&2; exit 2; }
command -v docker-registry >/dev/null || { echo "docker-registry not found: apt-get install docker-registry" >&2; exit 2; }
# Counting lookups needs no optimised build.
cargo build --quiet --locked --bin streamlock
ours=$PWD/target/debug/streamlock

work=$(mktemp -d)
trap 'kill "$registry_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<EOF
version: 0.1
log: {level: error}
storage: {inmemory: {}}
http: {addr: 127.0.0.1:$port, secret: bench}
EOF
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
registry_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done

mkdir -p "$work/repo"
(cd "$corpus/files" && find . -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 |
    tar --null -T - -cf - | tar -xf - -C "$work/repo")
git -C "$work/repo" init -q
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=bench -c user.email=bench@localhost commit -qm corpus

# Every registry host the corpus names, sent to the empty loopback registry and never to the source.
# (Exit 1 is expected: the corpus holds files that are not valid YAML.)
"$ours" import "$work/repo" --diff --offline --all --format json >"$work/tags.json" 2>/dev/null || true
python3 -c '
import json, sys
hosts = set()
for item in json.load(open(sys.argv[1]))["imports"]:
    first = item["from"].split("/")[0]
    if "/" in item["from"] and ("." in first or ":" in first or first == "localhost"):
        hosts.add(first)
hosts.add("docker.io")
print("apiVersion: config.openshift.io/v1\nkind: ImageTagMirrorSet\nspec:\n  imageTagMirrors:")
for h in sorted(hosts):
    print(f"  - source: {json.dumps(h)}\n    mirrors: [\"127.0.0.1:'"$port"'\"]\n    mirrorSourcePolicy: NeverContactSource")
print("---\napiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:")
for h in sorted(hosts):
    print(f"  - source: {json.dumps(h)}\n    mirrors: [\"127.0.0.1:'"$port"'\"]\n    mirrorSourcePolicy: NeverContactSource")
' "$work/tags.json" >"$work/mirrors.yaml"

net=(--mirror-config "$work/mirrors.yaml" --insecure-registry "127.0.0.1:$port")
SOURCE_DATE_EPOCH=1767225600 "$ours" import "$work/repo" --write --all -q "${net[@]}" --format json >"$work/first.json" 2>/dev/null || true
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=bench -c user.email=bench@localhost commit -qm status

# The lookups a default run plans (offline: planned, then skipped; the plan is the same online).
count() {
    "$1" import "$work/repo" --diff --offline --format json >"$work/count.json" 2>/dev/null || true
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["summary"]; print(d["lookups"], d["tags"])' "$work/count.json"
}
python3 - "$work/first.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"recorded: {s['tags']} tags imported once ({s['failed'] - s['notRecorded']} NotFound recorded, {s['notRecorded']} not recorded)")
EOF
read -r lookups tags < <(count "$ours")
echo "default PR check, this build: $lookups lookups"
if [ -n "$other" ]; then
    read -r lookups tags < <(count "$other")
    echo "default PR check, $other: $lookups lookups"
fi
