#!/usr/bin/env python3
"""Write tests/fixtures/reference_values.json: reference values that unit
tests compare against, recorded from the libraries logreg imitates.

Why: tests must not carry typed-in numbers or strings whose only source is
someone running Python once. Each value below is what Python's standard
library, scipy or numpy returns for the listed input, so the expected
values come from those libraries, not from the Rust code or a hand.

What ("versions": the Python, numpy and scipy that made it; then one key
per test that reads it, through src/reference_values.rs):
  "strftime_utc"  statsmodels prints the summary's Date and Time with
                  `time.strftime("%a, %d %b %Y")` and `"%H:%M:%S"`; logreg
                  renders SOURCE_DATE_EPOCH in UTC. For each epoch second:
                  {"source_date_epoch", "date", "time"} from
                  `time.gmtime(t)` (C locale). Read by src/glm/summary.rs.
  "two_sided_p"   statsmodels' GLM p-values `2 * scipy.stats.norm.sf(|z|)`:
                  {"z", "p"}. Read by src/glm/results.rs.
  "norm_ppf"      `scipy.stats.norm.ppf(q)` (the confidence interval's
                  quantile): {"q", "ppf"}. Read by src/glm/results.rs.
  "std_ddof1"     `numpy.std(v, ddof=1)` (repeat's spread):
                  {"values", "std"}. Read by src/study/summary.rs.
  "py_str"        Python's `str(x)` of a float (the summary's interval
                  labels): {"x": repr(x), "str": str(x)}; x travels as its
                  repr so that nan and inf fit in JSON. Read by
                  src/glm/pyfmt.rs.
  "center"        Python's `s.center(width)` (the summary's title):
                  {"s", "width", "centered"}. Read by src/glm/pyfmt.rs.
Floats are written by json.dumps (Python's repr: shortest round trip), so
each parses back to the same f64. Written with indent=1 and a final newline.

Usage: ~/.cache/logreg/venv/bin/python scripts/make_reference_values.py [OUT]
(default OUT: tests/fixtures/reference_values.json next to this script).
"""
import json
import locale
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

# Epoch seconds: the epoch and the second before it, the fixtures' clock
# (tests/fixtures/glm/*.json), leap days (2000, 2024 and the non-leap 2100's
# 1 March), the last second of a year, the 32-bit time_t limit (2038) and a
# second past it, and a date far past it (year 3000).
EPOCHS = [
    0,
    -1,
    1764288000,
    951782400,
    1709209296,
    1798761599,
    2147483647,
    2147483648,
    4107542400 + 45296,
    32503680000 + 3723,
]

# z values: a small one, the 5 % point, a tail near 5.6 (where computing
# the p-value as 2*ndtr(-|z|) instead of erfc loses 7e-10 relative), zero,
# and a far tail (the lecture's x1).
Z = [0.5, -1.96, 5.599, 0.0, -12.276]

Q = [0.975, 0.995, 0.95]

# Floats whose str() the summary can print: interval labels for common
# alphas (0.05 / 2, 1 - 0.1 / 2, ...), the fixed/scientific switch at 1e-4
# and 1e16, a sum that is not what it reads, signed zero, nan and inf.
PY_STR_INPUTS = [
    0.025, 0.975, 1.0 - 0.1 / 2.0, 0.05, 0.005, 1e-5, 5e-5, 0.0001, 1.5e-7,
    1.0, -0.0, 123456.0, 1e16, 1.2345e16, 999999999999999.9, 0.1 + 0.2,
    float("nan"), float("-inf"),
]

# Odd and even paddings with odd and even widths, and a width below the
# length.
CENTER_INPUTS = [("ab", 5), ("abc", 6), ("a", 4), ("ab", 7), ("abcd", 2),
                 ("Generalized Linear Model Regression Results", 78)]

STD_INPUTS = [[1.0, 2.0, 3.0, 4.0], [0.424312, -1.220019, 2.110041]]


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "reference_values.json"
    )
    locale.setlocale(locale.LC_TIME, "C")
    values = {
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "strftime_utc": [
            {
                "source_date_epoch": t,
                "date": time.strftime("%a, %d %b %Y", time.gmtime(t)),
                "time": time.strftime("%H:%M:%S", time.gmtime(t)),
            }
            for t in EPOCHS
        ],
        "two_sided_p": [{"z": z, "p": float(2 * stats.norm.sf(abs(z)))} for z in Z],
        "norm_ppf": [{"q": q, "ppf": float(stats.norm.ppf(q))} for q in Q],
        "std_ddof1": [
            {"values": v, "std": float(np.std(np.array(v), ddof=1))} for v in STD_INPUTS
        ],
        "py_str": [{"x": repr(x), "str": str(x)} for x in PY_STR_INPUTS],
        "center": [{"s": t, "width": w, "centered": t.center(w)} for t, w in CENTER_INPUTS],
    }
    out.write_text(json.dumps(values, indent=1) + "\n")


if __name__ == "__main__":
    main()
