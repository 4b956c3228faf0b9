#!/usr/bin/env bash
# Shared helpers of the bench scripts: build, temp dirs, a server on 127.0.0.1, statistics.
# Sourced, never run. Every process started here is stopped by the EXIT trap.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_ROOT=$(cd "$BENCH_ROOT/.." && pwd)
BUILD_DIR=${BENCH_BUILD_DIR:-/work/build-bench}
HS=${HS_BIN:-$BUILD_DIR/hook-server/hook-server}
HSBENCH=$BUILD_DIR/hsbench
MODE=${MODE:-quick}   # quick | full (set by run.sh or --full)
for a in "$@"; do case $a in --full) MODE=full ;; --quick) MODE=quick ;; esac; done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Release build of the server (own build dir, so it never fights ./build) and the bench helper.
bench_build() {
  if [[ -z ${HS_BIN:-} ]]; then
    cmake -S "$REPO_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" --target ${BENCH_TARGETS:-hook-server} >&2
  fi
  if [[ ! -x $HSBENCH || $BENCH_ROOT/tools/hsbench.cpp -nt $HSBENCH ]]; then
    mkdir -p "$BUILD_DIR"
    g++ -O2 -std=c++20 -o "$HSBENCH" "$BENCH_ROOT/tools/hsbench.cpp" $(pkg-config --cflags --libs cpp-httplib) -lsqlite3 -lpthread
  fi
  need() { command -v "$1" >/dev/null || { echo "bench: $1 is missing: see bench/README.md (setup)" >&2; exit 1; }; }
  # A script that needs less sets BENCH_NEEDS first.
  for tool in ${BENCH_NEEDS:-hyperfine curl sqlite3}; do need "$tool"; done
}

# One temp dir per script, removed at exit together with the server.
SERVER_PID=""
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsbench.XXXXXX")
bench_cleanup() {
  stop_server || true
  [[ -n ${KEEP_TMP:-} ]] || rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "bench: no free port" >&2; return 1
}

# write_config DIR PORT NCAMERAS: a hook-server.yml for DIR (index in DIR/var, MediaMTX cwd DIR/mtx).
write_config() {
  local dir=$1 port=$2 ncam=$3
  mkdir -p "$dir/mtx/recordings"
  {
    cat <<YML
server:
  listen: 127.0.0.1:$port
access: {mode: open}  # reads without a token, as the figures in docs/BENCHMARKS.md were measured
data_dir: ./var
reconcile_interval: 1h
mediamtx:
  working_dir: ./mtx
  timezone: UTC
  hook_command: $HS
  base_config: $REPO_ROOT/mediamtx-config/base.yml
  output: ./mediamtx.yml
  urls: {rtsp: "rtsp://127.0.0.1:8554", hls: "http://127.0.0.1:8888", webrtc: "http://127.0.0.1:8889", playback: "http://127.0.0.1:9996"}
retention:
  interval: 1h
  disk_min_free: 0%
${RETENTION_EXTRA:-}
YML
    if (( ncam > 0 )); then
      echo "cameras:"
      for i in $(seq 1 "$ncam"); do printf '  - {id: "%d", name: cam%d, source: "rtsp://127.0.0.1:1/c%d", plan: basic}\n' "$i" "$i" "$i"; done
    fi
  } >"$dir/hook-server.yml"
}

# start_server DIR: serve in the background; returns when /api/health answers (READY_TIMEOUT_S,
# default 10 s, at most; each health request HEALTH_MAX_TIME_S, default 1 s, at most).
# Sets SERVER_PID, SERVER_PORT and READY_MS (process start to first healthy answer).
start_server() {
  local dir=$1
  SERVER_PORT=$(sed -n 's/^  listen: 127.0.0.1:\([0-9]*\)$/\1/p' "$dir/hook-server.yml")
  local t0; t0=$(date +%s%N)
  "$HS" --log-level "${SERVER_LOG_LEVEL:-warn}" serve --config "$dir/hook-server.yml" >>"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$(( t0 + ${READY_TIMEOUT_S:-10} * 1000000000 ))
  while (( $(date +%s%N) < deadline )); do
    if curl -sf -o /dev/null --max-time "${HEALTH_MAX_TIME_S:-1}" "http://127.0.0.1:$SERVER_PORT/api/health"; then
      READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/server.log" >&2; echo "bench: server died" >&2; return 1; }
    sleep 0.005
  done
  echo "bench: server not healthy within ${READY_TIMEOUT_S:-10} s" >&2; return 1
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Waits until the start-up reconcile of the worker has run (it walks the recordings once;
# RECONCILE_TIMEOUT_S, default 60 s, at most).
wait_reconciled() {
  for _ in $(seq 1 $(( ${RECONCILE_TIMEOUT_S:-60} * 10 ))); do
    if curl -sf --max-time "${HEALTH_MAX_TIME_S:-2}" "http://127.0.0.1:$SERVER_PORT/api/health" | grep -q '"last_reconcile":{'; then return 0; fi
    sleep 0.1
  done
  echo "bench: start-up reconcile did not finish within ${RECONCILE_TIMEOUT_S:-60} s" >&2; return 1
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# stats: numbers on stdin -> "median=X min=Y max=Z n=N"
stats() { sort -g | awk '{v[NR]=$1} END {m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "median=%g min=%g max=%g n=%d\n", m, v[1], v[NR], NR}'; }
median() { stats | sed 's/median=\([^ ]*\).*/\1/'; }

# ms_of CMD...: wall milliseconds of one run.
ms_of() { local t0; t0=$(date +%s%N); "$@" >/dev/null; echo $(( ($(date +%s%N) - t0) / 1000000 )); }

result() { printf 'RESULT %s\n' "$*"; }

machine() {
  echo "machine: nproc=$(nproc) mem=$(free -g | awk '/Mem:/ {print $2}')GiB load=$(cut -d' ' -f1-3 /proc/loadavg) kernel=$(uname -r) date=$(date -u +%FT%TZ) mode=$MODE"
  echo "other compilers running: $(pgrep -c cc1plus || true)"
}
