#!/usr/bin/env python3
"""Pushes many small synthetic images to a plain-HTTP registry through its HTTP API and writes what
the registry now holds, one tag per line: repository, tag, kind, digest, amd64 child digest.

Usage: images.py REGISTRY(host:port) REPOS TAGS_PER_REPO OUT.tsv

Kinds rotate per tag: Docker schema2, OCI manifest, Docker manifest list, OCI index (the lists have
linux/amd64, arm64/v8, ppc64le, s390x children). Blobs are tiny — one layer per repository and one
config per image — and every worker keeps its connection alive, so thousands of tags push in seconds.
"""
import hashlib
import http.client
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

DOCKER = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
# Singles are the common case; one tag in four is a list, as in the wild.
KINDS = ["schema2", "oci", "schema2", "oci", "schema2", "oci", "docker-list", "oci-index"]
PLATFORMS = [("amd64", None), ("arm64", "v8"), ("ppc64le", None), ("s390x", None)]


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Client(threading.local):
    """One kept-alive connection per worker thread."""

    def __init__(self, registry):
        self.registry = registry
        self.conn = None

    def request(self, method, path, body=b"", headers=None, expect=(201, 202)):
        for attempt in range(3):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.registry, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if response.status not in expect:
                raise RuntimeError(f"{method} {path}: HTTP {response.status}")
            return response


def push_blob(client, repo, data):
    digest = sha(data)
    location = client.request("POST", f"/v2/{repo}/blobs/uploads/").getheader("Location")
    if location.startswith("http"):
        location = "/" + location.split("/", 3)[3]
    joiner = "&" if "?" in location else "?"
    client.request("PUT", f"{location}{joiner}digest={digest}", data,
                   {"Content-Type": "application/octet-stream"})
    return digest


def push_manifest(client, repo, reference, media_type, body):
    response = client.request("PUT", f"/v2/{repo}/manifests/{reference}", body, {"Content-Type": media_type})
    digest = response.getheader("Docker-Content-Digest")
    if digest != sha(body):
        raise RuntimeError(f"{repo}:{reference}: registry holds {digest}, expected {sha(body)}")
    return digest


def image(client, repo, tag, arch, variant, oci, layer):
    config = json.dumps({"architecture": arch, "os": "linux", "variant": variant,
                         "config": {"Labels": {"bench": f"{repo}:{tag}"}},
                         "rootfs": {"type": "layers", "diff_ids": [layer[0]]}}).encode()
    media = OCI if oci else DOCKER
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": media,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json" if oci
                   else "application/vnd.docker.container.image.v1+json",
                   "digest": push_blob(client, repo, config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip" if oci
                    else "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "digest": layer[0], "size": layer[1]}],
    }).encode()
    return media, manifest


def push_tag(client, repo, tag, kind, layer):
    oci = kind in ("oci", "oci-index")
    if kind in ("schema2", "oci"):
        media, body = image(client, repo, tag, "amd64", None, oci, layer)
        digest = push_manifest(client, repo, tag, media, body)
        return digest, digest
    entries = []
    for arch, variant in PLATFORMS:
        media, body = image(client, repo, tag, arch, variant, oci, layer)
        child = push_manifest(client, repo, sha(body), media, body)
        platform = {"architecture": arch, "os": "linux", **({"variant": variant} if variant else {})}
        entries.append({"mediaType": media, "digest": child, "size": len(body), "platform": platform})
    media = OCI_INDEX if oci else DOCKER_LIST
    body = json.dumps({"schemaVersion": 2, "mediaType": media, "manifests": entries}).encode()
    return push_manifest(client, repo, tag, media, body), entries[0]["digest"]


def push_repo(client, index, tags):
    repo = f"bench/app{index:03d}"
    layer_bytes = f"layer of {repo}".encode()
    layer = (push_blob(client, repo, layer_bytes), len(layer_bytes))
    rows = []
    for t in range(tags):
        kind = KINDS[(index + t) % len(KINDS)]
        digest, amd64 = push_tag(client, repo, f"v{t}", kind, layer)
        rows.append((repo, f"v{t}", kind, digest, amd64))
    return rows


def main():
    registry, repos, tags, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    client = Client(registry)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: push_repo(client, i, tags), range(repos)))
    with open(out, "w") as f:
        for rows in results:
            for row in rows:
                f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
