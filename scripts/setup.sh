#!/usr/bin/env bash
# Installs every Debian package that building, running and testing hook-server needs
# (`packaging` as an argument: also the tools of the packaging test stage).
# Idempotent: packages already present are skipped, and apt is not touched when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcpp-httplib-dev libyaml-cpp-dev nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev
  libcli11-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev tzdata
  ffmpeg libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  catch2 sqlite3 curl ccache
  gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools python3-gi
  file
)
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
