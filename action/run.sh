#!/usr/bin/env bash
# Runs streamlock as the action's inputs say. Inputs arrive only through the environment (INPUT_*),
# never pasted into this script, and are split on whitespace without glob expansion or evaluation.
#
#   STREAMLOCK        the binary (from install.sh)
#   INPUT_COMMAND     lint | check (import --check) | import (import --write)
#   INPUT_PATHS       files or directories, whitespace-separated (default .)
#   INPUT_ARGS        more arguments for the command, whitespace-separated
#   INPUT_FORMAT      lint: --format list (default github); check/import: human | json (default human)
#   INPUT_FAIL_ON     error | warning | note | never: `never` keeps the step green on findings
#   INPUT_SARIF_FILE  lint only: also write SARIF here
#   INPUT_SUMMARY     true | false: append the Markdown summary to $GITHUB_STEP_SUMMARY
#
# Step outputs: failed (exit code 1: findings), changed (check/import: some tag's status changed or
# would change), summary-file (the Markdown summary). Exit code: streamlock's, except that findings
# exit 0 under fail-on: never; a run that could not start (2) always fails.
set -euo pipefail
set -f

bin=${STREAMLOCK:?STREAMLOCK (the binary) is not set}
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}
command=${INPUT_COMMAND:-lint}
fail_on=${INPUT_FAIL_ON:-error}
summary=${INPUT_SUMMARY:-true}
sarif=${INPUT_SARIF_FILE:-}
work=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
summary_file=$work/streamlock-summary.md
report=$work/streamlock-report.json

die() {
    echo "::error title=streamlock action::$*" >&2
    exit 2
}

case $fail_on in error | warning | note | never) ;; *) die "fail-on must be error, warning, note or never, not '$fail_on'" ;; esac
case $summary in true | false) ;; *) die "summary must be true or false, not '$summary'" ;; esac

# shellcheck disable=SC2206 # word splitting is the point; globbing is off (set -f)
paths=(${INPUT_PATHS:-.})
# shellcheck disable=SC2206
extra=(${INPUT_ARGS:-})

case $command in
lint)
    format=${INPUT_FORMAT:-github}
    # The human report becomes the job summary; the SARIF file goes where the workflow uploads it.
    human=$work/streamlock-lint.txt
    format="$format,human=$human"
    if [ -n "$sarif" ]; then
        case $sarif in *,*) die "sarif-file must not contain a comma: '$sarif'" ;; esac
        format="$format,sarif=$sarif"
    fi
    # Under `never` errors still count for the `failed` output; only the step's result ignores them.
    threshold=$fail_on
    [ "$threshold" != never ] || threshold=error
    args=(lint "${paths[@]}" --format "$format" --fail-on "$threshold" "${extra[@]}")
    ;;
check | import)
    [ -z "$sarif" ] || echo "::notice title=streamlock action::sarif-file applies to lint only; ignored"
    case ${INPUT_FORMAT:-human} in human | json) ;; *) die "format for $command must be human or json" ;; esac
    mode=--write
    [ "$command" = import ] || mode=--check
    args=(import "${paths[@]}" "$mode" --format "${INPUT_FORMAT:-human}"
        --summary "$summary_file" --report "$report" "${extra[@]}")
    # On a pull request, tags the PR edited in a way status cannot show (app:1.0 -> app:1.1) are
    # found by comparing with the base branch, which needs its history (checkout fetch-depth: 0).
    since=""
    for arg in "${extra[@]}"; do case $arg in --since | --since=*) since=given ;; esac; done
    if [ -z "$since" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
        if git rev-parse --verify --quiet "origin/$GITHUB_BASE_REF^{commit}" >/dev/null; then
            args+=(--since "origin/$GITHUB_BASE_REF")
        else
            echo "::warning title=streamlock action::origin/$GITHUB_BASE_REF is not fetched: tags edited by this pull request without a status change are not compared (use actions/checkout with fetch-depth: 0)"
        fi
    fi
    ;;
*) die "command must be lint, check or import, not '$command'" ;;
esac

rm -f "$summary_file" "$report"
set +e
"$bin" "${args[@]}"
code=$?
set -e

if [ "$command" = lint ] && [ -f "$human" ]; then
    {
        printf '## streamlock lint\n\n```text\n'
        cat "$human"
        printf '```\n'
    } >"$summary_file"
fi

changed=false
if [ -f "$report" ]; then
    # The summary object's "updated" count; tag entries only ever use "updated" as a value.
    updated=$(sed -n 's/^ *"updated": \([0-9][0-9]*\),\{0,1\}$/\1/p' "$report" | head -n1)
    [ "${updated:-0}" -gt 0 ] && changed=true
fi

failed=false
[ "$code" = 0 ] || failed=true
{
    echo "failed=$failed"
    echo "changed=$changed"
    if [ -f "$summary_file" ]; then echo "summary-file=$summary_file"; else echo "summary-file="; fi
} >>"$out"

if [ "$summary" = true ] && [ -f "$summary_file" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    # GitHub refuses a step summary over 1 MiB; keep well below it and say so.
    limit=$((1000 * 1024))
    if [ "$(wc -c <"$summary_file")" -le "$limit" ]; then
        cat "$summary_file" >>"$GITHUB_STEP_SUMMARY"
    else
        head -c "$limit" "$summary_file" >>"$GITHUB_STEP_SUMMARY"
        # Close the lint report's code block before the note.
        [ "$command" != lint ] || printf '\n```' >>"$GITHUB_STEP_SUMMARY"
        printf '\n\n*(truncated: the full summary is in %s)*\n' "$summary_file" >>"$GITHUB_STEP_SUMMARY"
    fi
fi

if [ "$code" = 1 ] && [ "$fail_on" = never ]; then
    exit 0
fi
exit "$code"
