#!/usr/bin/env python3
"""Write tests/fixtures/numfmt/repr_vectors.json: Python's `repr` of floats.

Why: the CSV outputs (`simulate`, `predict`, `nn --trace`) write every
number as Python's `repr` does (src/numfmt.rs, `Short`): the shortest digits
that read back as the same double, in scientific notation below 1e-4 and
from 1e16 on, so that Python, numpy, R and pandas read the values written.
Its test `matches_python_repr_vectors` compares `Short` with what this
script records from Python itself, so the expected strings come from Python,
not from the Rust code.

What: a JSON list of [bits, repr] pairs, bits being the double's IEEE 754
bit pattern as an unsigned integer: the thresholds where repr switches to
an exponent and their neighbours, signed zeros, subnormals, the largest
double, infinities, and seeded random doubles over every exponent and over
the magnitudes of data, probabilities and coefficients.
Written one pair a line, with a final newline.

Usage: ~/.cache/logreg/venv/bin/python scripts/make_repr_vectors.py [OUT]
(default OUT: tests/fixtures/numfmt/repr_vectors.json next to this script).
"""
import json
import math
import random
import struct
import sys
from pathlib import Path


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def inputs() -> list:
    xs = [0.0, -0.0, 1.0, -3.0, 0.1, 0.5, 1 / 3, 5e-324, 2.2250738585072014e-308,
          1.7976931348623157e308, math.inf, -math.inf, 1.70e-45, 1.4659e-16,
          6.548681260e-131, 123456789.0, 2.0**53, 2.0**53 + 2, 1e15, 1e22, 1e23]
    for edge in [1e-4, 1e16, 1e-5, 1e15, 1.0, 0.001]:
        for x in [edge, -edge]:
            xs += [math.nextafter(x, -math.inf), x, math.nextafter(x, math.inf)]
    rng = random.Random(20261206)
    # Every exponent: random bit patterns (NaNs left out).
    while len(xs) < 1500:
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if not math.isnan(x):
            xs.append(x)
    # The magnitudes of the outputs: data, probabilities, coefficients.
    for _ in range(500):
        xs.append(rng.uniform(-3, 3))
        xs.append(1 / (1 + math.exp(-rng.gauss(0, 30))))
        xs.append(rng.gauss(0, 1) * 10.0 ** rng.randint(-20, 20))
        xs.append(float(rng.randint(-10**17, 10**17)))
    return xs


def main() -> None:
    default = Path(__file__).resolve().parent.parent / "tests/fixtures/numfmt/repr_vectors.json"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    rows = [[bits(x), repr(x)] for x in inputs()]
    out.write_text("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n")
    print(f"wrote {out} ({len(rows)} vectors)", file=sys.stderr)


if __name__ == "__main__":
    main()
