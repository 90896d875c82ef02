#!/usr/bin/env bash
# Reproduces the lint performance table: every figure beside a baseline measured in the same run,
# and their ratio, since absolute times depend on the machine and its load.
#
#   STREAMLOCK_CORPUS=/path/to/corpus bench/lint.sh      (the directory holding MANIFEST.tsv)
#
# Needs hyperfine, yamllint and GNU time (/usr/bin/time). Rows:
#   corpus      `streamlock lint` on every corpus file vs yamllint on the same files (one run of
#               yamllint, timed by GNU time: it takes about a minute) and vs the in-process floors
#   pre-commit  `streamlock lint` on 3 small files vs yamllint on them
#   peak RSS    of both on the corpus
# Without STREAMLOCK_CORPUS the corpus rows are skipped. BENCH_RUNS sets hyperfine's runs (10).
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${BENCH_RUNS:-10}"
for tool in hyperfine yamllint /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "bench/lint.sh: $tool is not installed" >&2; exit 2; }
done

cargo build --release --quiet
bin="$PWD/target/release/streamlock"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# yamllint's `relaxed` preset: syntax and a few style checks, so its output stays comparable.
yamllint_cmd="yamllint -f parsable -d relaxed"

mean_ms() { python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["mean"]*1000))' "$1"; }
ratio() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
peak_kb() { /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true; tail -1 "$work/rss"; }

# Timings with the command's own output discarded; `lint` exits 1 when it finds errors (-i).
time_cmd() { # name runs command (a single run gets no warm-up either)
    hyperfine -i -N --warmup "$(($2 > 1))" --runs "$2" --export-json "$work/$1.json" "$3" >/dev/null 2>&1
    mean_ms "$work/$1.json"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "streamlock $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(yamllint --version), $(hyperfine --version)"
echo
printf '%-34s %12s   %-36s %12s   %s\n' "measurement" "value" "baseline (same run)" "baseline" "ratio"
row() { printf '%-34s %12s   %-36s %12s   %s\n' "$1" "$2" "$3" "$4" "$(ratio "${2%% *}" "${4%% *}")"; }

# The pre-commit case: three small manifests from the sample repository and the fixtures.
small_args="examples/gitops/base/runtimes.yaml examples/gitops/apps/shop/frontend.yaml fixtures/lint/duplicate-tag/good.yaml"
t_small=$(time_cmd small "$runs" "$bin lint $small_args")
t_small_yl=$(time_cmd small_yl "$runs" "$yamllint_cmd $small_args")
row "lint 3 small files (wall)" "$t_small ms" "yamllint, same files" "$t_small_yl ms"

if [ -z "${STREAMLOCK_CORPUS:-}" ] || [ ! -f "$STREAMLOCK_CORPUS/MANIFEST.tsv" ]; then
    echo
    echo "STREAMLOCK_CORPUS is unset (or has no MANIFEST.tsv): corpus rows skipped"
    exit 0
fi

# The files `lint` discovers in the corpus (YAML and JSON, hidden paths skipped), given to both tools.
list="$work/files.txt"
(cd "$STREAMLOCK_CORPUS" && find "$PWD/files" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
    -not -path '*/.*' | sort) >"$list"
n=$(wc -l <"$list")
each="xargs -d '\n' -s 2000000 -a $list"
t_lint=$(time_cmd corpus "$runs" "$each $bin lint")
# yamllint takes about a minute on the corpus: one run gives both its time and its peak RSS.
/usr/bin/time -f '%e %M' -o "$work/yl" xargs -d '\n' -s 2000000 -a "$list" $yamllint_cmd >/dev/null 2>&1 || true
read -r yl_s rss_yl < <(tail -1 "$work/yl")
t_yl=$(python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) * 1000))' "$yl_s")
row "lint corpus, $n files (wall)" "$t_lint ms" "yamllint, same files" "$t_yl ms"

# In-process floors (divan medians, rayon over the same cores as lint).
STREAMLOCK_CORPUS="$STREAMLOCK_CORPUS" cargo bench --quiet --bench lint 2>/dev/null >"$work/divan.txt"
median() { awk -v b="$1" '$0 ~ b { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/ && $(i+1) ~ /^(ms|µs|s)$/) { n++; if (n == 3) { v = $i; u = $(i+1) } } }
    END { if (u == "s") v *= 1000; if (u == "µs") v /= 1000; printf "%.1f", v }' "$work/divan.txt"; }
events=$(median parser_events)
parse=$(median parse_only)
lint_in=$(median lint_all)
row "lint corpus (wall)" "$t_lint ms" "parse-only floor, in process" "$parse ms"
row "lint_files, in process" "$lint_in ms" "parse-only floor, in process" "$parse ms"
row "parse-only floor, in process" "$parse ms" "parser events alone" "$events ms"

rss=$(peak_kb xargs -d '\n' -s 2000000 -a "$list" "$bin" lint)
row "peak RSS, lint corpus" "$((rss / 1024)) MB" "yamllint, same files" "$((rss_yl / 1024)) MB"
