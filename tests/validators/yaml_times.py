"""Loads each YAML file with PyYAML, a YAML 1.1 reader as Ansible uses, and fails unless every
`created` and `lastTransitionTime` it holds loads as a string (a plain RFC 3339 time would load as a
datetime). Prints how many it saw as JSON."""
import json
import sys

import yaml


def times(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("created", "lastTransitionTime"):
                yield key, value
            else:
                yield from times(value)
    elif isinstance(node, list):
        for item in node:
            yield from times(item)


seen = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for doc in yaml.safe_load_all(f):
            for key, value in times(doc):
                if not isinstance(value, str):
                    sys.exit(f"{path}: {key} loads as {type(value).__name__}: {value!r}")
                seen += 1
print(json.dumps({"times": seen}))
