#!/usr/bin/env bash
# Benchmarks: logreg against the Python original, statsmodels and itself,
# whole processes, in one run, on one machine.
#
#   scripts/bench.sh            all benchmarks (about 20 minutes on 2 cores)
#   RUNS=3 scripts/bench.sh     fewer repetitions
#   BENCH_BIN=path              time that logreg binary (default: the one
#                               `cargo build --release` makes)
#   LARGE=path                  the 1e6 x 10 CSV's place (default below)
#
#   1. `logreg demo` vs `python scripts/original.py` (the lecture's defaults);
#   2. `logreg glm --data large.csv` vs pandas.read_csv + sm.GLM().fit()
#      (scripts/bench_glm.py) on 1,000,000 x 10 (made once by
#      `logreg simulate`, cached in $LOGREG_CACHE/bench/), and vs the
#      alternatives: polars + glum, unpenalised, with its covariance matrix
#      (scripts/bench_glum.py), and polars + scikit-learn's
#      LogisticRegression without a penalty, newton-cholesky
#      (scripts/bench_sklearn.py); these two run in a separate environment,
#      $LOGREG_CACHE/venv-bench (or $BENCH_VENV), which bench.sh fills with
#      scripts/requirements-bench.txt; ALT=0 skips them;
#   3. `logreg repeat --runs 1000` vs 1000 x the Python original (estimated
#      from benchmark 1: whole processes, and in-process fits without imports);
#   4. peak memory (max RSS, GNU time) of each;
#   5. a GLM-only study, `logreg repeat --fits glm --runs 10000 --n 1000`, vs
#      10,000 sm.GLM(y, X, family=Binomial()).fit() in one Python process
#      (scripts/bench_statsmodels_fits.py: the fits alone, on data simulated
#      as the lecture does);
#   6. a grid study, `repeat --n 500,1000,2000 --lr 0.05,0.1 --runs 200` (6
#      cells, 1200 runs), vs `repeat --runs 1200` at one setting.
#   5b. the networks alone, `logreg repeat --runs 1000 --steps 1000 --fits nn`,
#      vs the same networks as one hand-written batched PyTorch program
#      (scripts/bench_torch_batched.py: closed-form gradient, elementwise
#      ops over an (R, n) layout, the machine's threads), and the same at the
#      lecture's 10,000 steps (one run each);
#   5, 5b and 6 are skipped, with a message, by a logreg whose repeat has no
#   --fits, and with STUDIES=0.
#   7. the in-process hot paths (criterion: network step, IRLS iteration,
#      CSV parsing, memory copy), as a table of medians; HOT=0 skips them;
#   8. with BIG=1 (opt-in: a 1.9 GB file, about 10 minutes): `logreg glm`
#      on 1e7 x 10 (target/bench/big.csv, made once by `logreg simulate`)
#      in memory, and streamed with --max-memory 256M (the run that writes
#      the design cache, then one that reads it): time and peak RSS, once.
#
# Prints a markdown table (median, min-max, ratio) and writes it to
# target/bench/RESULTS.md (generated, not committed). Needs hyperfine and
# GNU time (installed from Debian packages if missing).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
runs=${RUNS:-5}
say() { echo "bench: $*" >&2; }

install_pkg() {
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq "$@" >/dev/null; else sudo apt-get install -y -qq "$@" >/dev/null; fi
}
command -v hyperfine >/dev/null || { say "installing hyperfine (apt-get)"; install_pkg hyperfine; }
[ -x /usr/bin/time ] || { say "installing GNU time (apt-get)"; install_pkg time; }

scripts/setup.sh --python
python=$(sed -n 's/^LOGREG_PYTHON = "\(.*\)"/\1/p' .cargo/config.toml)
say "cargo build --release"
cargo build --release --quiet
bin=${BENCH_BIN:-$repo/target/release/logreg}
out=target/bench
mkdir -p "$out"
cache=${LOGREG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logreg}
large=${LARGE:-$cache/bench/large.csv}
mkdir -p "$(dirname "$large")"
if [ ! -s "$large" ]; then
  say "writing $large (once)"
  "$bin" simulate --n 1000000 --seed 1 \
    --beta 0.1,0.2,-0.3,0.4,-0.5,0.6,-0.7,0.8,-0.9,1.0,-1.1 --out "$large"
fi

# The alternatives' environment: scripts/requirements-bench.txt in a venv of
# its own (glum and polars bring their own pandas and numpy), complete when
# its stamp matches the file's hash.
alt=${ALT:-1}
bench_venv=${BENCH_VENV:-$cache/venv-bench}
bpy=$bench_venv/bin/python
if [ "$alt" = 1 ]; then
  req=scripts/requirements-bench.txt stamp="$bench_venv/.logreg-requirements.sha256"
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x "$bpy" ]; then
    say "installing $req into $bench_venv"
    [ -x "$bpy" ] || "$python" -m venv "$bench_venv"
    "$bpy" -m pip install --disable-pip-version-check -q -r "$req"
    echo "$want" > "$stamp"
  fi
fi

# hyperfine: median, min, max (seconds) of each command, exported as JSON.
bench() { # name runs cmd1 cmd2...
  local name=$1 n=$2; shift 2
  say "$name: hyperfine --runs $n"
  hyperfine --style basic --warmup 1 --runs "$n" --export-json "$out/$name.json" "$@" >&2
}
# Peak RSS in MiB: median of three runs of one command (GNU time's %M, KiB).
peak() {
  local a=() i f
  f=$(mktemp)
  for i in 1 2 3; do
    /usr/bin/time -f '%M' -o "$f" "$@" >/dev/null 2>&1
    a+=("$(tail -n1 "$f")")
  done
  rm -f "$f"
  printf '%s\n' "${a[@]}" | sort -n | sed -n 2p | awk '{printf "%.0f", $1/1024}'
}
# JSON field of hyperfine result i: median / min / max.
hf() { "$python" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print(r[sys.argv[3]])' "$@"; }

bench demo "$runs" "$bin demo" "$python scripts/original.py"
demo_rss=$(peak "$bin" demo); orig_rss=$(peak "$python" scripts/original.py)

glm_cmds=("$bin glm --data $large --json" "$python scripts/bench_glm.py $large")
if [ "$alt" = 1 ]; then
  glm_cmds+=("$bpy scripts/bench_glum.py $large" "$bpy scripts/bench_sklearn.py $large")
fi
bench glm 3 "${glm_cmds[@]}"
glm_rss=$(peak "$bin" glm --data "$large" --json); sm_rss=$(peak "$python" scripts/bench_glm.py "$large")

bench repeat 2 "$bin repeat --runs 1000 --quiet --json"
rep_rss=$(peak "$bin" repeat --runs 100 --quiet --json)
# The Python original's fits alone (no imports, no printing), timed in-process.
inproc=$("$python" - <<'PY'
import sys, time, io, contextlib
sys.path.insert(0, "scripts")
import original as o
best = []
for _ in range(3):
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        o.main([])
    best.append(time.perf_counter() - t)
print(sorted(best)[1])
PY
)

# The studies (rows 5 and 6) need repeat's --fits and grid lists.
rm -f "$out/glm_study.json" "$out/sm_fits.json" "$out/grid.json" "$out/batched.json" "$out/batched10k.json"
if [ "${STUDIES:-1}" != 1 ]; then
  say "skipping the GLM-only and grid studies (STUDIES=0)"
elif "$bin" repeat --help | grep -- '--fits' >/dev/null; then
  bench glm_study 3 "$bin repeat --fits glm --runs 10000 --n 1000 --quiet --json"
  say "sm_fits: 10,000 statsmodels fits in one process, 3 times (scripts/bench_statsmodels_fits.py)"
  "$python" scripts/bench_statsmodels_fits.py --runs 10000 --n 1000 --repeats 3 > "$out/sm_fits.json"
  bench batched 3 "$bin repeat --runs 1000 --steps 1000 --fits nn --quiet --json" \
    "$python scripts/bench_torch_batched.py --runs 1000 --steps 1000"
  # The lecture's 10,000 steps, where start-up counts for little: one run each.
  bench batched10k 1 "$bin repeat --runs 1000 --fits nn --quiet --json" \
    "$python scripts/bench_torch_batched.py --runs 1000 --steps 10000"
  bench grid 3 "$bin repeat --n 500,1000,2000 --lr 0.05,0.1 --runs 200 --quiet --json" \
    "$bin repeat --runs 1200 --quiet --json"
else
  say "skipping the GLM-only and grid studies: this logreg's repeat has no --fits"
fi

"$python" - "$out" "$demo_rss" "$orig_rss" "$glm_rss" "$sm_rss" "$rep_rss" "$inproc" <<'PY' | tee "$out/RESULTS.md"
import json, os, platform, subprocess, sys
out, demo_rss, orig_rss, glm_rss, sm_rss, rep_rss, inproc = sys.argv[1:]
r = lambda n: json.load(open(f"{out}/{n}.json"))["results"]
demo, glm, rep = r("demo"), r("glm"), r("repeat")
def cell(x): return f"{x['median']:.3f} s ({x['min']:.3f}-{x['max']:.3f})"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Machine: {cpu}, {os.cpu_count()} cores; load average at the end {os.getloadavg()[0]:.2f}.")
print(f"Command: scripts/bench.sh (RUNS={os.environ.get('RUNS', '5')}); medians (min-max) from hyperfine.\n")
print("| benchmark | logreg | Python | ratio (time) | logreg max RSS | Python max RSS | ratio (memory) |")
print("|---|---|---|---|---|---|---|")
print(f"| demo vs original.py | {cell(demo[0])} | {cell(demo[1])} | {demo[1]['median']/demo[0]['median']:.1f}x faster "
      f"| {demo_rss} MiB | {orig_rss} MiB | {int(orig_rss)/int(demo_rss):.1f}x smaller |")
print(f"| glm on 1e6 x 10 CSV vs pandas + statsmodels | {cell(glm[0])} | {cell(glm[1])} | {glm[1]['median']/glm[0]['median']:.1f}x faster "
      f"| {glm_rss} MiB | {sm_rss} MiB | {int(sm_rss)/int(glm_rss):.1f}x smaller |")
for i, label in [(2, "polars + glum (with its covariance)"), (3, "polars + scikit-learn (no inference)")]:
    if len(glm) > i:
        print(f"| glm on 1e6 x 10 CSV vs {label} | {cell(glm[0])} | {cell(glm[i])} "
              f"| {glm[i]['median']/glm[0]['median']:.1f}x faster | | | |")
whole = 1000 * demo[1]["median"]
fits = 1000 * float(inproc)
print(f"| repeat --runs 1000 vs 1000 x original.py | {cell(rep[0])} | {whole:.0f} s (1000 processes); {fits:.0f} s (fits only, no imports) "
      f"| {whole/rep[0]['median']:.0f}x / {fits/rep[0]['median']:.0f}x faster | {rep_rss} MiB (100 runs) | {orig_rss} MiB (one run) | |")
if os.path.exists(f"{out}/glm_study.json"):
    study, sm = r("glm_study")[0], json.load(open(f"{out}/sm_fits.json"))
    print(f"| repeat --fits glm --runs 10000 --n 1000 vs 10,000 sm.GLM().fit() in one process | {cell(study)} "
          f"| {sm['median_s']:.3f} s ({sm['min_s']:.3f}-{sm['max_s']:.3f}) (fits only) "
          f"| {sm['median_s']/study['median']:.0f}x faster | | | |")
    bat = r("batched")
    print(f"| repeat --runs 1000 --steps 1000 --fits nn vs one batched PyTorch program | {cell(bat[0])} "
          f"| {cell(bat[1])} | {bat[1]['median']/bat[0]['median']:.1f}x faster | | | |")
    bat = r("batched10k")
    print(f"| repeat --runs 1000 --fits nn (10,000 steps) vs the batched PyTorch program (one run each) | {cell(bat[0])} "
          f"| {cell(bat[1])} | {bat[1]['median']/bat[0]['median']:.1f}x faster | | | |")
    grid = r("grid")
    print(f"| repeat grid 3 n x 2 lr x 200 runs vs repeat --runs 1200 (one setting) | {cell(grid[0])} "
          f"| {cell(grid[1])} (logreg, one setting) | grid takes {grid[0]['median']/grid[1]['median']:.2f}x the time | | | |")
else:
    print("| repeat --fits glm / grid studies | skipped (STUDIES=0, or repeat has no --fits) | | | | | |")
PY
# Start-up against an empty C++ main on libtorch_cpu.
scripts/bench_startup.sh "$bin" 20 | tee -a "$out/RESULTS.md"

# The in-process hot paths (criterion, benches/hot_paths.rs): the network
# step, one IRLS iteration, CSV parsing, the memory copy. HOT=0 skips them.
if [ "${HOT:-1}" = 1 ]; then
  say "cargo bench --bench hot_paths (criterion)"
  rm -rf target/criterion
  cargo bench --quiet --bench hot_paths -- --noplot >&2
  "$python" scripts/criterion_table.py target/criterion | tee -a "$out/RESULTS.md"
fi
say "wrote $out/RESULTS.md"

if [ "${BIG:-0}" = 1 ]; then
  big=$out/big.csv
  if [ ! -s "$big" ]; then
    say "writing $big (once, 1.9 GB)"
    "$bin" simulate --n 10000000 --seed 1 \
      --beta 0.1,0.2,-0.3,0.4,-0.5,0.6,-0.7,0.8,-0.9,1.0,-1.1 --out "$big"
  fi
  export XDG_CACHE_HOME=$repo/$out/cache
  rm -rf "$XDG_CACHE_HOME"
  once() { # label, then the glm flags
    local label=$1 f; shift
    f=$(mktemp)
    /usr/bin/time -f '%e s, %M KB' -o "$f" "$bin" glm --data "$big" --json "$@" >/dev/null
    echo "| glm on 1e7 x 10 CSV, $label | $(tail -n1 "$f") |"
    rm -f "$f"
  }
  {
    echo
    echo "| 1e7 x 10 (BIG=1, one run each) | time, peak RSS |"
    echo "|---|---|"
    once "in memory"
    once "--max-memory 256M, writing the cache" --max-memory 256M
    once "--max-memory 256M, from the cache" --max-memory 256M
  } | tee -a "$out/RESULTS.md"
  rm -rf "$XDG_CACHE_HOME"
fi
