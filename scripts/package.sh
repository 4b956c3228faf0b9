#!/usr/bin/env bash
# Builds the Debian package: a Release build installed under /usr (./build-deb), then
# `cpack -G DEB`. Prints the path of the .deb. Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-deb} BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} \
  scripts/build.sh -DCMAKE_INSTALL_PREFIX=/usr -DHOOK_SERVER_PACKAGE=ON -DHOOK_SERVER_TESTS=OFF "$@" >&2
cd "${BUILD_DIR:-build-deb}"
rm -f hook-server_*.deb
cpack -G DEB >&2
ls "$PWD"/hook-server_*.deb
