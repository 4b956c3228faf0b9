#!/usr/bin/env bash
# Installs every Debian package that building, running and testing hook-server needs
# (`packaging` as an argument: also the tools of the packaging test stage).
# Idempotent: packages already present are skipped, and apt is not touched when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcpp-httplib-dev libyaml-cpp-dev nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev
  libcli11-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata libssl-dev prometheus-cpp-dev
  ffmpeg libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  catch2 sqlite3 curl ccache
  postgresql-15 postgresql-client-15 libpq-dev
  gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools python3-gi
  python3-jwt python3-cryptography python3-prometheus-client
  chromium gstreamer1.0-nice gir1.2-gst-plugins-bad-1.0 gir1.2-nice-0.1
  file
  clang-14 libclang-rt-14-dev llvm-14
)
# clang-14 with its runtime libraries (libFuzzer, sanitizers) and llvm-symbolizer: the fuzz stage
# (tests/fuzz/). gcc's ASan/UBSan/TSan runtimes come with build-essential.
# Node.js and npm for the web console's packages: Debian's, unless a node is already installed (a
# newer one from elsewhere ships its own npm, which Debian's npm package would conflict with).
command -v npm >/dev/null || packages+=(nodejs npm)
# `scripts/setup.sh packaging`: also what the packaging stage of scripts/test.sh checks the .deb with.
if [[ ${1:-} == packaging ]]; then
  packages+=(dpkg-dev fakeroot lintian systemd docker-compose)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# The web console's npm packages (examples/web: hls.js, served at /ui/; playwright-core for its
# browser tests; no browser download), from the committed lock file when they are missing or older
# than it. Nothing is fetched once they are current, so later runs work offline.
web=examples/web
if [[ ! -f $web/node_modules/.package-lock.json || $web/package-lock.json -nt $web/node_modules/.package-lock.json ]]; then
  echo "setup: npm ci in $web"
  if ! (cd "$web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefer-offline --no-audit --no-fund --loglevel=error); then
    echo "setup: npm ci failed in $web: the console runs without hls.js and its browser tests cannot run" >&2
  fi
fi
