#!/usr/bin/env python3
"""Write tests/fixtures/glm/format_vectors.json: Python's own formatting of
the numbers statsmodels' summary table prints.

Why: `logreg glm` prints statsmodels' summary table, whose cells are made by
Python's `%`-formatting and by statsmodels' `forg` (statsmodels.iolib.summary).
src/glm/pyfmt.rs reimplements both; its test `matches_python_format_vectors`
compares every value below with what this script records from Python itself,
so the expected strings come from Python, not from the Rust code.

What: one object per input number x, in the order of INPUTS:
  "x"        Python's `str(x)` (shortest round-trip form, as the Rust side
             parses it back);
  a spec     `spec % x` for each of SPECS (the formats the summary uses);
  "forg3"    statsmodels' `forg(x, 3)`; "forg4": `forg(x, 4)`.
Written as `json.dumps(rows, indent=0)` with no final newline.

Usage: ~/.cache/logreg/venv/bin/python scripts/make_format_vectors.py [OUT]
(default OUT: tests/fixtures/glm/format_vectors.json next to this script).
"""
import json
import math
import sys
from pathlib import Path

from statsmodels.iolib.summary import forg

# The %-formats of statsmodels' GLM summary (header values, coefficient
# table, confidence interval).
SPECS = ["%#8.5g", "%#6.3g", "%#6.4g", "%#6.3f", "%9.3g", "%9.3f", "%10.4g", "%10.4f"]

INPUTS = [
    # Ordinary summary magnitudes (deviance, log-likelihood, statistics,
    # coefficients, a tiny p-value).
    195.3298078205019,
    46.93,
    2.1786e-09,
    1.0,
    200.125202788543,
    -100.0626013942715,
    0.267912859211178,
    # Signed zero and the non-finite values.
    0.0,
    -0.0,
    math.nan,
    math.inf,
    # Where %g switches to exponent form, and rounding carries a digit.
    100000.0,
    99999.5,
    9999.95,
    # forg's thresholds at 1e-4 and 1e4.
    0.00012345,
    5e-05,
    -2.8457236567192012e-12,
    196.05834837192177,
    12995.21316727774,
    123448.41488468478,
    0.99999,
    0.0001,
    9.9999e-05,
    0.0005,
    0.00049,
    # One ulp above 1, and a large integer.
    1.0000000000000002,
    123456789.0,
]


def row(x: float) -> dict:
    out = {"x": str(x)}
    for spec in SPECS:
        out[spec] = spec % x
    out["forg3"] = forg(x, 3)
    out["forg4"] = forg(x, 4)
    return out


def main() -> None:
    default = Path(__file__).resolve().parent.parent / "tests/fixtures/glm/format_vectors.json"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    out.write_text(json.dumps([row(x) for x in INPUTS], indent=0))
    print(f"wrote {out} ({len(INPUTS)} vectors)", file=sys.stderr)


if __name__ == "__main__":
    main()
