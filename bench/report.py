#!/usr/bin/env python3
"""Renders BENCHMARKS.md from import_bench.py's results and bench/lint.sh's Markdown.

Usage: report.py IMPORT_RESULTS.json LINT.md|- OUT.md

Every figure is given with its baseline from the same run and their ratio; targets from the lint,
import and write-back issues are marked met or not met.
"""
import json
import sys


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


def met(ok):
    return "**met**" if ok else "**not met**"


def main():
    results = json.load(open(sys.argv[1]))
    lint = None if sys.argv[2] == "-" else open(sys.argv[2]).read().strip()
    m = results["machine"]
    loads = [x for r in results["runs"] + results["sweep"] for x in r["streamlock"]["load"]]
    out = ["# Benchmarks", "",
           "Produced by `bench/run.sh` in one run (" + ("quick mode" if results["quick"] else "full") + "). "
           "Every figure is compared with a baseline measured in the same run; absolute times on a shared "
           "machine move between runs, ratios much less. Reproduce with `bench/run.sh` (about 10 minutes on "
           "2 cores; `--quick` for a CI-sized run); it needs docker-registry, skopeo, python3 and GNU time, "
           "and talks to 127.0.0.1 only.", "",
           f"Machine: {m['nproc']} CPUs, {m['mem_gib']} GiB, {m['date']}; "
           f"1-minute load {m['load_start']} at start, {min(loads)}–{max(loads)} during the import runs "
           f"(the machine was shared, so 0 ms figures are CPU-bound and noisy). {m['streamlock']}, "
           f"{m['skopeo']}, {m['registry']} (in-memory storage).", ""]
    targets = []

    out += ["## Lint (issue 2)", ""]
    if lint:
        out += [lint, ""]
    else:
        out += ["`bench/lint.sh` is not in this tree, so the lint figures (corpus wall time, pre-commit case, "
                "peak RSS against yamllint and the parse floor) were not measured in this run.", ""]
        targets.append(("2", "lint targets (corpus < 0.3 s, 3 files < 15 ms, RSS < 64 MB)", "not measured"))

    push = results["push"]
    out += ["## Import (issue 3)", "",
            f"A docker-registry on loopback holds {push['tags']} tags in {push['repos']} repositories "
            f"(pushed in {push['seconds']} s): one in four a Docker manifest list or OCI index of 4 platforms, "
            "the rest Docker schema2 or OCI manifests. The streams reference N unique images (5 % missing: "
            "absent tags and absent repositories; half the lists imported `PreserveOriginal`, the rest Legacy, "
            "which costs a GET for the list body), plus 10 % repeated references. "
            "`streamlock import --diff --all` reaches them through an ImageTagMirrorSet "
            "(`NeverContactSource`); 50 ms RTT is added by `bench/delay_proxy.py`, 0 ms is direct. "
            "Baselines on the same references and concurrency: `skopeo inspect --tls-verify=false --format "
            "'{{.Digest}}'` per unique reference under `xargs -P`; the HEAD floor (`bench/head_floor.py`: one "
            "HEAD per reference on P kept-alive connections, nothing else — what this machine, registry and delay "
            "line allow); and the bound, ceil(lookups ÷ P) × RTT + 1 RTT of connection set-up. streamlock and "
            "floor times are medians of the runs listed (skopeo runs once).", "",
            "| refs | RTT | P | streamlock s (runs) | HEAD floor s | ÷ floor | bound s | ÷ bound | skopeo s "
            "| skopeo ÷ streamlock |", "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in results["runs"]:
        s, f, k = r["streamlock"], r["head_floor"], r["skopeo"]
        out.append(
            f"| {r['refs']} | {r['rtt_ms']} ms | {r['parallel']} | {s['seconds']} "
            f"({', '.join(map(str, r['streamlock_all']))}) | {f['seconds']} | {ratio(s['seconds'], f['seconds'])} "
            f"| {r['bound_s'] or '–'} | {ratio(s['seconds'], r['bound_s'])} | {k['seconds']} "
            f"| {ratio(k['seconds'], s['seconds'])} |")
    out += ["", "Requests, CPU and correctness in the same runs (requests per lookup as streamlock's report counts "
            "them and as the registry's access log saw them; CPU is user + system time of the whole process tree):",
            "", "| refs | RTT | streamlock requests/lookup (report / log) | skopeo requests/ref (log) "
            "| streamlock CPU s | skopeo CPU s | skopeo ÷ streamlock CPU | digests right (streamlock, floor, skopeo) |",
            "|---:|---:|---|---:|---:|---:|---:|---|"]
    for r in results["runs"]:
        s, f, k = r["streamlock"], r["head_floor"], r["skopeo"]
        right = r["all_correct"] and k["check"]["wrong"] == 0 and f["check"]["wrong"] == 0
        problems = s["check"]["examples"] + f["check"]["examples"] + k["check"]["examples"]
        out.append(
            f"| {r['refs']} | {r['rtt_ms']} ms | {s['requests'] / s['lookups']:.2f} / {s['served'] / s['lookups']:.2f} "
            f"| {k['served'] / k['check']['refs']:.2f} | {s['cpu_seconds']} | {k['cpu_seconds']} "
            f"| {ratio(k['cpu_seconds'], s['cpu_seconds'])} "
            f"| {'all ' + str(s['check']['tags']) + ' tags' if right else 'NO: ' + '; '.join(problems)} |")
    big = [r for r in results["runs"] if r["rtt_ms"] == 50]
    big = max(big, key=lambda r: r["refs"]) if big else None
    if big:
        s = big["streamlock"]
        wall_ok = s["seconds"] <= 1.3 * big["bound_s"]
        note = " (the issue sets it at 2,000; this is a quick run)" if results["quick"] else ""
        fast_ok = big["skopeo"]["seconds"] >= 10 * s["seconds"]
        targets += [
            ("3", f"{big['refs']} refs at 50 ms: wall within 1.3x of the bound" + note,
             f"{met(wall_ok)} ({ratio(s['seconds'], big['bound_s'])}; the HEAD-only floor reached "
             f"{ratio(big['head_floor']['seconds'], big['bound_s'])} of the bound in the same run)"),
            ("3", f"{big['refs']} refs at 50 ms: at least 10x faster than skopeo at the same P" + note,
             f"{met(fast_ok)} ({ratio(big['skopeo']['seconds'], s['seconds'])})"),
        ]
    # The budget: one HEAD per lookup, one GET per Legacy list, and per-registry set-up (the ping).
    over = [(r["streamlock"]["requests"] - r["streamlock"]["lookups"] - r["streamlock"]["legacy_lists"],
             r["streamlock"]["missing"]) for r in results["runs"]]
    setup = max(extra - missing for extra, missing in over)
    if all(extra <= 2 for extra, _ in over):
        verdict = met(True)
    elif setup <= 2:
        verdict = (f"{met(False)}: every missing reference costs a second request (a GET for the 404's error "
                   f"body, {max(m for _, m in over)} extra at most); otherwise exact, set-up {setup} request(s)")
    else:
        verdict = f"{met(False)}: up to {setup} request(s) beyond budget and missing references"
    targets.append(("3", "requests: one HEAD per lookup, one GET per Legacy list, plus set-up", verdict))
    correct = all(r["all_correct"] for r in results["runs"])
    targets.append(("3", "every digest equals what the registry holds; missing ones fail with NotFound",
                    met(correct)))

    if big:
        s = big["streamlock"]
        by_requests = (-(-s["requests"] // big["parallel"]) + 1) * big["rtt_ms"] / 1000
        out += ["", f"At {big['refs']} references and 50 ms, streamlock made {s['requests']} requests for {s['lookups']} "
                f"lookups: a Legacy list's body and a missing tag's error body are second round trips. Counted by "
                f"requests instead of lookups the bound is {by_requests:.2f} s, and streamlock took "
                f"{ratio(s['seconds'], by_requests)} of it; the HEAD-only floor took "
                f"{ratio(big['head_floor']['seconds'], big['bound_s'])} of its own (lookups) bound."]
    out += ["", "Peak RSS and cold start (0 ms, one stream with one tag; medians of 5):", "",
            "| figure | streamlock | baseline | ratio |", "|---|---:|---:|---:|"]
    c = results["cold"]
    out.append(f"| cold start: whole import of 1 tag vs one `skopeo inspect` | {c['streamlock']['seconds']} s "
               f"| {c['skopeo']['seconds']} s | {ratio(c['streamlock']['seconds'], c['skopeo']['seconds'])} |")
    for r in results["runs"]:
        if r["rtt_ms"] == 0:
            out.append(f"| peak RSS, {r['refs']} refs, vs one skopeo process (xargs runs {r['parallel']} at once) | "
                       f"{r['streamlock']['rss_mib']} MiB | {r['skopeo']['rss_mib']} MiB "
                       f"| {ratio(r['streamlock']['rss_mib'], r['skopeo']['rss_mib'])} |")

    out += ["", "### Concurrency (`--jobs P --per-registry P`, one registry, one run each)", "",
            "| refs | RTT | P | streamlock s | HEAD floor s | ÷ floor | bound s | ÷ bound | ÷ P=16 time |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results["sweep"]:
        base = next((x for x in results["sweep"] if x["rtt_ms"] == r["rtt_ms"] and x["parallel"] == 16), None)
        out.append(f"| {r['refs']} | {r['rtt_ms']} ms | {r['parallel']} | {r['streamlock']['seconds']} "
                   f"| {r['head_floor']['seconds']} | {ratio(r['streamlock']['seconds'], r['head_floor']['seconds'])} "
                   f"| {r['bound_s'] or '–'} | {ratio(r['streamlock']['seconds'], r['bound_s'])} "
                   f"| {ratio(r['streamlock']['seconds'], base and base['streamlock']['seconds'])} |")

    fastest = {}
    for r in results["sweep"]:
        best = fastest.get(r["rtt_ms"])
        if best is None or r["streamlock"]["seconds"] < best["streamlock"]["seconds"]:
            fastest[r["rtt_ms"]] = r
    out += ["", "Fastest setting in this run: " + "; ".join(
        f"{rtt} ms: P={r['parallel']} ({r['streamlock']['seconds']} s)" for rtt, r in sorted(fastest.items()))
        + f". Defaults today: --jobs {results['defaults']['jobs']}, --per-registry {results['defaults']['per_registry']}."]

    w = results["write_back"]
    ratio_w = w["write"]["seconds"] / w["check"]["seconds"]
    off = w["offline_check_3_files"]["seconds"]
    out += ["", "## Write-back (issue 4)", "",
            f"{w['streams']} streams, status already written by a first `--write --all`; 0 ms; medians of 3.", "",
            "| figure | measured | baseline | ratio |", "|---|---:|---:|---:|",
            f"| `--write --all`, nothing to change, vs `--check --all` | {w['write']['seconds']} s "
            f"| {w['check']['seconds']} s | {ratio_w:.2f}x |",
            f"| `--check --offline` on 3 files (median of 10) vs the 20 ms target | {off} s | 0.020 s "
            f"| {ratio(off, 0.020)} |"]
    targets += [("4", "`--write` with nothing to change ≤ 1.2x `--check`", f"{met(ratio_w <= 1.2)} ({ratio_w:.2f}x)"),
                ("4", "`--check --offline` on 3 files < 20 ms", f"{met(off < 0.020 and set(w['offline_rc']) == {0})} ({off * 1000:.0f} ms)")]

    out += ["", "## Targets", "", "| issue | target | result |", "|---|---|---|"]
    out += [f"| {i} | {t} | {r} |" for i, t, r in targets]
    with open(sys.argv[3], "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
