#!/usr/bin/env bash
# CI gate: ask the dev set over the shared corpus (records only) and fail when the pass rate is
# under eval/threshold.txt. Prints the table by tag; reports go to eval/reports/ (gitignored).
# Run from anywhere: bash eval/gate.sh   (the corpus must be at ../shared/corpus/raw beside the repo)
set -euo pipefail
cd "$(dirname "$0")/.."
# The repo root on the path, so every package imports even from an older editable install.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec .venv/bin/nianbao eval eval/questions/dev.jsonl --corpus ../shared/corpus/raw \
  --min-pass "$(tr -d '[:space:]' < eval/threshold.txt)"
