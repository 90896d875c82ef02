#!/usr/bin/env python3
"""Writes a GitOps-style tree of ImageStream YAML whose tags reference N unique images, and the list
of what each reference should resolve to.

Usage: streams.py IMAGES.tsv N OUT_DIR [TAGS_PER_STREAM (default 4)]

References are spelled `registry.example.com/REPO:TAG` (a mirror rule sends that host to the bench
registry). One in twenty is missing: half a tag that was never pushed, half a repository that does not
exist. Half of the list references are imported with `importMode: PreserveOriginal`, the rest Legacy
(which records the linux/amd64 child). One tag in ten repeats a reference another tag already uses
(same mode), so streams outnumber lookups as they do in real repositories.

OUT_DIR/tree/ holds the YAML; OUT_DIR/expected.tsv has one line per unique reference:
reference, mode, what streamlock must record (a digest or NotFound), what the tag itself points at
(the top-level digest skopeo prints, or NotFound).
"""
import os
import random
import sys

HOST = "registry.example.com"


def main():
    images, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    tags_per_stream = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    rng = random.Random(1)  # the same tree every run
    rows = [line.rstrip("\n").split("\t") for line in open(images)]
    rng.shuffle(rows)
    missing = max(2, n // 20)
    if n - missing > len(rows):
        sys.exit(f"streams.py: {n} references need {n - missing} pushed tags, only {len(rows)} exist")
    refs = []  # (reference, mode, streamlock expects, tag points at)
    for i, (repo, tag, kind, digest, amd64) in enumerate(rows[: n - missing]):
        is_list = kind in ("docker-list", "oci-index")
        mode = "PreserveOriginal" if is_list and i % 2 else "Legacy"
        expected = amd64 if mode == "Legacy" else digest
        refs.append((f"{HOST}/{repo}:{tag}", mode, expected, digest))
    for i in range(missing):
        ref = f"{HOST}/{rows[i][0]}:never-pushed-{i}" if i % 2 else f"{HOST}/bench/gone{i:03d}:v0"
        refs.append((ref, "Legacy", "NotFound", "NotFound"))
    rng.shuffle(refs)

    tags = list(refs) + [rng.choice(refs) for _ in range(n // 10)]
    rng.shuffle(tags)
    tree = os.path.join(out, "tree")
    for s in range(0, len(tags), tags_per_stream):
        stream = s // tags_per_stream
        directory = os.path.join(tree, f"team{stream % 20:02d}")
        os.makedirs(directory, exist_ok=True)
        lines = ["apiVersion: image.openshift.io/v1", "kind: ImageStream", "metadata:",
                 f"  name: stream{stream:04d}", f"  namespace: team{stream % 20:02d}", "spec:", "  tags:"]
        for t, (ref, mode, _, _) in enumerate(tags[s : s + tags_per_stream]):
            lines += [f"  - name: t{t}", "    from:", "      kind: DockerImage", f"      name: {ref}"]
            if mode != "Legacy":
                lines += ["    importPolicy:", f"      importMode: {mode}"]
        with open(os.path.join(directory, f"stream{stream:04d}.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, "expected.tsv"), "w") as f:
        for row in sorted(refs):
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
