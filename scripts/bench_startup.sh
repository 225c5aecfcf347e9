#!/usr/bin/env bash
# Start-up of logreg against the floor of any program on libtorch.
#
#   scripts/bench_startup.sh [BIN] [RUNS]   BIN default target/release/logreg, RUNS 20
#
# Builds scripts/startup_floor.cpp (an empty main linked to libtorch_cpu and
# libc10, with --no-as-needed so the libraries are loaded) if a C++ compiler
# is present, then times `BIN --version` (clap answers before any libtorch
# call) and the floor with hyperfine, or with a loop when hyperfine is
# missing. Prints one markdown line of medians (min-max).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bin=${1:-target/release/logreg}
runs=${2:-20}
say() { echo "bench_startup: $*" >&2; }
lib=$(sed -n 's/^LIBTORCH = "\(.*\)"/\1/p' .cargo/config.toml 2>/dev/null)/lib
[ -d "$lib" ] || lib=${LIBTORCH:?set LIBTORCH or run scripts/setup.sh}/lib
out=target/bench
mkdir -p "$out"
floor=$out/startup_floor
cxx=$(command -v c++ || command -v g++ || command -v clang++ || true)
if [ -n "$cxx" ]; then
  "$cxx" -O2 -o "$floor" scripts/startup_floor.cpp -Wl,--no-as-needed -L"$lib" \
    -Wl,-rpath,"$lib" -ltorch_cpu -lc10
else
  say "no C++ compiler: timing logreg alone"
  floor=
fi
# median (min-max) in ms of RUNS runs of a command.
time_ms() {
  if command -v hyperfine >/dev/null; then
    hyperfine --style none --warmup 2 --runs "$runs" --export-json "$out/startup.json" "$*" >/dev/null 2>&1
    python3 -c 'import json; r=json.load(open("'"$out/startup.json"'"))["results"][0]; m, lo, hi = (1e3 * r[k] for k in ("median", "min", "max")); print(f"{m:.0f} ms ({lo:.0f}-{hi:.0f})")'
  else
    local a=() i s
    for i in $(seq "$runs"); do
      s=$(date +%s%N); "$@" >/dev/null 2>&1; a+=($(( ($(date +%s%N) - s) / 1000000 )))
    done
    printf '%s\n' "${a[@]}" | sort -n | awk '{v[NR]=$1} END {printf "%d ms (%d-%d)\n", v[int((NR+1)/2)], v[1], v[NR]}'
  fi
}
line="| start-up: \`logreg --version\` | $(time_ms "$bin" --version)"
[ -n "$floor" ] && line="$line | empty C++ main on libtorch_cpu: $(time_ms "$floor")"
echo "$line |"
