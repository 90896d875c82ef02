#!/usr/bin/env bash
# Packs a built binary as the release asset for TARGET in OUT: streamlock-TARGET.tar.gz (a .zip
# for Windows) holding one directory streamlock-TARGET/ with the binary, README.md and
# CHANGELOG.md. The Action's download.sh unpacks exactly this layout. Run from the repository root.
#
#   packaging/archive.sh TARGET BINARY OUT
set -euo pipefail

target=${1:?usage: packaging/archive.sh TARGET BINARY OUT}
binary=${2:?usage: packaging/archive.sh TARGET BINARY OUT}
out=${3:?usage: packaging/archive.sh TARGET BINARY OUT}

name=streamlock-$target
exe=streamlock
case $target in *windows*) exe=streamlock.exe ;; esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name" && mkdir -p "$out"
cp "$binary" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp README.md CHANGELOG.md "$stage/$name/"
out=$(cd "$out" && pwd)
case $target in
*windows*) (cd "$stage" && 7z a -tzip -bd "$out/$name.zip" "$name" >/dev/null) ;;
*) tar -czf "$out/$name.tar.gz" -C "$stage" "$name" ;;
esac
