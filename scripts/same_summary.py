#!/usr/bin/env python3
"""Are two `logreg repeat --json` / `logreg summarize --json` outputs the
same study summary? Compares the two JSON objects after dropping, at every
depth, the keys ending in `_s` (timings). Numbers must be equal exactly:
the merged summary of a sharded or resumed study is the single run's bit
for bit. Prints the first differing paths and exits 1 if they differ, 0 if
they are equal, 2 if a file cannot be read as one JSON object.

    python scripts/same_summary.py single.json sharded.json
"""
import json
import sys

SHOWN = 10  # differing paths printed before "... and N more"


def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if not k.endswith("_s")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'the first' if k in a else 'the second'}")
            else:
                diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: {json.dumps(a)} != {json.dumps(b)}")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
    except (OSError, ValueError) as e:
        print(f"same_summary: error: {path}: {e}", file=sys.stderr)
        sys.exit(2)
    if not isinstance(v, dict):
        print(f"same_summary: error: {path}: not a JSON object", file=sys.stderr)
        sys.exit(2)
    return v


def main(argv):
    if len(argv) != 2:
        print("usage: same_summary.py FILE1 FILE2", file=sys.stderr)
        sys.exit(2)
    out = []
    diff(strip(load(argv[0])), strip(load(argv[1])), "$", out)
    if out:
        for line in out[:SHOWN]:
            print(f"same_summary: {line}", file=sys.stderr)
        if len(out) > SHOWN:
            print(f"same_summary: ... and {len(out) - SHOWN} more", file=sys.stderr)
        print(f"same_summary: {argv[0]} and {argv[1]} differ (ignoring keys ending in _s)", file=sys.stderr)
        sys.exit(1)
    print(f"same_summary: {argv[0]} and {argv[1]} are the same (ignoring keys ending in _s)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
