#!/usr/bin/env bash
# Set up, then run the static checks, the whole test suite, the evaluation gate and a 10-second load check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/check.sh
NIANBAO_DATA_DIR=$(mktemp -d)
export NIANBAO_DATA_DIR
.venv/bin/python -m pytest
bash eval/gate.sh
.venv/bin/python benchmarks/load.py --seconds 10
