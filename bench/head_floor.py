#!/usr/bin/env python3
"""The least a client can do: one HEAD per reference with every manifest type in Accept, P kept-alive
connections, nothing else (no challenge, no GET for Legacy lists, no retries). A reference marked
`children` (a PreserveOriginal list) is fetched with a GET and each child in its body then HEADed, the
checks the importer makes. Its time on the same machine, registry and delay line is the practical floor
that streamlock is compared with.

Usage: head_floor.py HOST:PORT P < references (`REPOSITORY:TAG` or `REPOSITORY:TAG<TAB>children` per line)
Prints `REPOSITORY:TAG<TAB>digest or !STATUS` per reference (not per child).
"""
import http.client
import json
import queue
import sys
import threading

ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])


class Work:
    """A queue that knows when nothing is left: children are added while lists are being read."""

    def __init__(self):
        self.items, self.pending, self.lock = queue.Queue(), 0, threading.Lock()

    def put(self, item):
        with self.lock:
            self.pending += 1
        self.items.put(item)

    def get(self):
        while True:
            with self.lock:
                if self.pending == 0:
                    return None
            try:
                return self.items.get(timeout=0.001)
            except queue.Empty:
                continue

    def done(self):
        with self.lock:
            self.pending -= 1


def worker(host, work, out):
    conn = http.client.HTTPConnection(host, timeout=60)
    while (item := work.get()) is not None:
        repo, reference, kind = item
        method = "GET" if kind == "children" else "HEAD"
        conn.request(method, f"/v2/{repo}/manifests/{reference}", headers={"Accept": ACCEPT})
        response = conn.getresponse()
        body = response.read()
        digest = response.getheader("Docker-Content-Digest")
        if kind == "children" and response.status == 200:
            for child in json.loads(body)["manifests"]:
                work.put((repo, child["digest"], "child"))
        if kind != "child":
            out.append(f"{repo}:{reference}\t{digest if response.status == 200 and digest else '!' + str(response.status)}")
        work.done()


def main():
    host, parallel = sys.argv[1], int(sys.argv[2])
    work, out = Work(), []
    for line in sys.stdin:
        if line.strip():
            ref, _, kind = line.strip().partition("\t")
            repo, _, tag = ref.rpartition(":")
            work.put((repo, tag, kind or "head"))
    threads = [threading.Thread(target=worker, args=(host, work, out)) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("\n".join(out))


if __name__ == "__main__":
    main()
