#!/usr/bin/env bash
# Run from the repository root before a release is built: the tag (vX.Y.Z), Cargo.toml, Cargo.lock,
# the hook repository's pin (packaging/pre-commit/pyproject.toml) and CHANGELOG.md name the same
# version, and CHANGELOG.md dates it. Prints the version; writes the CHANGELOG section (the release
# notes) to NOTES when given.
#
#   packaging/release-check.sh TAG [NOTES]
set -euo pipefail

tag=${1:?usage: packaging/release-check.sh TAG [NOTES]}
notes=${2:-/dev/null}

fail() {
    echo "release-check: $*" >&2
    exit 1
}

[[ $tag =~ ^v([0-9]+\.[0-9]+\.[0-9]+)$ ]] || fail "tag '$tag' is not vX.Y.Z"
version=${BASH_REMATCH[1]}

cargo=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
[ "$cargo" = "$version" ] || fail "Cargo.toml has version $cargo, the tag is $tag: bump Cargo.toml first"
lock=$(awk '$0 == "name = \"streamlock\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ "$lock" = "$version" ] || fail "Cargo.lock has streamlock $lock, the tag is $tag: run cargo update --workspace"
for field in 'version = "' 'dependencies = \["streamlock=='; do
    pinned=$(sed -n "s/^$field\([0-9.]*\)\"\]\{0,1\}$/\1/p" packaging/pre-commit/pyproject.toml)
    [ "$pinned" = "$version" ] ||
        fail "packaging/pre-commit/pyproject.toml has '$pinned' where the tag has $version: its version and its streamlock pin follow the release"
done

# The section runs from its heading to the next one.
section=$(awk -v v="$version" '/^## / { if (found) exit; found = ($2 == v) } found' CHANGELOG.md)
[ -n "$section" ] || fail "CHANGELOG.md has no section '## $version - YYYY-MM-DD'"
heading=$(head -n1 <<<"$section")
[[ $heading =~ ^##\ [0-9.]+\ -\ [0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] ||
    fail "CHANGELOG.md's '$heading' has no release date: write '## $version - YYYY-MM-DD'"
tail -n +2 <<<"$section" >"$notes"
echo "$version"
