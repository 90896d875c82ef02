#!/usr/bin/env bash
# Decides which release to install: the `version` input, else the action's own ref when that is a
# release tag (`uses: streamlock/streamlock@v1.2.3`), and the release archive for the runner's OS and
# architecture. Sets the step outputs the cache and download steps use:
#
#   version   1.2.3, or empty when there is no release to install (then the action builds from source)
#   archive   the release asset's name, e.g. streamlock-x86_64-unknown-linux-musl.tar.gz
#   dir       where the verified binary is unpacked and cached
#   key       the cache key of that directory
#   reason    why the action builds from source (when version or archive is empty)
set -euo pipefail

out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}
requested=${INPUT_VERSION:-}
ref=${ACTION_REF:-}

release() { [[ $1 =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]]; }

version='' reason=''
if [ -n "$requested" ]; then
    if ! release "$requested"; then
        echo "::error title=streamlock::version must be a release such as 1.2.3 or v1.2.3, not '$requested'" >&2
        exit 2
    fi
    version=${requested#v}
elif release "$ref"; then
    version=${ref#v}
else
    reason="the action is used at '${ref:-an unknown ref}', not at a release tag: set the version input (or use @vX.Y.Z) to install a release"
fi

# The release workflow's targets (.github/workflows/release.yml); anything else has no archive.
target=''
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
Linux/X64) target=x86_64-unknown-linux-musl ;;
Linux/ARM64) target=aarch64-unknown-linux-musl ;;
macOS/X64) target=x86_64-apple-darwin ;;
macOS/ARM64) target=aarch64-apple-darwin ;;
Windows/X64) target=x86_64-pc-windows-msvc ;;
esac
archive=''
if [ -n "$version" ] && [ -z "$target" ]; then
    reason="no release archive is built for ${RUNNER_OS:-this OS} on ${RUNNER_ARCH:-this architecture}"
    version=''
elif [ -n "$target" ]; then
    case $target in *windows*) archive=streamlock-$target.zip ;; *) archive=streamlock-$target.tar.gz ;; esac
fi

dir=''
key=''
if [ -n "$version" ]; then
    dir=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}/streamlock/$version/$target
    key=streamlock-release-$version-$target
fi
{
    echo "version=$version"
    echo "archive=$archive"
    echo "dir=$dir"
    echo "key=$key"
    echo "reason=$reason"
} >>"$out"
