#!/usr/bin/env bash
# Load benchmark for CSV input: time and peak memory of the Rust
# loader (logreg::data::read_csv, through examples/load_csv.rs, no fit) next
# to pandas.read_csv, on the same 1,000,000-row x 10-feature file.
#
#   scripts/bench_csv.sh [RUNS]     RUNS per loader, default 5; medians printed
#
# The file is made once by `logreg simulate` and kept in
# ${LOGREG_CACHE:-${XDG_CACHE_HOME:-~/.cache}/logreg}/bench/large.csv.
# Peak memory is the maximum resident set size from GNU time (/usr/bin/time
# -v), so it includes each process's start-up: the Rust binary links
# libtorch, Python imports pandas. The "empty" rows load a 3-row file to
# show that baseline. The budget is 3x the data's size in f64.
set -euo pipefail
runs=${1:-5}
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cache=${LOGREG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logreg}
dir="$cache/bench"
big="$dir/large.csv"
small="$dir/tiny.csv"
say() { echo "bench_csv: $*" >&2; }

python=${LOGREG_PYTHON:-}
if [ -z "$python" ] && [ -f .cargo/config.toml ]; then
  python=$(sed -n 's/^LOGREG_PYTHON = "\(.*\)"/\1/p' .cargo/config.toml)
fi
[ -n "$python" ] && [ -x "$python" ] || python=$cache/venv/bin/python
[ -x "$python" ] || { say "no Python with pandas (run scripts/setup.sh --python)"; exit 1; }

if [ ! -x /usr/bin/time ]; then
  say "GNU time is missing; installing it (apt-get install time)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi
fi

say "building (cargo build --release --example load_csv)"
# Quiet unless it fails (then again, with the compiler's messages).
cargo build --release --quiet --bin logreg --example load_csv 2>/dev/null \
  || cargo build --release --bin logreg --example load_csv
bin=target/release/logreg
load=target/release/examples/load_csv

mkdir -p "$dir"
if [ ! -s "$big" ]; then
  say "writing $big (once)"
  "$bin" simulate --n 1000000 --seed 1 \
    --beta 0.1,0.2,-0.3,0.4,-0.5,0.6,-0.7,0.8,-0.9,1.0,-1.1 --out "$big"
fi
printf 'x1,x2,y\n0.5,1,0\n1,0.25,1\n-1,2,0\n' > "$small"

pandas_load='import sys, time, pandas as pd
t = time.perf_counter()
d = pd.read_csv(sys.argv[1])
print(f"n={len(d)} load_s={time.perf_counter() - t:.3f}")'

# One run: "<wall s> <peak MiB>" (wall = the loader's own timer; peak from time -v).
measure() {
  local out err
  err=$(mktemp)
  out=$(/usr/bin/time -v "$@" 2>"$err")
  local kb secs
  kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$err")
  secs=$(sed -n 's/.*load_s=\([0-9.]*\).*/\1/p' <<<"$out")
  rm -f "$err"
  echo "$secs $((kb / 1024))"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# Rust and pandas runs alternate, so both see the same machine load.
declare -A times mems
bench_pair() {
  local file=$1 t m
  for _ in $(seq "$runs"); do
    read -r t m < <(measure "$load" "$file");                       times[rust]+="$t "; mems[rust]+="$m "
    read -r t m < <(measure "$python" -c "$pandas_load" "$file");   times[pandas]+="$t "; mems[pandas]+="$m "
  done
}
row() {
  printf '%-22s %10s %12s\n' "$1" \
    "$(tr ' ' '\n' <<<"${times[$2]}" | grep . | median)" "$(tr ' ' '\n' <<<"${mems[$2]}" | grep . | median)"
}

bytes=$(stat -c %s "$big")
rows=$(($(wc -l <"$big") - 1))
cols=$(head -1 "$big" | tr ',' '\n' | wc -l)
f64_mib=$(( rows * (cols + 1) * 8 / 1048576 ))   # X with intercept, plus y
echo "file: $big ($((bytes / 1048576)) MiB, $rows rows, $cols columns)"
echo "data in f64: $f64_mib MiB (x: $rows x $cols with const, y); budget 3x = $((3 * f64_mib)) MiB"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "median of $runs runs each, alternating"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %10s %12s\n' loader "load (s)" "peak RSS MiB"
bench_pair "$big"
row "rust read_csv" rust
row "pandas.read_csv" pandas
times=(); mems=()
bench_pair "$small"
row "rust, 3-row file" rust
row "pandas, 3-row file" pandas
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
