#!/usr/bin/env bash
# One command from a fresh Debian 12: install what is missing, build, and run the server on the
# embedded defaults (SQLite under examples/var) with the sample configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/hook-server/hook-server serve --config examples/hook-server.yml "$@"
