#!/usr/bin/env bash
# The in-cluster scheduled import: clone the GitOps repository, import the scheduled tags, and push
# what moved to one branch (force-pushed, always based on the newest base branch) whose commit
# message is the summary, so that one pull request from it is opened once and updated by every run.
# When nothing moved the branch is deleted, which closes a pull request left open from it.
#
# Needs only Git and registry credentials, no Kubernetes API access:
#   GIT_URL            repository to clone (https:// or file://)
#   GIT_TOKEN          optional: HTTPS token, handed to git by a credential helper (never in a URL)
#   GIT_BASE           base branch (default main)
#   GIT_BRANCH         branch to push (default streamlock/scheduled-import)
#   REGISTRY_AUTH_FILE registry credentials (a mounted kubernetes.io/dockerconfigjson Secret)
#   STREAMLOCK_ARGS    more `streamlock import` arguments, whitespace-separated (e.g. --mirror-config F)
# Exit code: streamlock's (1 when a tag failed to import, after pushing what did move).
set -euo pipefail
set -f

: "${GIT_URL:?set GIT_URL to the repository to clone}"
base=${GIT_BASE:-main}
branch=${GIT_BRANCH:-streamlock/scheduled-import}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git config --global user.name "${GIT_AUTHOR_NAME:-streamlock}"
git config --global user.email "${GIT_AUTHOR_EMAIL:-streamlock@localhost}"
if [ -n "${GIT_TOKEN:-}" ]; then
    # The helper reads the token from the environment when git asks; it is never written down.
    # shellcheck disable=SC2016 # expanded by git's helper shell, not here
    git config --global credential.helper '!f() { echo username=x-access-token; echo "password=$GIT_TOKEN"; }; f'
fi

git clone --quiet --depth 1 --branch "$base" "$GIT_URL" "$work/repo"
cd "$work/repo"

# shellcheck disable=SC2206 # word splitting is the point; globbing is off
extra=(${STREAMLOCK_ARGS:-})
status=0
streamlock import --scheduled --write --summary "$work/summary.md" "${extra[@]}" || status=$?
if [ "$status" -gt 1 ]; then
    exit "$status"
fi

if git diff --quiet; then
    echo "nothing moved"
    if git ls-remote --exit-code --heads origin "$branch" >/dev/null; then
        git push --quiet origin --delete "$branch"
        echo "deleted $branch"
    fi
    exit "$status"
fi

{
    echo "Import moved ImageStream tags"
    echo
    cat "$work/summary.md"
} >"$work/message"
git commit --quiet --all --file "$work/message"
git push --quiet --force origin "HEAD:refs/heads/$branch"
echo "pushed $branch"
exit "$status"
