#!/usr/bin/env python3
"""Write tests/fixtures/table/types.json: the dtype and cells pandas gives
each column of tests/fixtures/table/types.csv, read by `pandas.read_csv`
with its defaults. `logreg::data::read_table`'s tests hold its column types
to these: int64, float64, bool or object (missing cells as null, object
cells as str() prints them).

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


def main():
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
