#!/usr/bin/env bash
# The main job end to end: start a local registry, push images, then import a sample GitOps
# repository (examples/gitops) against it and show the diff, write it, move an image, and let the
# cron-style check find the moved tag. Traffic stays on 127.0.0.1: the manifests name
# registry.example.com, and mirror rules send it to the local registry.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v python3 >/dev/null; then
    echo "demo needs python3 (it picks a free port for the local registry)" >&2
    exit 2
fi
if ! command -v docker-registry >/dev/null || ! command -v curl >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry curl
    else
        echo "demo needs docker-registry and curl (Debian: sudo apt-get install docker-registry curl)" >&2
        exit 2
    fi
fi

# The demo runs the binary of this checkout, built in release mode: the first build compiles every
# dependency (about two minutes on an idle two-core machine, more on a busy one), later ones take
# seconds.
need=$(sed -n 's/^rust-version *= *"\([0-9.]*\)"/\1/p' Cargo.toml)
if ! command -v cargo >/dev/null; then
    echo "demo needs Rust $need or newer to build streamlock (https://rustup.rs; Debian 12's rustc is too old)" >&2
    exit 2
fi
echo "building streamlock in release mode (cargo build --release --locked): about two minutes the first time on two cores, seconds after that" >&2
started=$SECONDS
cargo build --release --locked --quiet
echo "built in $((SECONDS - started)) s" >&2
bin=$root/target/release/streamlock
work=$(mktemp -d)
. scripts/lib/registry.sh
start_registry "$work/registry"
trap 'kill $REGISTRY_PID 2>/dev/null; rm -rf "$work"' EXIT

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

step "pushing images to the local registry at $REGISTRY"
push_image runtimes/python 3.12 python-3.12.1 >/dev/null
push_list shop/frontend 2.4 frontend-2.4 >/dev/null
push_image library/redis 7 redis-7.2 >/dev/null
echo "runtimes/python:3.12, shop/frontend:2.4 (amd64 + arm64), library/redis:7"

cp -r examples/gitops "$work/repo"
cd "$work/repo"
export SOURCE_DATE_EPOCH=1767225600   # reproducible timestamps in the demo output
# Disconnected-cluster style mirror rules: registry.example.com is served by the local registry, and
# the source is never contacted (so nothing leaves this machine).
cat >"$work/mirrors.yaml" <<MIRRORS
apiVersion: config.openshift.io/v1
kind: ImageTagMirrorSet
metadata:
  name: demo
spec:
  imageTagMirrors:
  - source: registry.example.com
    mirrors: ["$REGISTRY"]
    mirrorSourcePolicy: NeverContactSource
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: demo
spec:
  imageDigestMirrors:
  - source: registry.example.com
    mirrors: ["$REGISTRY"]
    mirrorSourcePolicy: NeverContactSource
MIRRORS
net=(--mirror-config "$work/mirrors.yaml" --insecure-registry "$REGISTRY")

step "streamlock lint"
"$bin" lint

step "streamlock import --diff   (what --write would change)"
"$bin" import --diff "${net[@]}"

step "streamlock import --write --summary summary.md"
"$bin" import --write --summary "$work/summary.md" "${net[@]}"
cat "$work/summary.md"

step "streamlock import --check --offline   (the pre-commit hook: status up to date?)"
"$bin" import --check --offline && echo "status is up to date"

step "a new python 3.12 patch release is pushed; the cron job's check finds it"
push_image runtimes/python 3.12 python-3.12.2 >/dev/null
set +e
"$bin" import --check --scheduled "${net[@]}"
echo "(exit code $?)"
set -e

step "streamlock import --scheduled --diff"
"$bin" import --scheduled --diff "${net[@]}"
