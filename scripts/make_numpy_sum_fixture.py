#!/usr/bin/env python3
"""numpy's sum of blocks of at most 128 values, the bits of each input and
of np.sum's result, for the IRLS pass's block sum of the deviance
(src/glm/irls.rs, numpy_block_sum).

numpy sums a float64 array pairwise; at most 128 values are one leaf of
that recursion: fewer than 8 one after another, else 8 lanes combined
pairwise, then the rest one after another. Values of mixed signs and
magnitudes (1e-8 to 1e8) make every order of addition give other bits.

    python scripts/make_numpy_sum_fixture.py   # writes tests/fixtures/numpy/block_sums.json
"""
import json
import platform
import struct
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "numpy" / "block_sums.json"


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", float(v)))[0]


def main():
    rng = np.random.default_rng(2027)
    cases = []
    lengths = list(range(0, 18)) + [23, 31, 32, 33, 63, 64, 65, 100, 121, 127, 128]
    for n in lengths * 2:
        v = rng.standard_normal(n) * 10.0 ** rng.uniform(-8, 8, n)
        if n and rng.uniform() < 0.2:
            v[rng.integers(n)] = -0.0
        cases.append({"values": [bits(x) for x in v], "sum": bits(np.sum(v))})
    # All negative zeros: the sum's sign shows where it starts.
    for n in (1, 7, 8, 9, 16):
        v = np.full(n, -0.0)
        cases.append({"values": [bits(x) for x in v], "sum": bits(np.sum(v))})
    meta = {"numpy": np.__version__, "machine": platform.machine()}
    OUT.write_text(json.dumps({"meta": meta, "cases": cases}) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
