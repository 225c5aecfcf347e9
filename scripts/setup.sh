#!/usr/bin/env bash
# Set up libtorch (and, with --python, the pinned Python tools) for logreg.
#
#   scripts/setup.sh            libtorch only (what `cargo build` needs)
#   scripts/setup.sh --python   also the Python original / parity environment
#
# libtorch: if LIBTORCH is set (a libtorch zip from pytorch.org, or any folder
# with include/ and lib/), it is checked for version 2.13.x and used. Otherwise
# a virtual environment in $LOGREG_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/logreg)
# gets the pinned scripts/requirements.txt, and its torch folder is libtorch.
# The chosen path goes into .cargo/config.toml ([env]), so plain cargo works.
# Idempotent: a second run only checks, in seconds.
set -euo pipefail

want_python=0
for a in "$@"; do
  case "$a" in
    --python) want_python=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown argument '$a' (try --help)" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${LOGREG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logreg}
venv="$cache/venv"
req="$repo/scripts/requirements.txt"
want_torch="2.13"

say() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }

# The venv holds torch (libtorch) and the parity tools. It is complete when
# its stamp matches the hash of requirements.txt.
ensure_venv() {
  local stamp="$venv/.logreg-requirements.sha256" want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
    say "python environment ok: $venv"
    return
  fi
  command -v python3 >/dev/null || die "python3 not found; install Python 3.9+ (Debian: apt-get install python3 python3-venv)"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
    || die "python3 is $(python3 -V 2>&1); need 3.9 or newer"
  python3 -c 'import venv, ensurepip' 2>/dev/null \
    || die "python3 has no venv/ensurepip module (Debian: apt-get install python3-venv)"
  if [ ! -x "$venv/bin/python" ]; then
    say "creating virtual environment $venv"
    mkdir -p "$cache"
    python3 -m venv "$venv" || die "python3 -m venv $venv failed"
  fi
  "$venv/bin/python" -m pip --version >/dev/null 2>&1 || die "pip is missing in $venv (Debian: apt-get install python3-pip python3-venv)"
  say "installing scripts/requirements.txt into $venv (torch is about 5 GB; a few minutes)"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req" \
    || die "pip install -r scripts/requirements.txt failed (see above)"
  echo "$want" > "$stamp"
  say "python environment ready: $venv"
}

# Version of a libtorch folder: build-version (pytorch.org zips) or the
# torch/version.py of a Python wheel.
libtorch_version() {
  local d=$1
  if [ -f "$d/build-version" ]; then head -n1 "$d/build-version"
  elif [ -f "$d/version.py" ]; then sed -n "s/^__version__ = '\(.*\)'.*/\1/p; s/^__version__ = \"\(.*\)\".*/\1/p" "$d/version.py" | head -n1
  else echo unknown; fi
}

check_libtorch() {
  local d=$1 v
  [ -d "$d/include" ] && [ -d "$d/lib" ] || die "LIBTORCH=$d has no include/ and lib/ folders; point it at an unzipped libtorch"
  [ -e "$d/lib/libtorch_cpu.so" ] || [ -e "$d/lib/libtorch_cpu.dylib" ] || [ -e "$d/lib/torch_cpu.dll" ] \
    || die "$d/lib has no libtorch_cpu library"
  v=$(libtorch_version "$d")
  case "$v" in
    "$want_torch".*) say "libtorch $v ok: $d" ;;
    unknown) say "warning: cannot tell the libtorch version of $d; tch 0.26 needs 2.13.x" ;;
    *) die "libtorch at $d is version $v; tch 0.26.0 needs 2.13.x (pip install torch==2.13.0, or the 2.13.0 zip from pytorch.org)" ;;
  esac
}

if [ -n "${LIBTORCH:-}" ]; then
  libtorch=$(cd "$LIBTORCH" 2>/dev/null && pwd) || die "LIBTORCH=$LIBTORCH is not a folder"
  check_libtorch "$libtorch"
  [ "$want_python" = 1 ] && ensure_venv
else
  ensure_venv
  libtorch=$(ls -d "$venv"/lib/python3*/site-packages/torch 2>/dev/null | head -n1)
  [ -n "$libtorch" ] || die "torch is not installed in $venv"
  check_libtorch "$libtorch"
fi

mkdir -p "$repo/.cargo"
config="$repo/.cargo/config.toml"
new=$(printf '# Written by scripts/setup.sh; not committed.\n[env]\nLIBTORCH = "%s"\nLOGREG_PYTHON = "%s"\n' "$libtorch" "$venv/bin/python")
if [ ! -f "$config" ] || [ "$(cat "$config")" != "$new" ]; then
  printf '%s\n' "$new" > "$config"
  say "wrote .cargo/config.toml (LIBTORCH=$libtorch)"
else
  say ".cargo/config.toml ok"
fi
