#!/usr/bin/env bash
# The whole performance table in one command: bench/lint.sh (when present; its stdout is Markdown),
# then bench/import.sh, then BENCHMARKS.md with every figure as a ratio to its same-run baseline.
#   bench/run.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/bench
lint=-
# bench/lint.sh says on stderr what it lacks (hyperfine, yamllint, the corpus); BENCHMARKS.md then says
# the lint figures were not measured in this run.
if [ -x bench/lint.sh ] && bench/lint.sh "$@" >target/bench/lint.md; then
    lint=target/bench/lint.md
fi
bench/import.sh "$@" target/bench/import.json
python3 bench/report.py target/bench/import.json "$lint" BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
