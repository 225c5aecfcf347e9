#!/usr/bin/env bash
# Set up if needed (including the pinned Python tools), then the whole test
# suite: formatting, the cargo tests, and the parity check against the
# Python original (statsmodels + PyTorch).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/setup.sh --python
python=$(sed -n 's/^LOGREG_PYTHON = "\(.*\)"/\1/p' .cargo/config.toml)

echo "test: cargo fmt --check" >&2
cargo fmt --check
echo "test: cargo test --release" >&2
cargo test --release --all-targets
if [ -f scripts/parity.py ]; then
  echo "test: scripts/parity.py" >&2
  "$python" scripts/parity.py --logreg target/release/logreg
fi
echo "test: all passed" >&2
