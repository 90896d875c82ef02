#!/usr/bin/env python3
"""Measures `streamlock import` against real registries on loopback, with baselines from the same run.

Usage: import_bench.py STREAMLOCK_BINARY RESULTS.json [--quick]

Starts docker-registry (plain HTTP, access log on), pushes images (images.py), writes ImageStream trees
(streams.py) of 500 and 2,000 unique references, and for each at 0 ms and 50 ms added RTT
(delay_proxy.py), P = 32 in flight, times:
  * `streamlock import --diff --all`, every digest checked against what was pushed, requests counted
    by streamlock (--report) and by the registry (access log);
  * `skopeo inspect` on the same references under `xargs -P` (when skopeo is installed);
  * the HEAD floor (head_floor.py) and the bound: ceil((lookups + PreserveOriginal children) / P) x RTT
    + one RTT of set-up.
Then HTTP/1.1 against HTTP/2 on a TLS + basic-auth registry serving the same storage (two registry
processes, one with HTTP/2 disabled), a concurrency sweep, peak RSS at 2,000 and 10,000 tags, cold
start, and the write-back targets. Results go to RESULTS.json for report.py.
"""
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from images import PLATFORMS

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_JOBS, DEFAULT_PER_REGISTRY = 64, 32  # src/cli.rs today
PARALLEL = 32  # the P
SWEEP = [8, 16, 32, 64]


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Registry:
    """docker-registry on a free loopback port; its access log counts the requests it served. All of a
    bench's registries share one filesystem storage, so images pushed to one are served by all."""

    def __init__(self, work, name, storage, tls=None, htpasswd=None, http2=True):
        import socket
        port = free_port()
        self.addr = f"127.0.0.1:{port}"
        config = os.path.join(work, f"registry-{name}.yml")
        with open(config, "w") as f:
            f.write("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: false\n"
                    f"storage:\n  filesystem:\n    rootdirectory: {storage}\n"
                    f"http:\n  addr: {self.addr}\n  secret: bench\n")
            if tls:
                f.write(f"  tls:\n    certificate: {tls[0]}\n    key: {tls[1]}\n")
            if not http2:
                f.write("  http2:\n    disabled: true\n")
            if htpasswd:
                f.write(f"auth:\n  htpasswd:\n    realm: bench-realm\n    path: {htpasswd}\n")
        self.log = os.path.join(work, f"access-{name}.log")
        # The registry reads REGISTRY_* variables as configuration: keep ours out of its way.
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        self.proc = subprocess.Popen(["docker-registry", "serve", config], env=env, stdin=subprocess.DEVNULL,
                                     stdout=open(self.log, "w"), stderr=open(self.log + ".err", "w"))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        sys.exit(f"docker-registry ({name}) did not start: see {self.log}.err")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()

    def protocols(self):
        """How many logged requests came over each HTTP version (`HTTP/1.1`, `HTTP/2.0`)."""
        seen = {}
        with open(self.log) as f:
            for line in f:
                for proto in ("HTTP/1.1", "HTTP/2.0"):
                    if f' {proto}" ' in line:
                        seen[proto] = seen.get(proto, 0) + 1
        return seen

    def served(self):
        """Requests answered so far (waits until the log is quiet: lines are written after answering)."""
        last = -1
        while True:
            with open(self.log) as f:
                n = sum(1 for line in f if '"HEAD ' in line or '"GET ' in line)
            if n == last:
                return n
            last = n
            time.sleep(0.3)


class Proxy:
    def __init__(self, target, rtt_ms):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "delay_proxy.py"), "0", target,
                                      str(rtt_ms)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addr = "127.0.0.1:" + self.proc.stdout.readline().split()[1]

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def timed(cmd, cwd=None, env=None, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
    """Runs cmd under /usr/bin/time: wall seconds, CPU seconds (user + system), peak RSS in MiB of the
    largest process, exit code, and the load average before and after."""
    with tempfile.NamedTemporaryFile("r") as rusage:
        before = load()
        start = time.monotonic()
        rc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", rusage.name, *cmd], cwd=cwd, env=env,
                            stdin=stdin, stdout=stdout, stderr=stderr).returncode
        wall = time.monotonic() - start
        fields = (rusage.read().strip().splitlines() or [""])[-1].split()
    rss, cpu = (int(fields[0]) / 1024, float(fields[1]) + float(fields[2])) if len(fields) == 3 else (None, None)
    return {"seconds": round(wall, 3), "cpu_seconds": cpu and round(cpu, 2), "rss_mib": rss and round(rss, 1),
            "rc": rc, "load": [before, load()]}


def expected(tree_dir):
    rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(tree_dir, "expected.tsv"))]
    return {ref: (mode, want, top) for ref, mode, want, top in rows}


def check_streamlock(report, want):
    """Every tag's digest and pull spec against what was pushed; missing ones must be NotFound."""
    wrong = []
    for line in report["imports"]:
        mode, digest, _ = want[line["from"]]
        if digest == "NotFound":
            ok = line["result"] == "failed" and line["reason"] == "NotFound"
        else:
            repo = line["from"].rsplit(":", 1)[0]
            ok = line["image"] == digest and line["dockerImageReference"] == f"{repo}@{digest}"
        if not ok:
            wrong.append(f'{line["from"]} ({mode}): got {line["result"]} {line["image"] or line["reason"]}')
    return {"tags": len(report["imports"]), "wrong": len(wrong), "examples": wrong[:5]}


class Bench:
    def __init__(self, binary, work, quick):
        self.binary, self.work, self.quick = binary, work, quick
        self.home = os.path.join(work, "home")  # no credentials of the person running it
        os.makedirs(self.home)
        self.env = {**os.environ, "HOME": self.home, "XDG_RUNTIME_DIR": self.home, "NO_COLOR": "1"}
        for k in ("REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "STREAMLOCK_LOG", "SOURCE_DATE_EPOCH"):
            self.env.pop(k, None)
        self.storage = os.path.join(work, "storage")
        self.registry = Registry(work, "plain", self.storage)
        self.tls = None

    def start_tls(self):
        """Two TLS + basic-auth registries on the same storage, one offering HTTP/2 (ALPN h2) and one
        HTTP/1.1 only; a CA of our own, and an auth file streamlock reads."""
        tls = os.path.join(self.work, "tls")
        os.makedirs(tls)
        ssl = lambda *args: subprocess.run(["openssl", *args], cwd=tls, check=True, capture_output=True)
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        ssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=bench CA", "-days", "2")
        ssl("req", *ec, "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=127.0.0.1")
        with open(os.path.join(tls, "ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        ssl("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "tls.crt", "-days", "2", "-extfile", "ext")
        htpasswd = os.path.join(tls, "htpasswd")
        with open(htpasswd, "w") as f:
            # bcrypt at its least cost (4): the registry checks it on every request, and its CPU should
            # not hide what the protocol changes.
            f.write(subprocess.run(["htpasswd", "-Bbn", "-C", "4", "bench", "bench"], check=True,
                                   capture_output=True, text=True).stdout)
        pair = (os.path.join(tls, "tls.crt"), os.path.join(tls, "tls.key"))
        self.tls = {"ca": os.path.join(tls, "ca.crt"),
                    "h2": Registry(self.work, "tls-h2", self.storage, pair, htpasswd, http2=True),
                    "http/1.1": Registry(self.work, "tls-h1", self.storage, pair, htpasswd, http2=False)}

    def tls_args(self, addr):
        """--ca-file and an auth file with bench/bench for addr."""
        import base64
        path = os.path.join(self.work, f"auth-{addr.replace(':', '_')}.json")
        with open(path, "w") as f:
            json.dump({"auths": {addr: {"auth": base64.b64encode(b"bench:bench").decode()}}}, f)
        return ["--ca-file", self.tls["ca"], "--auth-file", path]

    def mirror_config(self, addr):
        """Every registry.example.com lookup goes to addr and never to the real host (no DNS either): by
        tag through an ImageTagMirrorSet, by digest (a PreserveOriginal list's children) through an
        ImageDigestMirrorSet, as a disconnected cluster mirrors both."""
        path = os.path.join(self.work, f"mirror-{addr.replace(':', '_')}.yaml")
        with open(path, "w") as f:
            for kind, field in (("ImageTagMirrorSet", "imageTagMirrors"), ("ImageDigestMirrorSet", "imageDigestMirrors")):
                f.write(f"---\napiVersion: config.openshift.io/v1\nkind: {kind}\nmetadata:\n  name: bench\n"
                        f"spec:\n  {field}:\n  - source: registry.example.com\n"
                        f"    mirrors:\n    - {addr}\n    mirrorSourcePolicy: NeverContactSource\n")
        return path

    def streamlock(self, tree_dir, addr, mode=("--diff", "--all"), jobs=PARALLEL, per_registry=PARALLEL,
                   registry=None, extra=()):
        report = os.path.join(self.work, "report.json")
        registry = registry or self.registry
        secure = list(extra) or ["--insecure-registry", addr]
        cmd = [self.binary, "import", *mode, "--report", report, "--mirror-config", self.mirror_config(addr),
               *secure, "--jobs", str(jobs), "--per-registry", str(per_registry), "tree"]
        served = registry.served()
        with open(os.path.join(self.work, "streamlock.err"), "w") as err:
            run = timed(cmd, cwd=tree_dir, env=self.env, stderr=err)
        run["served"] = registry.served() - served
        if run["rc"] not in (0, 1):
            sys.exit(f"streamlock failed ({run['rc']}): see {err.name}")
        with open(report) as f:
            doc = json.load(f)
        want = expected(tree_dir)
        # A Legacy import of a list needs the list's body: one GET on top of the HEAD.
        lists = sum(1 for mode, digest, top in want.values() if mode == "Legacy" and digest not in (top, "NotFound"))
        missing = sum(1 for _, digest, _ in want.values() if digest == "NotFound")
        # The importer checks every child of a PreserveOriginal list (one request each, once per run).
        children = len(PLATFORMS) * sum(1 for mode, digest, _ in want.values()
                                        if mode == "PreserveOriginal" and digest != "NotFound")
        run.update(lookups=doc["summary"]["lookups"], requests=doc["summary"]["requests"], legacy_lists=lists,
                   children=children,
                   missing=missing, registries=doc["summary"].get("registries"),
                   check=check_streamlock(doc, want))
        return run

    def skopeo(self, tree_dir, addr, parallel, refs=None):
        """One `skopeo inspect` per unique reference, P at a time; prints `REF<TAB>digest or !error`."""
        want = expected(tree_dir)
        refs = refs or sorted(want)
        listing = os.path.join(self.work, "refs.txt")
        with open(listing, "w") as f:
            f.write("".join(r.replace("registry.example.com", addr, 1) + "\n" for r in refs))
        script = ('out=$(skopeo inspect --tls-verify=false --format "{{.Digest}}" "docker://$0" 2>&1) '
                  '&& printf "%s\\t%s\\n" "$0" "$out" || printf "%s\\t!%s\\n" "$0" "$(echo "$out" | tail -1)"')
        out_path = os.path.join(self.work, "skopeo.out")
        served = self.registry.served()
        with open(listing) as stdin, open(out_path, "w") as out:
            run = timed(["xargs", "-P", str(parallel), "-n", "1", "sh", "-c", script], env=self.env,
                        stdin=stdin, stdout=out)
        run["served"] = self.registry.served() - served
        wrong = []
        for line in open(out_path):
            ref, got = line.rstrip("\n").split("\t", 1)
            _, _, top = want[ref.replace(addr, "registry.example.com", 1)]
            if not (got == top or (top == "NotFound" and got.startswith("!"))):
                wrong.append(f"{ref}: {got}")
        run["check"] = {"refs": len(refs), "answered": sum(1 for _ in open(out_path)), "wrong": len(wrong),
                        "examples": wrong[:5]}
        return run

    def head_floor(self, tree_dir, addr, parallel):
        """head_floor.py on the same references: one HEAD each (a PreserveOriginal list's body and a
        HEAD per child, the importer's checks), the practical floor."""
        want = expected(tree_dir)
        listing = os.path.join(self.work, "heads.txt")
        with open(listing, "w") as f:
            f.write("".join(r.split("/", 1)[1] + ("\tchildren" if want[r][0] == "PreserveOriginal" else "") + "\n"
                            for r in sorted(want)))
        out_path = os.path.join(self.work, "heads.out")
        with open(listing) as stdin, open(out_path, "w") as out:
            run = timed([sys.executable, os.path.join(HERE, "head_floor.py"), addr, str(parallel)], stdin=stdin,
                        stdout=out)
        wrong = []
        for line in open(out_path):
            ref, got = line.rstrip("\n").split("\t", 1)
            top = want["registry.example.com/" + ref][2]
            if not (got == top or (top == "NotFound" and got == "!404")):
                wrong.append(f"{ref}: {got}")
        run["check"] = {"refs": len(want), "wrong": len(wrong), "examples": wrong[:5]}
        return run

    def tree(self, n, tags_per_stream=4):
        out = os.path.join(self.work, f"refs-{n}-{tags_per_stream}")
        subprocess.run([sys.executable, os.path.join(HERE, "streams.py"), self.images, str(n), out,
                        str(tags_per_stream)], check=True)
        return out

    def push(self, repos, tags):
        self.images = os.path.join(self.work, "images.tsv")
        start = time.monotonic()
        subprocess.run([sys.executable, os.path.join(HERE, "images.py"), self.registry.addr, str(repos), str(tags),
                        self.images], check=True)
        return {"repos": repos, "tags": repos * tags, "seconds": round(time.monotonic() - start, 2)}


def bound(lookups, parallel, rtt_ms):
    """The latency floor: one round trip per lookup on `parallel` kept-alive connections, plus set-up."""
    return (math.ceil(lookups / parallel) + 1) * rtt_ms / 1000


def median_run(runs):
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def main():
    binary, results_path = os.path.abspath(sys.argv[1]), sys.argv[2]
    quick = "--quick" in sys.argv[3:]
    sizes, rss_tags, push = ([100], [110], (20, 6)) if quick else ([500, 2000], [2000, 10000], (900, 10))
    repeats = 1 if quick else 3
    # In memory where the machine has a tmpfs: the registry's storage is tens of thousands of small
    # files, and a disk shared with other work makes its reads (and their removal) slow and uneven.
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="streamlock-bench-", dir=shm)
    bench = Bench(binary, work, quick)
    skopeo = shutil.which("skopeo") is not None
    results = {"quick": quick, "defaults": {"jobs": DEFAULT_JOBS, "per_registry": DEFAULT_PER_REGISTRY},
               "machine": machine(binary), "skopeo_installed": skopeo, "runs": [], "sweep": [], "tls": [],
               "rss": []}
    try:
        results["push"] = bench.push(*push)
        trees = {n: bench.tree(n) for n in sizes}
        for rtt in [0, 50]:
            proxy = Proxy(bench.registry.addr, rtt) if rtt else None
            addr = proxy.addr if proxy else bench.registry.addr
            for n in sizes:
                ours = [bench.streamlock(trees[n], addr) for _ in range(repeats)]
                floor = median_run([bench.head_floor(trees[n], addr, PARALLEL) for _ in range(repeats)])
                theirs = bench.skopeo(trees[n], addr, PARALLEL) if skopeo else None
                run = median_run(ours)
                results["runs"].append({
                    "refs": n, "rtt_ms": rtt, "parallel": PARALLEL, "streamlock": run,
                    "streamlock_all": [r["seconds"] for r in ours],
                    "all_correct": all(r["check"]["wrong"] == 0 for r in ours),
                    "skopeo": theirs, "head_floor": floor, "bound_s": bound(run["lookups"] + run["children"], PARALLEL, rtt),
                })
                print(f"{n} refs, {rtt} ms: streamlock {run['seconds']} s, HEAD floor {floor['seconds']} s, "
                      f"skopeo {theirs and theirs['seconds']} s, load {run['load']}", file=sys.stderr)
            if proxy:
                # Which concurrency: the largest tree at 50 ms, each setting once.
                n = sizes[-1]
                for p in SWEEP[1:3] if quick else SWEEP:
                    run = bench.streamlock(trees[n], addr, jobs=p, per_registry=p)
                    results["sweep"].append({"refs": n, "rtt_ms": rtt, "parallel": p, "streamlock": run,
                                             "head_floor": bench.head_floor(trees[n], addr, p),
                                             "bound_s": bound(run["lookups"] + run["children"], p, rtt)})
                proxy.stop()
        results["tls"] = tls_protocols(bench, trees[sizes[-1]], repeats)
        results["rss"] = [peak_rss(bench, tags, repeats) for tags in rss_tags]
        results["cold"] = cold_start(bench, skopeo)
        results["write_back"] = write_back(bench, sizes[-1])
        with open(results_path, "w") as f:
            json.dump(results, f, indent=1)
    finally:
        for registry in [bench.registry, *((bench.tls or {}).get(k) for k in ("h2", "http/1.1"))]:
            if registry:
                registry.stop()
        print(f"removing {work}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


def tls_protocols(bench, tree_dir, repeats):
    """HTTP/2 against HTTP/1.1 at 50 ms on the TLS + basic-auth registries, same references and P."""
    bench.start_tls()
    rows = []
    for protocol in ("h2", "http/1.1"):
        registry = bench.tls[protocol]
        proxy = Proxy(registry.addr, 50)
        runs = [bench.streamlock(tree_dir, proxy.addr, registry=registry, extra=bench.tls_args(proxy.addr))
                for _ in range(repeats)]
        proxy.stop()
        run = median_run(runs)
        rows.append({"protocol": protocol, "logged_protocols": registry.protocols(),
                     "refs": run["lookups"], "rtt_ms": 50, "parallel": PARALLEL,
                     "streamlock": run, "streamlock_all": [r["seconds"] for r in runs],
                     "all_correct": all(r["check"]["wrong"] == 0 for r in runs),
                     "bound_s": bound(run["lookups"] + run["children"], PARALLEL, 50)})
        print(f"TLS {protocol}: streamlock {run['seconds']} s", file=sys.stderr)
    return rows


def peak_rss(bench, tags, repeats):
    """Peak RSS of a whole `import --diff --all` at 0 ms over about `tags` tags (one in eleven repeats
    a reference, as in streams.py)."""
    tree_dir = bench.tree(tags * 10 // 11, tags_per_stream=5)
    runs = [bench.streamlock(tree_dir, bench.registry.addr) for _ in range(repeats)]
    run = max(runs, key=lambda r: r["rss_mib"] or 0)
    return {"tags": run["check"]["tags"], "lookups": run["lookups"], "rss_mib": run["rss_mib"],
            "rss_all": [r["rss_mib"] for r in runs], "seconds": run["seconds"],
            "all_correct": all(r["check"]["wrong"] == 0 for r in runs)}


def cold_start(bench, skopeo):
    """One stream with one tag at 0 ms: streamlock's whole run against one `skopeo inspect`."""
    out = os.path.join(bench.work, "cold")
    os.makedirs(os.path.join(out, "tree"))
    rows = [line.split("\t") for line in open(bench.images)]
    repo, tag, _, digest, amd64 = rows[0]
    with open(os.path.join(out, "tree", "one.yaml"), "w") as f:
        f.write("apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: one\nspec:\n  tags:\n"
                f"  - name: a\n    from:\n      kind: DockerImage\n      name: registry.example.com/{repo}:{tag}\n")
    with open(os.path.join(out, "expected.tsv"), "w") as f:
        f.write(f"registry.example.com/{repo}:{tag}\tLegacy\t{amd64.strip()}\t{digest}\n")
    addr = bench.registry.addr
    ours = [bench.streamlock(out, addr) for _ in range(5)]
    theirs = [bench.skopeo(out, addr, 1) for _ in range(5)] if skopeo else []
    return {"streamlock": median_run(ours), "skopeo": theirs and median_run(theirs),
            "all_correct": all(r["check"]["wrong"] == 0 for r in ours + theirs)}


def write_back(bench, n):
    """Issue 4's targets at 0 ms: `--write` with nothing to change against `--check` on ~1,000
    streams, and the pre-commit `--check --offline` on 3 files."""
    tree_dir = bench.tree(n, tags_per_stream=max(1, round(n * 1.1 / 1000)))
    addr = bench.registry.addr
    first = bench.streamlock(tree_dir, addr, mode=("--write", "--all"))
    streams = sum(len(files) for _, _, files in os.walk(os.path.join(tree_dir, "tree")))
    check = [bench.streamlock(tree_dir, addr, mode=("--check", "--all")) for _ in range(3)]
    write = [bench.streamlock(tree_dir, addr, mode=("--write", "--all")) for _ in range(3)]
    unchanged = all(r["check"]["wrong"] == 0 for r in [first, *check, *write])
    three = os.path.join(bench.work, "three")
    os.makedirs(three)
    for name in sorted(os.listdir(os.path.join(tree_dir, "tree")))[:3]:
        d = os.path.join(tree_dir, "tree", name)
        shutil.copy(os.path.join(d, sorted(os.listdir(d))[0]), os.path.join(three, name + ".yaml"))
    offline = [timed([bench.binary, "import", "--check", "--offline", three], env=bench.env) for _ in range(10)]
    return {"streams": streams, "first_write": first, "check": median_run(check), "write": median_run(write),
            "all_correct": unchanged, "offline_check_3_files": median_run(offline),
            "offline_rc": [r["rc"] for r in offline]}


def machine(binary):
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    mem = next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "mem_gib": round(int(mem) / 1024 / 1024, 1), "load_start": load(),
            "streamlock": run([binary, "--version"]),
            "skopeo": run(["skopeo", "--version"]), "registry": run(["docker-registry", "--version"]),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


if __name__ == "__main__":
    main()
