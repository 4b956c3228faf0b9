#!/usr/bin/env bash
# One command from a fresh Debian 12: install what is missing, build, and run the server on the
# embedded defaults (SQLite under examples/var) with the sample configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
echo "run: the web console is at http://127.0.0.1:9980/ui/ (server.listen of examples/hook-server.yml)"
exec build/hook-server/hook-server serve --config examples/hook-server.yml "$@"
