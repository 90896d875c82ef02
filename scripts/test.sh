#!/usr/bin/env bash
# Runs every test: unit, integration (a real docker-registry on loopback), the packaging tests (the
# wheel, the hook repository, the Action's install step) and the corpus tests. Installs what they
# need first, or says what is missing (scripts/ci-deps.sh).
#
# Nothing is skipped quietly: a test that cannot run fails, unless STREAMLOCK_ALLOW_SKIP names it
# (comma list: corpus, tools, wheel, or all), e.g. on a machine without the real-world corpus:
#   STREAMLOCK_ALLOW_SKIP=corpus scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/ci-deps.sh

skips() {
    if [ -n "${STREAMLOCK_ALLOW_SKIP:-}" ]; then
        echo "!! STREAMLOCK_ALLOW_SKIP=$STREAMLOCK_ALLOW_SKIP: those tests $1 without running" >&2
    fi
}
skips "will pass"
trap 'skips "passed"' EXIT

# The wheel, built once per run the way pip builds it from source (PEP 517, maturin from PyPI):
# a release build of the binary, several minutes cold on two cores, incremental afterwards in its
# own target directory (which the Action build and hook tests share). The tests install it into fresh
# virtualenvs without Rust and through pre-commit, from this directory alone (no index), so it also
# holds the setuptools wheel pip needs to install the hook repository.
if [ "${STREAMLOCK_ALLOW_SKIP:-}" != all ] && [[ ,${STREAMLOCK_ALLOW_SKIP:-}, != *,wheel,* ]]; then
    export STREAMLOCK_WHEELS="$PWD/target/tmp/wheels"
    mkdir -p "$STREAMLOCK_WHEELS"
    rm -f "$STREAMLOCK_WHEELS"/streamlock-*.whl
    echo "building the wheel (pip wheel, release build)" >&2
    CARGO_TARGET_DIR="$PWD/target/tmp/release-build" "$STREAMLOCK_VENV/bin/pip" wheel --quiet \
        --disable-pip-version-check --no-deps --wheel-dir "$STREAMLOCK_WHEELS" .
    ls "$STREAMLOCK_WHEELS"/setuptools-*.whl >/dev/null 2>&1 ||
        "$STREAMLOCK_VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps \
            --only-binary=:all: --dest "$STREAMLOCK_WHEELS" setuptools==80.9.0
fi

cargo test --locked --all-targets "$@"
