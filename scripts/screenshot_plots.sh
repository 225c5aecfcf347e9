#!/usr/bin/env bash
# Render every --plots picture to PNG with headless Chromium, to look at
# them (the SVGs are what logreg writes; the PNGs are only for checking that
# each one shows what it says). Installs Debian's chromium if missing.
#
#   scripts/screenshot_plots.sh            # demo, compare (spector.csv), nn
#   scripts/screenshot_plots.sh DIR...     # screenshot the SVGs in DIR(s)
#
# Writes target/plots/<set>/*.svg and target/plots/png/<set>-<name>.png.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "screenshot_plots: installing chromium (Debian package)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

out=target/plots
mkdir -p "$out/png"
if [ $# -eq 0 ]; then
  cargo build --release --quiet
  bin=target/release/logreg
  "$bin" demo --plots "$out/demo" >/dev/null
  "$bin" compare --data tests/fixtures/glm/spector.csv --target GRADE --standardize \
    --plots "$out/spector" >/dev/null
  "$bin" nn --steps 300 --plots "$out/nn" >/dev/null
  if "$bin" repeat --help 2>/dev/null | grep -q -- '--plots'; then
    "$bin" repeat --runs 100 --plots "$out/repeat" >/dev/null
  fi
  set -- "$out"/*/
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for dir in "$@"; do
  set_name=$(basename "$dir")
  for svg in "$dir"/*.svg; do
    [ -e "$svg" ] || continue
    png="$out/png/$set_name-$(basename "$svg" .svg).png"
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --hide-scrollbars --user-data-dir="$profile" --screenshot="$png" \
      --window-size=800,600 "file://$(realpath "$svg")" >/dev/null 2>&1
    echo "$png" >&2
  done
done
