#!/usr/bin/env python3
"""The least a client can do: one HEAD per reference with every manifest type in Accept, P kept-alive
connections, nothing else (no challenge, no GET for lists, no retries). Its time on the same machine,
registry and delay line is the practical floor that streamlock is compared with.

Usage: head_floor.py HOST:PORT P < references (REPOSITORY:TAG per line)
Prints `REPOSITORY:TAG<TAB>digest or !STATUS` per line.
"""
import http.client
import queue
import sys
import threading

ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])


def worker(host, work, out):
    conn = http.client.HTTPConnection(host, timeout=60)
    while True:
        try:
            ref = work.get_nowait()
        except queue.Empty:
            return
        repo, _, tag = ref.rpartition(":")
        conn.request("HEAD", f"/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT})
        response = conn.getresponse()
        response.read()
        digest = response.getheader("Docker-Content-Digest")
        out.append(f"{ref}\t{digest if response.status == 200 and digest else '!' + str(response.status)}")


def main():
    host, parallel = sys.argv[1], int(sys.argv[2])
    work, out = queue.Queue(), []
    for line in sys.stdin:
        if line.strip():
            work.put(line.strip())
    threads = [threading.Thread(target=worker, args=(host, work, out)) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("\n".join(out))


if __name__ == "__main__":
    main()
