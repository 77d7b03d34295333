#!/usr/bin/env bash
# Set up, then run the whole test suite and the evaluation gate.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export NIANBAO_DATA_DIR=$(mktemp -d)
.venv/bin/python -m pytest
if [ -f eval/gate.sh ]; then
  bash eval/gate.sh
fi
