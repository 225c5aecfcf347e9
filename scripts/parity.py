#!/usr/bin/env python3
"""Check `logreg` against the Python original (scripts/original.py), field by field.

For each case the data are written once to a CSV file (`logreg simulate` for
the simulated cases, statsmodels' bundled data sets for the real ones), or,
for the "own-sim" cases, not at all: both programs then simulate the
lecture's data from --seed themselves (numpy's draws in original.py, logreg's
port of them), and the commands below run without --data and --target. Then

    logreg --threads N --seed S compare --data F --target COL [settings] --json
    original.py --threads N --data F --target COL --seed S [same settings] --json
    logreg --threads N glm --data F --target COL   (text; SOURCE_DATE_EPOCH set)

are compared key by key with the tolerances below: the network must be
bit-identical (tolerance 0), the GLM within float64 rounding.

Both programs run here, on one machine, with one libtorch (2.13.0) and the
same thread count N (`--threads`, default 1): the conditions under which
PyTorch's numbers are reproducible at all. MKL and ATen choose kernels by
CPU, and reductions split their sums by thread, so the network's last bits
differ between machines and between thread counts (about 1e-7; see
scripts/kernel_spread.py), in PyTorch as in logreg. Under the same
conditions logreg runs PyTorch's kernels in PyTorch's order and must give
every bit. logreg's summary adds
numbered warnings under statsmodels' table (separation, no convergence);
statsmodels' has none, so they are left out of the text comparison. One row per case and
field, with the worst difference; exit status 1 on any mismatch, 2 if a
command could not run at all.

    python scripts/parity.py [--logreg target/release/logreg] [--threads N]
    python scripts/parity.py --data FILE --target COL [--standardize]

The second form checks one file at the default settings (seed 42, SGD,
lr 0.1, 10,000 steps) instead of the built-in list.

original.py is run in-process through its own `compare_json(argv)` (the
function its `--json` prints), which saves importing torch once per case;
`--subprocess` runs `python original.py ... --json` instead.
"""
import argparse
import difflib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# --------------------------------------------------------------------------
# Tolerances
# --------------------------------------------------------------------------
# GLM estimates, llf, deviance, AIC, BIC: relative 1e-9. Both sides run the
# same IRLS in float64 (statsmodels' _fit_irls: same start, same weights, same
# stopping rule, same final pinv refit), so they differ only by rounding in
# the least-squares solves (LAPACK through numpy vs libtorch): agreement of
# about 1e-15 relative is observed. 1e-9 leaves six orders
# of magnitude for ill-conditioned designs, and still fails on any real
# difference: one IRLS iteration more or less, a different start, clipping or
# deviance formula moves these values by far more. The other whole-data
# statistics computed from the same mu (llnull, null deviance, Pearson chi2,
# both pseudo R², the deviance history) are held to the same bound.
GLM_RTOL = 1e-9
# bse, z, p-values and confidence intervals: relative 1e-7. They come from the
# covariance, a pseudo-inverse of the weighted design, which amplifies the
# rounding of the solves by the condition number; p-values add the tail of
# the normal distribution (scipy's ndtr against logreg's erfc), whose
# relative accuracy is lower far out in the tail. Still far below the
# printed precision and below any formula difference (t vs z, a missing
# scale, n vs n-k).
GLM_INFERENCE_RTOL = 1e-7
# A coefficient smaller than 1e-14 of its standard error (the intercept of a
# perfectly separated fit, say) is the rounding noise of the least-squares
# solve: numpy's LAPACK and libtorch's do not agree on it to any relative
# precision. Such a coefficient, and its z-value, match when they differ by
# less than NOISE x bse (resp. NOISE), and their coef and z cells are masked
# in the summary text. The same rule as the GLM's known-answer tests.
NOISE = 1e-14
# Network: initial and trained parameters, and the final loss, exactly equal
# (tolerance 0). Both sides run the same float32 ops of the same libtorch
# (2.13.0) in the same order from the same seed, on the same machine at the
# same thread count, so every bit must agree; any difference is a bug (a
# different initialisation order, loss reduction, optimiser formula or
# summation order). Bit-identity is what is checked because it is what
# holds: with a column-major X (torch.tensor of a DataFrame's .values, whose
# matmul sums in another order) the difference was 7e-7 on the lecture's
# data, 1e-3 with RMSprop and 0.2 on unscaled spector, where plain SGD never
# settles and amplifies any last-bit difference: those cases are in the list
# for that. Across machines or thread counts the last bits move (about 1e-7,
# scripts/kernel_spread.py), which is why both sides get --threads N.
NN_ATOL = 0.0
# max_abs_diff is max |GLM - NN| on each side: with the networks equal it
# moves only with the GLM's rounding (1e-15 relative observed); 1e-9
# absolute is the GLM's own bound on coefficients of order 1.
MAX_ABS_DIFF_ATOL = NN_ATOL + 1e-9


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------
@dataclass
class Case:
    name: str
    # "sim" (a CSV from `logreg simulate`), "own-sim" (no CSV: each program
    # simulates the lecture's data from the seed itself), "spector",
    # "anes96", "separation" or a path
    data: str
    target: str = "y"
    seed: int = 42
    lr: float = 0.1
    steps: int = 10_000
    optimizer: str = "sgd"
    standardize: bool = False
    sim_args: list = field(default_factory=list)  # extra `logreg simulate` flags
    # Model flags (--link, --freq-weights, --var-weights, --offset), given
    # alike to `logreg compare`, `logreg glm` and original.py.
    model: list = field(default_factory=list)
    # A model formula (statsmodels' formula API) instead of `target`.
    formula: str = None


def data_flags(case):
    """`--formula F`, or `--target COL`."""
    if case.formula is not None:
        return ["--formula", case.formula]
    return ["--target", case.target]


FORMULA_FIT = HERE.parent / "tests" / "fixtures" / "formula_fit"

CASES = [
    # The lecture: n 1000, U(-3, 3)^2, beta (0.3, -1, 2), SGD lr 0.1, 10,000 steps.
    *[Case(f"lecture-seed{s}", "sim", seed=s) for s in (42, 1, 2, 3, 2024)],
    # No data file: original.py simulates with numpy from --seed, logreg
    # with its port of numpy's draws; the same data, so the same fits.
    *[Case(f"own-sim-seed{s}", "own-sim", seed=s) for s in (42, 0, 7, 4294967295)],
    # The study designs' data, drawn by each program: normal features with a
    # common correlation (numpy's legacy standard_normal), outcomes from the
    # probit, fitted with the logit (a misspecified model).
    Case("own-sim-normal-probit", "own-sim", seed=3,
         model=["--x-dist", "normal", "--x-corr", "0.5", "--true-link", "probit"]),
    # Three features, so the init draws k = 3 weights.
    Case("sim-k3", "sim", seed=7, sim_args=["--beta", "-0.5,1,-0.8,0.4"]),
    # Real data: Spector & Mazzeo (1980), GRADE ~ GPA + TUCE + PSI (n 32).
    # Unscaled, plain SGD at lr 0.1 oscillates without converging: a stress
    # test of bit-identity. Standardized, it converges to the GLM.
    Case("spector", "spector", target="GRADE"),
    Case("spector-std", "spector", target="GRADE", standardize=True),
    # Real data: 1996 American National Election Study (n 944), vote ~ 8
    # numeric features (age up to 91, income up to 24): needs --standardize.
    Case("anes96-std", "anes96", target="vote", standardize=True),
    # Perfect separation (x = linspace(-2, 2, 20), y = x > 0): 25 IRLS
    # iterations, a noise-sized intercept, warnings under logreg's summary.
    Case("separation", "separation"),
    # Non-default learning rate and steps.
    Case("lr0.05-steps3000", "sim", seed=5, lr=0.05, steps=3000),
    # The other optimisers, at torch's defaults apart from lr.
    Case("adam", "sim", seed=6, optimizer="adam", lr=0.01, steps=3000),
    Case("adamw", "sim", seed=8, optimizer="adamw", lr=0.01, steps=2000),
    Case("rmsprop", "sim", seed=9, optimizer="rmsprop", lr=0.001, steps=2000),
    # --standardize on the lecture's data.
    Case("lecture-std", "sim", seed=11, standardize=True),
    # No training at all: the initial parameters and their loss.
    Case("steps0", "sim", seed=12, steps=0),
    # The GLM's model options, on the option fixtures' data (modechoice without
    # its cluster column; anes96 as a frequency table): a link, each weight
    # and an offset, on both sides (the network with the link's inverse,
    # BCELoss(weight=freq*var), the offset added to its linear output).
    Case("probit", "modechoice", target="choice", standardize=True, steps=2000,
         model=["--link", "probit"]),
    Case("freq-weights", "anes96_counts", target="vote", standardize=True, steps=2000,
         model=["--freq-weights", "count"]),
    Case("var-weights", "modechoice", target="choice", standardize=True, steps=2000,
         model=["--var-weights", "vw"]),
    Case("offset", "modechoice", target="choice", standardize=True, steps=2000,
         model=["--offset", "off"]),
    # Formulas: patsy's design (text categories, a Treatment reference, a
    # bool column, an interaction) on both sides; small steps keep the
    # unscaled network finite.
    Case("formula-fair", str(FORMULA_FIT / "fair.csv"), lr=0.001, steps=2000,
         formula="affair ~ rate_marriage + age + has_children"
                 " + C(occupation, Treatment(reference='white-collar'))"
                 " + rate_marriage:has_children"),
    Case("formula-anes96", str(FORMULA_FIT / "anes96.csv"), lr=0.001, steps=2000,
         formula="vote ~ TVnews + C(PID, Treatment('independent')) + age + income"),
    # Without an intercept: nn.Linear(k, 1, bias=False) on both sides.
    Case("formula-no-intercept", str(FORMULA_FIT / "spector.csv"), steps=2000,
         formula="GRADE ~ 0 + C(PSI) + GPA + TUCE"),
]

OPTION_FIXTURES = REPO / "tests" / "fixtures" / "glm" / "options"


ANES96_FEATURES = ["TVnews", "selfLR", "ClinLR", "DoleLR", "PID", "age", "educ", "income"]


def write_data(case, logreg, tmp):
    """Write the case's data as CSV once; return its path (None where each
    program simulates the data itself)."""
    if case.data == "own-sim":
        return None
    if case.data == "sim":
        path = tmp / f"sim-seed{case.seed}-{len(case.sim_args)}.csv"
        if not path.exists():
            check_run([logreg, "--seed", str(case.seed), "simulate", *case.sim_args,
                       "--out", str(path)])
        return path
    if case.data == "separation":
        path = tmp / "separation.csv"
        if not path.exists():
            import numpy as np
            import pandas as pd

            x = np.linspace(-2, 2, 20)
            pd.DataFrame({"x": x, "y": (x > 0).astype(int)}).to_csv(path, index=False)
        return path
    if case.data == "modechoice":
        path = tmp / "modechoice.csv"
        if not path.exists():
            import pandas as pd

            df = pd.read_csv(OPTION_FIXTURES / "modechoice.csv").drop(columns=["individual"])
            df.to_csv(path, index=False)
        return path
    if case.data == "anes96_counts":
        return OPTION_FIXTURES / "anes96_counts.csv"
    if case.data in ("spector", "anes96"):
        path = tmp / f"{case.data}.csv"
        if not path.exists():
            import statsmodels.api as sm

            if case.data == "spector":
                df = sm.datasets.spector.load_pandas().data[["GPA", "TUCE", "PSI", "GRADE"]]
            else:
                df = sm.datasets.anes96.load_pandas().data[ANES96_FEATURES + ["vote"]]
            df.to_csv(path, index=False)  # floats written as repr: round-trip
        return path
    return Path(case.data)


# --------------------------------------------------------------------------
# Running both sides
# --------------------------------------------------------------------------
class RunError(Exception):
    pass


def check_run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RunError(f"`{' '.join(cmd)}` exited {p.returncode}:\n{p.stderr.strip()}")
    return p.stdout


def settings_flags(case):
    flags = ["--lr", repr(case.lr), "--steps", str(case.steps), "--optimizer", case.optimizer]
    return flags + (["--standardize"] if case.standardize else [])


def start_logreg(case, path, logreg, threads):
    """Start `logreg compare --json` and `logreg glm` (text); they run while
    the Python side trains."""
    data = [] if path is None else ["--data", str(path), *data_flags(case)]
    compare = [logreg, "--threads", str(threads), "--seed", str(case.seed), "compare",
               *data, *settings_flags(case), *case.model, "--json"]
    glm = [logreg, "--threads", str(threads), "--seed", str(case.seed), "glm",
           *data, *case.model]
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    procs = []
    for cmd in (compare, glm):
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
        procs.append((cmd, p))
    return procs


def finish(proc):
    cmd, p = proc
    out, err = p.communicate()
    if p.returncode != 0:
        raise RunError(f"`{' '.join(cmd)}` exited {p.returncode}:\n{err.strip()}")
    return out


def run_original(case, path, in_process, threads):
    data = [] if path is None else ["--data", str(path), *data_flags(case)]
    argv = ["--threads", str(threads), *data,
            "--seed", str(case.seed), *settings_flags(case), *case.model, "--json"]
    if in_process:
        sys.path.insert(0, str(HERE))
        import original

        try:
            return original.compare_json(argv)
        except SystemExit as e:  # its own error exit, e.g. an unknown column
            raise RunError(f"original.py {' '.join(argv)}: {e}") from None
        except Exception as e:  # pandas, statsmodels or torch refusing the data
            raise RunError(f"original.py {' '.join(argv)}: {type(e).__name__}: {e}") from None
    return json.loads(check_run([sys.executable, str(HERE / "original.py"), *argv]))


# --------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------
def flatten(v):
    if isinstance(v, list):
        return [x for item in v for x in flatten(item)]
    return [v]


def shape(v):
    return [shape(x) for x in v] if isinstance(v, list) else None


def num_diff(a, b, relative, noise=None):
    """Worst difference between two numbers or (nested) lists of numbers, and
    where: (diff, index, a_value, b_value). Shapes must agree. Elements that
    differ by at most `noise[i]` (absolute) count as equal."""
    if shape(a) != shape(b):
        return math.inf, None, a, b
    worst = (0.0, None, None, None)
    for i, (x, y) in enumerate(zip(flatten(a), flatten(b))):
        if noise is not None and x is not None and y is not None \
                and abs(x - y) <= noise[i]:
            d = 0.0
        elif x is None or y is None or isinstance(x, bool) or isinstance(y, bool):
            d = 0.0 if x == y else math.inf
        elif x == y or (math.isnan(x) and math.isnan(y)):
            d = 0.0
        elif math.isnan(x) or math.isnan(y):
            d = math.inf
        else:
            d = abs(x - y)
            if relative:
                d /= max(abs(x), abs(y))
        if d > worst[0] or worst[1] is None:
            worst = (d, i, x, y)
    return worst


# The Date: and Time: values in the summary's top block (local time when it
# ran); the value ends where the right-hand column's label begins.
DATE_TIME = re.compile(r"^((?:Date|Time):\s+)(\S+(?: \S+)*)", re.M)


def mask_date_time(text):
    """Replace the Date: and Time: values by X's of the same width."""
    return DATE_TIME.sub(lambda m: m.group(1) + "X" * len(m.group(2)), text)


def mask_noise_rows(text, names):
    """Mask the coef and z cells of the coefficient rows named in `names`."""
    out = []
    for line in text.split("\n"):
        cells = line.split()
        if len(cells) == 7 and cells[0] in names:
            cells[1] = cells[3] = "#"
            line = " ".join(cells)
        out.append(line)
    return "\n".join(out)


def logreg_table(text):
    """logreg's summary without the numbered warnings it adds under
    statsmodels' table (statsmodels' summary has none)."""
    return text.split("\n\nWarnings:")[0]


GLM_NUMERIC = ["params", "llf", "llnull", "deviance", "null_deviance", "pearson_chi2",
               "aic", "bic", "prsquared_cs", "prsquared_mcf", "deviance_history"]
GLM_INFERENCE = ["bse", "tvalues", "pvalues", "conf_int"]
GLM_EXACT = ["names", "iterations", "converged", "df_model", "df_resid", "nobs"]
NN_NUMERIC = ["init_params", "params", "loss"]
NN_EXACT = ["names", "steps", "optimizer", "lr", "converged_at"]
# Not compared: time_s (timings), glm.warnings (logreg may add R's wording;
# statsmodels' texts are its own).


@dataclass
class Row:
    case: str
    field: str
    check: str
    worst: str
    tol: str
    ok: bool
    detail: str = ""


def compare_case(case, mine, ref, summary_text):
    """Rows for one case: `mine` is logreg's JSON, `ref` original.py's."""
    rows = []

    def add(field_, check, worst, tol, ok, detail=""):
        rows.append(Row(case.name, field_, check, worst, tol, ok, detail))

    # Every key the original reports must be in logreg's JSON (logreg may add keys).
    missing = []
    for section in ("glm", "nn"):
        for k in ref[section]:
            if k != "summary" and k not in mine.get(section, {}):
                missing.append(f"{section}.{k}")
    for k in ref:
        if k not in mine:
            missing.append(k)
    add("keys", "present", "missing: " + ", ".join(missing) if missing else "all",
        "-", not missing)

    def numeric(section, key, tol, relative, noise=None):
        label = f"{section}.{key}" if section else key
        a = mine.get(section, {}).get(key) if section else mine.get(key)
        b = ref[section][key] if section else ref[key]
        if a is None and section and key not in mine.get(section, {}):
            return
        d, i, x, y = num_diff(a, b, relative, noise)
        ok = d <= tol
        detail = "" if ok else f"[{i}] logreg {x!r} vs original {y!r}"
        if not ok and i is None:
            detail = f"shapes differ: logreg {a!r} vs original {b!r}"
        add(label, "rel" if relative else "abs", f"{d:.2e}", f"{tol:.0e}" if tol else "0",
            ok, detail)

    def exact(section, key):
        label = f"{section}.{key}" if section else key
        if section and key not in mine.get(section, {}):
            return
        a = mine[section][key] if section else mine.get(key)
        b = ref[section][key] if section else ref[key]
        ok = a == b
        add(label, "equal", "same" if ok else "differ", "-", ok,
            "" if ok else f"logreg {a!r} vs original {b!r}")

    for k in GLM_EXACT:
        exact("glm", k)
    g = ref["glm"]
    noisy = [n for n, p, se in zip(g["names"], g["params"], g["bse"]) if abs(p) < NOISE * se]
    is_noisy = [n in noisy for n in g["names"]]
    for k in GLM_NUMERIC:
        noise = None
        if k == "params":
            noise = [NOISE * se if z else 0.0 for se, z in zip(g["bse"], is_noisy)]
        numeric("glm", k, GLM_RTOL, True, noise)
    for k in GLM_INFERENCE:
        noise = [NOISE if z else 0.0 for z in is_noisy] if k == "tvalues" else None
        numeric("glm", k, GLM_INFERENCE_RTOL, True, noise)

    a = mask_noise_rows(mask_date_time(logreg_table(summary_text.rstrip("\n"))), noisy)
    b = mask_noise_rows(mask_date_time(g["summary"].rstrip("\n")), noisy)
    if a == b:
        add("glm summary", "text", "same", "Date/Time", True)
    else:
        diff = "\n".join(difflib.unified_diff(b.splitlines(), a.splitlines(),
                                              "original.py", "logreg glm", lineterm=""))
        n = sum(1 for line in diff.splitlines() if line[:1] in "+-"
                and not line.startswith(("+++", "---")))
        add("glm summary", "text", f"{n} lines", "Date/Time", False, diff)

    for k in NN_EXACT:
        exact("nn", k)
    for k in NN_NUMERIC:
        numeric("nn", k, NN_ATOL, False)
    exact(None, "true")
    numeric(None, "max_abs_diff", MAX_ABS_DIFF_ATOL, False)
    exact(None, "steps_to_match")
    return rows


def print_table(rows):
    head = Row("case", "field", "check", "worst", "tol", True)
    widths = [max(len(getattr(r, f)) for r in [head, *rows])
              for f in ("case", "field", "check", "worst", "tol")]
    for r in [head, *rows]:
        cells = [r.case, r.field, r.check, r.worst, r.tol]
        status = "status" if r is head else ("ok" if r.ok else "MISMATCH")
        line = "  ".join(c.ljust(w) for c, w in zip(cells, widths)) + "  " + status
        print(line.rstrip(), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--logreg", default=str(REPO / "target/release/logreg"),
                   help="logreg binary (default target/release/logreg)")
    p.add_argument("--data", help="check this CSV file at the default settings")
    p.add_argument("--target", help="target column of --data")
    p.add_argument("--standardize", action="store_true",
                   help="with --data: train on standardized features")
    p.add_argument("--only", help="run only the cases whose name contains this")
    p.add_argument("--subprocess", action="store_true",
                   help="run original.py as a separate process for each case")
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads for both programs (default 1, logreg's own "
                        "default); the network must be bit-identical at any N")
    args = p.parse_args()
    if args.threads < 1:
        p.error("--threads must be at least 1")
    if args.data and not args.target:
        p.error("--data needs --target")
    if (args.target or args.standardize) and not args.data:
        p.error("--target and --standardize go with --data")
    if not os.access(args.logreg, os.X_OK):
        p.error(f"{args.logreg} is not an executable; build it with `cargo build --release`")

    if args.data:
        cases = [Case(Path(args.data).name, args.data, target=args.target,
                      standardize=args.standardize)]
    else:
        cases = [c for c in CASES if not args.only or args.only in c.name]

    rows, failed_runs = [], []
    with tempfile.TemporaryDirectory(prefix="logreg-parity-") as tmp:
        for case in cases:
            try:
                path = write_data(case, args.logreg, Path(tmp))
                procs = start_logreg(case, path, args.logreg, args.threads)
                try:
                    ref = run_original(case, path, not args.subprocess, args.threads)
                except RunError:
                    for _, proc in procs:
                        proc.kill()
                        proc.communicate()
                    raise
                mine = json.loads(finish(procs[0]))
                summary = finish(procs[1])
            except (RunError, json.JSONDecodeError, OSError) as e:
                failed_runs.append((case.name, str(e)))
                rows.append(Row(case.name, "run", "exit 0", "failed", "-", False, str(e)))
                continue
            rows.extend(compare_case(case, mine, ref, summary))

    print_table(rows)
    bad = [r for r in rows if not r.ok]
    for r in bad:
        print(f"\nMISMATCH {r.case} {r.field}:\n{r.detail}", file=sys.stderr)
    print(f"\nparity: {len(cases)} case(s) at {args.threads} thread(s), {len(rows)} checks, "
          f"{len(bad)} mismatch(es)", file=sys.stderr)
    if failed_runs:
        sys.exit(2)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
