#!/usr/bin/env bash
# The Debian package, checked as an operator would meet it: built with scripts/package.sh, its
# contents listed, unpacked with `dpkg-deb -x` into a temporary root and its `hook-server doctor`,
# `gen-config` and `hook` run from there while the source and build trees are hidden (so the binaries
# must find their capture module and MediaMTX's reference file relative to themselves); lintian
# reports no error; systemd-analyze verify accepts the unit. Needs root (mount namespace).
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
fail() { echo "FAIL: $*" >&2; exit 1; }
stage() { echo; echo "== $*"; }

stage "build the package"
start=$(date +%s)
deb=$(scripts/package.sh)
echo "$deb ($(( $(date +%s) - start )) s, $(du -h "$deb" | cut -f1))"

stage "contents (dpkg-deb -c)"
dpkg-deb -c "$deb" | awk '{print $1, $3, $6}' | tee /tmp/hook-server-deb-contents.txt
for f in ./usr/bin/hook-server ./usr/bin/hook-server-full ./usr/lib/hook-server/hook-server-capture.so \
         ./usr/share/hook-server/mediamtx-v1.20.1.yml ./usr/share/hook-server/web/app/index.html \
         ./lib/systemd/system/hook-server.service \
         ./etc/hook-server/hook-server.yml ./etc/hook-server/mediamtx-base.yml \
         ./usr/share/doc/hook-server/copyright ./usr/share/doc/hook-server/changelog.gz; do
  grep -q " $f\$" /tmp/hook-server-deb-contents.txt || fail "$f is not in the package"
done
dpkg-deb -f "$deb" Package Version Depends
[[ $(dpkg-deb -I "$deb" conffiles) == $'/etc/hook-server/hook-server.yml\n/etc/hook-server/mediamtx-base.yml' ]] \
  || fail "conffiles: $(dpkg-deb -I "$deb" conffiles)"

stage "lintian"
lintian --no-tag-display-limit "$deb" | tee /tmp/hook-server-lintian.txt || true
grep -q '^E:' /tmp/hook-server-lintian.txt && fail "lintian reports errors"
echo "lintian: no errors ($(grep -c '^W:' /tmp/hook-server-lintian.txt || true) warnings)"

stage "systemd-analyze verify"
root=$(mktemp -d /tmp/hook-server-deb-XXXXXX)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
# verify resolves ExecStart= on this machine: point it at the unpacked binary.
sed "s|/usr/bin/hook-server|$root/usr/bin/hook-server|" "$root/lib/systemd/system/hook-server.service" \
  > "$root/hook-server.service"
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "$root/hook-server.service"
echo "systemd-analyze verify: accepted"

stage "run the unpacked binaries with the source and build trees hidden"
mkdir -p "$root/site/mtx/recordings/camera_1" "$root/site/var"
cat > "$root/site/hook-server.yml" <<YML
server:
  listen: 127.0.0.1:1
data_dir: $root/site/var
mediamtx:
  working_dir: $root/site/mtx
  timezone: UTC
  base_config: $root/etc/hook-server/mediamtx-base.yml
  output: $root/site/mediamtx.yml
cameras:
  - {id: "1", source: "rtsp://127.0.0.1:8554/cam1"}
YML
# Everything of this checkout disappears behind an empty tmpfs; only the unpacked root remains.
unshare --mount --propagation private bash -euo pipefail -c '
  root=$1; src=$2
  mount -t tmpfs none "$src"
  [[ ! -e $src/CMakeLists.txt ]]
  bin=$root/usr/bin
  echo "\$ hook-server gen-config"
  "$bin/hook-server" gen-config --config "$root/site/hook-server.yml"
  grep -q "runOnRecordSegmentComplete: $bin/hook-server hook segment-complete" "$root/site/mediamtx.yml"
  echo "\$ hook-server doctor"
  status=0; "$bin/hook-server" doctor --config "$root/site/hook-server.yml" || status=$?
  echo "(exit $status: 1 = warnings only, as no server runs)"
  [[ $status -eq 1 ]]
  "$bin/hook-server" doctor --config "$root/site/hook-server.yml" --json > "$root/doctor.json" || true
  /usr/bin/python3 - "$root/doctor.json" "$root" <<PY
import json, sys
checks = {c["name"]: c for c in json.load(open(sys.argv[1]))["checks"]}
root = sys.argv[2]
for name in ("config", "mediamtx-config", "record-cleaner", "hook-commands", "recordings", "snapshots"):
    assert checks[name]["status"] == "ok", (name, checks[name])
assert root + "/usr/lib/hook-server/hook-server-capture.so" in checks["snapshots"]["message"], checks["snapshots"]
assert checks["server"]["status"] == "warn", checks["server"]
print("doctor from the unpacked root: every local check ok, the capture module found beside the binaries")
PY
  echo "\$ MTX_PATH=camera_1 hook-server hook available   (no server: spooled)"
  env -i MTX_PATH=camera_1 RTSP_PATH=camera_1 RTSP_PORT=8554 MTX_QUERY= MTX_SOURCE_TYPE=rtspSource MTX_SOURCE_ID= \
    "$bin/hook-server" hook available --config "$root/site/hook-server.yml"
  [[ $(wc -l < "$root/site/var/spool/events.jsonl") -eq 1 ]]
  echo "\$ hook-server --version"
  "$bin/hook-server" --version
' _ "$root" "$src"

stage "docker-compose.yml (validated; no Docker engine here to run it)"
compose=packaging/docker
docker-compose -f "$compose/docker-compose.yml" config -q
echo "docker-compose config: valid"
# What it names must exist: the package's files the image uses, and the hook command the Dockerfile
# puts where hook-server.yml says.
grep -q ' ./etc/hook-server/mediamtx-base.yml$' /tmp/hook-server-deb-contents.txt
grep -q 'cp /usr/bin/hook-server /opt/hook-server/bin/hook-server' "$compose/Dockerfile"
grep -q '^  hook_command: /opt/hook-server/bin/hook-server ' "$compose/hook-server.yml"
grep -q '^  base_config: /etc/hook-server/mediamtx-base.yml$' "$compose/hook-server.yml"
"$root/usr/bin/hook-server" doctor --config "$compose/hook-server.yml" --json > "$root/compose-doctor.json" || true
/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["checks"][0]; assert c["status"]=="ok", c; print("its hook-server.yml:", c["message"])' "$root/compose-doctor.json"

echo
echo "package: built, listed, lint-free, unit verified, unpacked binaries ran from their own tree, compose valid"
echo "packaging: 6 passed, 0 failed"
