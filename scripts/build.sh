#!/usr/bin/env bash
# Configures and builds hook-server into ./build (Release with debug info, Ninja).
# BUILD_DIR, BUILD_TYPE and BUILD_TARGET (default: all) may be set; extra arguments go to cmake's
# configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
# ccache (used when installed): paths inside this checkout hash alike in every checkout, so worktrees
# and rebuilds reuse each other's objects.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build_dir" ${BUILD_TARGET:+--target "$BUILD_TARGET"}
