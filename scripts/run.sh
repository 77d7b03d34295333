#!/usr/bin/env bash
# The main job: set up (only when pyproject.toml or the setup script changed since the last setup),
# ingest the seed report in data/, and serve the chat on http://$HOST:$PORT (127.0.0.1:8000).
# Data goes to the checkout's .data/ (NIANBAO_DATA_DIR to change it), where every `nianbao`
# command run from the checkout looks too; the commands print it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/nianbao ] && [ "$(cat .venv/.setup-stamp 2>/dev/null)" = "$(scripts/stamp.sh)" ]; then
  echo "setup: .venv is up to date"
else
  scripts/setup.sh
fi
.venv/bin/nianbao ingest data/
.venv/bin/nianbao reports
exec .venv/bin/nianbao serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
