"""Print criterion's results (target/criterion) as a markdown table.

    python scripts/criterion_table.py target/criterion

One row per benchmark: criterion's median time per iteration with its 95%
confidence interval, and the median throughput (bytes/s as MiB/s or GiB/s,
elements/s as µs per element), from each benchmark's new/estimates.json and
new/benchmark.json (criterion 0.7's layout).
"""
import json
import pathlib
import sys


def seconds(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main(root):
    rows = []
    for est in sorted(pathlib.Path(root).glob("**/new/estimates.json")):
        meta = json.loads((est.parent / "benchmark.json").read_text())
        e = json.loads(est.read_text())["median"]
        med, lo, hi = e["point_estimate"], e["confidence_interval"]["lower_bound"], e["confidence_interval"]["upper_bound"]
        rate = ""
        tp = meta.get("throughput") or {}
        if "Bytes" in tp:
            bps = tp["Bytes"] / (med * 1e-9)
            rate = f"{bps / 2**30:.2f} GiB/s" if bps >= 2**30 else f"{bps / 2**20:.0f} MiB/s"
        elif "Elements" in tp and tp["Elements"] > 1:
            rate = f"{seconds(med / tp['Elements'])} per element"
        rows.append((meta["full_id"], f"{seconds(med)} ({seconds(lo)}–{seconds(hi)})", rate))
    print()
    print("| hot path (criterion) | median per iteration (95% CI) | throughput |")
    print("|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
