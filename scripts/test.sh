#!/usr/bin/env bash
# One command from a fresh Debian 12: install what is missing, build, and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --timeout 300 -j "$(nproc)")
scripts/test-browser.sh
# The Debian package (its own Release build under /usr: a few minutes the first time).
scripts/setup.sh packaging
tests/packaging/package.sh
