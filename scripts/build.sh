#!/usr/bin/env bash
# Configures and builds hook-server into ./build (Release with debug info, Ninja).
# BUILD_DIR and BUILD_TYPE may be set; extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build_dir"
