#!/usr/bin/env bash
# Installs the release archive plan.sh chose: the binary the cache step restored, or the archive
# downloaded from the release, checked against the release's SHA256SUMS and unpacked. Sets the step
# output `bin`, or leaves it empty and sets `reason` when the release has no archive for this
# runner (the action then builds from source). A checksum that does not match is an error, never a
# reason to build: nothing unverified is unpacked or run.
#
#   STREAMLOCK_VERSION, STREAMLOCK_ARCHIVE, STREAMLOCK_DIR   plan.sh's outputs
#   STREAMLOCK_RELEASE_URL   where the releases are (default: this repository's GitHub releases),
#                            e.g. a mirror serving $STREAMLOCK_RELEASE_URL/v1.2.3/SHA256SUMS
set -euo pipefail

version=${STREAMLOCK_VERSION:?STREAMLOCK_VERSION is not set}
archive=${STREAMLOCK_ARCHIVE:?STREAMLOCK_ARCHIVE is not set}
dir=${STREAMLOCK_DIR:?STREAMLOCK_DIR is not set}
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}
url=${STREAMLOCK_RELEASE_URL:-https://github.com/streamlock/streamlock/releases/download}/v$version
exe=streamlock
case $archive in *.zip) exe=streamlock.exe ;; esac

if [ -x "$dir/$exe" ]; then
    echo "streamlock $version for this runner from the cache" >&2
    echo "bin=$dir/$exe" >>"$out"
    exit 0
fi

die() {
    echo "::error title=streamlock::$*" >&2
    exit 2
}

build_instead() {
    echo "::warning title=streamlock::$1; building from source instead" >&2
    {
        echo "bin="
        echo "reason=$1"
    } >>"$out"
    exit 0
}

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/streamlock.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Downloads $1 to $2 and prints the HTTP status (000: no answer at all).
fetch() {
    curl --silent --show-error --location --retry 3 --connect-timeout 20 --max-time 600 \
        --output "$2" --write-out '%{http_code}' "$1" || true
}

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

status=$(fetch "$url/SHA256SUMS" "$work/SHA256SUMS")
case $status in
200) ;;
404) build_instead "release v$version was not found at $url" ;;
*) die "cannot download $url/SHA256SUMS (HTTP $status)" ;;
esac

# sha256sum's format: HASH, two spaces (or space and `*` in binary mode), NAME.
expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$work/SHA256SUMS")
[ -n "$expected" ] || build_instead "release v$version has no $archive"

status=$(fetch "$url/$archive" "$work/$archive")
case $status in
200) ;;
404) build_instead "release v$version lists $archive in SHA256SUMS but does not have it" ;;
*) die "cannot download $url/$archive (HTTP $status)" ;;
esac

actual=$(sha256 "$work/$archive")
if [ "$actual" != "$expected" ]; then
    die "checksum mismatch for $archive from $url: SHA256SUMS says $expected, the download is $actual; not installing it"
fi

# Each archive holds one directory named after it: streamlock-TARGET/streamlock (.exe on Windows).
mkdir "$work/unpacked"
case $archive in
*.zip) if command -v unzip >/dev/null; then unzip -q "$work/$archive" -d "$work/unpacked"; else 7z x -y -o"$work/unpacked" "$work/$archive" >/dev/null; fi ;;
*) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
esac
top=${archive%.tar.gz}
top=${top%.zip}
[ -f "$work/unpacked/$top/$exe" ] || die "$archive from $url has no $top/$exe"
chmod +x "$work/unpacked/$top/$exe"
mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
mv "$work/unpacked/$top" "$dir"

if ! said=$("$dir/$exe" --version 2>&1); then
    rm -rf "$dir"
    die "the $archive of release v$version does not run on this runner: $said"
fi
echo "installed $said from $url/$archive (sha256 $actual)" >&2
echo "bin=$dir/$exe" >>"$out"
