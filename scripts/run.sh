#!/usr/bin/env bash
# The main job: set up, ingest the seed report in data/, and serve the chat on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export NIANBAO_DATA_DIR=${NIANBAO_DATA_DIR:-$PWD/.data}
.venv/bin/nianbao ingest data/
.venv/bin/nianbao reports
exec .venv/bin/nianbao serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
