#!/usr/bin/env python3
"""Write tests/fixtures/table/types.json: the dtype and cells pandas gives
each column of tests/fixtures/table/types.csv, read by `pandas.read_csv`
with its defaults. `logreg::data::read_table`'s tests hold its column types
to these: int64, float64, bool or object (missing cells as null, object
cells as str() prints them).

Also writes tests/fixtures/table/spellings.csv (written here, one column
per case below: cells with spaces around them, bools in any case, NaN and
infinity spellings, NA markers with spaces, integers beyond 2^53, int64
and uint64, in the orders where pandas' order of tries decides the dtype)
and spellings.json, the same record of what pandas read, with float cells
as repr() strings (JSON has no inf).

Run: python scripts/make_table_fixtures.py (needs pandas)
"""
import json
import math
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "table"


def cell(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):  # numpy scalar
        v = v.item()
    return v


BIG = "9223372036854775808"  # 2**63: beyond int64, within uint64
HUGE = "18446744073709551616"  # 2**64: beyond uint64
LOW = "-9223372036854775809"  # below int64
SPELLINGS = [
    ["1", " 1.5"], ["1.5 ", "2"], [" 1", "2 "], ["\t1", "2"],
    ["True", " True"], ["True", "False "], ["tRUE", "fALSE"], ["TRUE", "false"],
    ["True", "NA", "FaLsE"], ["T", "F"], ["True", "1"],
    ["NAN", "1"], ["nAn", "1"], ["+nan", "1"], ["-NAN", "1"], ["-NaN", "1"],
    ["1e400", "1"], ["-1e400", "1"], ["1e-400", "1"], ["1.7976931348623159e308", "1"],
    ["inf ", "1"], [" inf", "1"], ["inf", "1"], ["-inf", "1"], ["Infinity", "1"],
    ["iNf", "1"], ["+INFINITY", "2"], ["nan(1)", "1"], ["1.#INF", "1"],
    [" NA", "1"], ["NA ", "1"], ["  ", "1"], [" ", "1.5"], ["", "1"],
    ["90071992547409921", "90071992547409920", "90071992547409922"],
    ["90071992547409921", "90071992547409920", "1.5"],
    ["9223372036854775807", "-9223372036854775808"],
    [BIG, "1"], [BIG, " 2"], [HUGE, "1"], [LOW, "1"], [LOW, "1.5"],
    [BIG, "-1"], ["-1", BIG], [BIG, "NA"], ["NA", BIG], [LOW, "NA"],
    [BIG, "inf"], ["inf", BIG], [HUGE, "inf"], ["inf", HUGE], [BIG, "nan"],
    [BIG, "True"], [BIG, "1e3"], ["1", "NA"], ["NA", "NA"], ["1_000", "2"],
    ["0x10", "1"], ["1e", "2"], [".", "2"], ["+.5", "2"], ["1.e5", "2"], ["-0", "1"],
]


def float_cell(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else repr(float(v))


def spellings():
    rows = max(len(c) for c in SPELLINGS)
    cols = [c + [c[0]] * (rows - len(c)) for c in SPELLINGS]
    names = [f"c{i}" for i in range(len(cols))]
    lines = [",".join(names)] + [",".join(c[r] for c in cols) for r in range(rows)]
    (HERE / "spellings.csv").write_text("\n".join(lines) + "\n")
    frame = pd.read_csv(HERE / "spellings.csv")
    # The values of float cells as the nearest double (logreg rounds
    # correctly; pandas' default float parser can miss by an ulp on 19+
    # digits); the dtypes are the default reader's (round_trip reads 1e400
    # as inf where the default reads text).
    exact = pd.read_csv(HERE / "spellings.csv", float_precision="round_trip")
    out = {}
    for name in names:
        col = frame[name]
        dtype = str(col.dtype)
        cells = [cell(v) for v in col.tolist()]
        if dtype == "object":
            cells = [None if c is None else str(c) for c in cells]
        if dtype == "float64":
            assert str(exact[name].dtype) == dtype, name
            cells = [float_cell(cell(v)) for v in exact[name].tolist()]
        out[name] = {"dtype": dtype, "cells": cells}
    text = json.dumps(out, indent=1) + "\n"
    (HERE / "spellings.json").write_text(text)


def main():
    spellings()
    frame = pd.read_csv(HERE / "types.csv")
    out = {}
    for name in frame.columns:
        if name.startswith("Unnamed:"):
            continue  # the index: no name to ask for
        col = frame[name]
        dtype = str(col.dtype)
        cells = [cell(v) for v in col.tolist()]
        if dtype == "object":
            cells = [None if c is None else str(c) for c in cells]
        out[name] = {"dtype": dtype, "cells": cells}
    text = json.dumps(out, indent=1) + "\n"
    (HERE / "types.json").write_text(text)


if __name__ == "__main__":
    main()
