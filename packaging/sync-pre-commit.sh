#!/usr/bin/env bash
# Publishes packaging/pre-commit/ as the hook repository (streamlock/streamlock-pre-commit, the
# model of ruff-pre-commit): CLONE, a checkout of it, gets exactly these files, one commit and the
# tag vVERSION, pushed to its origin. Run from the repository root after the wheel is on PyPI,
# because the hooks install it from there.
#
#   packaging/sync-pre-commit.sh CLONE VERSION
set -euo pipefail

clone=${1:?usage: packaging/sync-pre-commit.sh CLONE VERSION}
version=${2:?usage: packaging/sync-pre-commit.sh CLONE VERSION}
grep -qx "dependencies = \[\"streamlock==$version\"\]" packaging/pre-commit/pyproject.toml || {
    echo "sync-pre-commit: packaging/pre-commit/pyproject.toml does not install streamlock==$version" >&2
    exit 1
}

# Everything but .git is replaced, so a file removed here is removed there too.
find "$clone" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
cp -R packaging/pre-commit/. "$clone/"
git -C "$clone" add --all
git -C "$clone" commit --quiet --allow-empty -m "streamlock $version"
git -C "$clone" tag -a "v$version" -m "streamlock $version"
git -C "$clone" push --quiet origin HEAD "refs/tags/v$version"
echo "hook repository at v$version: $(git -C "$clone" rev-parse HEAD)"
