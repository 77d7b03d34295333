#!/usr/bin/env bash
# Static checks, run by .ci/run before the tests: formatting, lint, types, import layers.
# Usage: scripts/check.sh   (after scripts/setup.sh --test, which installs ruff, mypy, import-linter)
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/mypy nianbao
.venv/bin/lint-imports
echo "check: format, lint, types and import layers ok"
