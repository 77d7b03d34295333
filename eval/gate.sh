#!/usr/bin/env bash
# CI gate: ask the dev set, then the blind set (over the shared corpus plus its synthetic
# variants), records only, and fail when a pass rate is under its threshold
# (eval/threshold.txt, eval/threshold-blind.txt; only ever raised). Prints each table by tag;
# reports go to eval/reports/ (gitignored).
# Run from anywhere: bash eval/gate.sh   (the corpus must be at ../shared/corpus/raw beside the repo)
set -euo pipefail
cd "$(dirname "$0")/.."
# The repo root on the path, so every package imports even from an older editable install.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
threshold() { tr -d '[:space:]' < "$1"; }
echo "== dev set"
.venv/bin/nianbao eval eval/questions/dev.jsonl --corpus ../shared/corpus/raw \
  --min-pass "$(threshold eval/threshold.txt)"
echo "== blind set (written by a helper that had not read the answer code; never edited to pass)"
.venv/bin/nianbao eval eval/questions/blind.jsonl --corpus ../shared/corpus/raw \
  --variants eval/questions/variants.json --min-pass "$(threshold eval/threshold-blind.txt)"
