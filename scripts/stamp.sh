#!/usr/bin/env bash
# Print the hash of what scripts/setup.sh installs from (pyproject.toml and the setup script):
# setup.sh keeps it in .venv/.setup-stamp, and scripts/run.sh sets up again only when it changes.
set -euo pipefail
cd "$(dirname "$0")/.."
cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1
