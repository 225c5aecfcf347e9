#!/usr/bin/env bash
# Set up if needed, build in release mode, and run `logreg demo` (the lecture's
# comparison). Extra arguments are passed on: scripts/demo.sh --seed 7 --json
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/setup.sh
echo "demo: cargo build --release" >&2
cargo build --release --quiet
exec target/release/logreg demo "$@"
