#!/usr/bin/env bash
# Test stage "browser": the web console (examples/web) in Debian's Chromium, driven by playwright-core
# under Node's test runner, against the real hook-server of ${BUILD_DIR:-build} on 127.0.0.1.
# Screenshots of every view at 1280x800 and 390 px wide go to <build dir>/console-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=$(realpath "${BUILD_DIR:-build}")
export BUILD_DIR
web=examples/web
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "browser: SKIPPED: playwright-core needs Node.js 20 or newer, found $(node --version)"
  exit 0
fi
if [[ ! -d $web/node_modules/playwright-core || ! -d $web/node_modules/hls.js ]]; then
  echo "browser: $web/node_modules is missing: run scripts/setup.sh (npm ci there)" >&2
  exit 1
fi
start=$(date +%s)
(cd "$web" && node --test --test-reporter=spec test/*.test.mjs)
echo "browser: done in $(($(date +%s) - start)) s; screenshots in $BUILD_DIR/console-screenshots/"
