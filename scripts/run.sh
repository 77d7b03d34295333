#!/usr/bin/env bash
# The main job: set up (only when pyproject.toml or the setup script changed since the last setup),
# ingest the seed report in data/, and serve the chat on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/nianbao ] && [ "$(cat .venv/.setup-stamp 2>/dev/null)" = "$(scripts/stamp.sh)" ]; then
  echo "setup: .venv is up to date"
else
  scripts/setup.sh
fi
export NIANBAO_DATA_DIR=${NIANBAO_DATA_DIR:-$PWD/.data}
.venv/bin/nianbao ingest data/
.venv/bin/nianbao reports
exec .venv/bin/nianbao serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
