#!/usr/bin/env bash
# The hook client runs where MediaMTX's official image runs it: in an empty root (no shell, no libc,
# no /proc, no hook-server-full), holding only the binary and its config. It must deliver a hook to
# the server outside, and spool the event when that server is down; the server ingests the spool.
#   usage: static_hook_client.sh <build>/hook-server/hook-server
# Needs root (chroot). Prints `file` and `ldd` of the binary.
set -euo pipefail
client=$(realpath "$1")
full=$(dirname "$client")/hook-server-full
work=$(mktemp -d /tmp/static-hook-XXXXXX)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "file: $(file -b "$client")"
echo "ldd:  $(ldd "$client" 2>&1 || true)"
file -b "$client" | grep -q "statically linked" || fail "$client is not statically linked"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
root=$work/root
mkdir -p "$root/etc/hook-server" "$root/data" "$work/mtx/recordings"
cp "$client" "$root/hook-server"
# The config the client reads inside the root: the server's address and data_dir (its spool).
cat > "$root/etc/hook-server/hook-server.yml" <<YML
server:
  listen: 127.0.0.1:$port
data_dir: /data
YML
# The server's own config: the same data_dir, seen from outside the root.
cat > "$work/server.yml" <<YML
server:
  listen: 127.0.0.1:$port
access: {mode: open}
data_dir: $root/data
reconcile_interval: 1h
mediamtx:
  working_dir: $work/mtx
  timezone: UTC
  hook_command: $client
  base_config: $(realpath "$(dirname "$0")/../../mediamtx-config/base.yml")
  output: $work/mediamtx.yml
cameras:
  - {id: "1", source: "rtsp://127.0.0.1:8554/cam1"}
YML
[[ $(find "$root" -type f | wc -l) -eq 2 ]] || fail "the root holds more than the binary and its config"

start_server() {
  "$full" serve --config "$work/server.yml" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  cat "$work/server.log" >&2
  fail "the server did not start"
}
stop_server() { kill "$server_pid"; wait "$server_pid" || true; server_pid=; }
# MediaMTX's environment for a hook: nothing but the hook's variables (env -i), cwd /.
hook() {
  env -i MTX_PATH=camera_1 RTSP_PATH=camera_1 RTSP_PORT=8554 MTX_QUERY= MTX_SOURCE_TYPE=rtspSource MTX_SOURCE_ID= \
    /usr/sbin/chroot "$root" /hook-server hook "$1" --config /etc/hook-server/hook-server.yml
}
status() { curl -fsS "http://127.0.0.1:$port/api/cameras/1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["state"])'; }

start_server
hook available 2>"$work/hook.err" || fail "delivery failed: $(cat "$work/hook.err")"
[[ $(status) == active ]] || fail "the available hook did not reach the server"
echo "delivered from the empty root: camera 1 is $(status)"

stop_server
hook unavailable 2>"$work/hook.err" || fail "spooling failed: $(cat "$work/hook.err")"
grep -q "event spooled in /data/spool" "$work/hook.err" || fail "no spool message: $(cat "$work/hook.err")"
[[ $(wc -l <"$root/data/spool/events.jsonl") -eq 1 ]] || fail "the spool does not hold one event"
echo "spooled in the empty root: $(cat "$work/hook.err")"

start_server
for _ in $(seq 100); do [[ $(status) == stopped ]] && break; sleep 0.05; done
[[ $(status) == stopped ]] || fail "the spooled unavailable event was not ingested"
echo "spool ingested by the server: camera 1 is $(status)"
echo "static hook client: delivered, spooled and ingested from an empty root"
