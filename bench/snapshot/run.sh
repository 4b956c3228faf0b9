#!/usr/bin/env bash
# Snapshot benchmark: hook-server's in-process libav capture vs the original design's ffmpeg command,
# same stream, from RTSP at 1 s and 2 s GOP, and from the tail of a recording segment.
#
#   bench/snapshot/run.sh [BUILD_DIR] [RUNS]     # BUILD_DIR: a cmake build with libhookserver_core.a
#
# Starts tests/support/rtsp_server.py (GStreamer, camera-like: 1280x720 25 fps H.264, a reader waits
# for the next IDR) on 127.0.0.1, builds bench/snapshot/snapshot_bench.cpp against the library, and
# writes raw runs and summaries to $OUT (default /tmp/hook-server-snapshot-bench). Results and how
# they were measured: docs/snapshots.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
runs=${2:-20}
out=${OUT:-/tmp/hook-server-snapshot-bench}
mkdir -p "$out"

lib="$build/libhookserver_core.a"
[[ -f $lib ]] || { echo "no $lib: build the project first (cmake --build $build)" >&2; exit 1; }
bench="$out/snapshot_bench"
# The libav code is not in the library (it is the capture module's, see src/snapshot/capture.hpp):
# compiled in here, so the bench calls the frame reader directly, as before.
c++ -std=c++20 -O2 -g -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL -DSPDLOG_SHARED_LIB -DFMT_SHARED -I"$root/src" \
  "$here/snapshot_bench.cpp" "$root"/src/snapshot/{libav,frame_reader,jpeg}.cpp -o "$bench" "$lib" \
  $(pkg-config --libs libavformat libavcodec libavutil libswscale spdlog fmt) -lpthread

server_pid=
stop_server() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=
  exec 3>&- 2>/dev/null || true
}
trap stop_server EXIT

# Starts the RTSP server with a GOP of $1 frames; sets $port.
start_server() {
  local fifo="$out/rtsp.stdin"
  rm -f "$fifo" && mkfifo "$fifo"
  /usr/bin/python3 "$root/tests/support/rtsp_server.py" --path camera_1 --width 1280 --height 720 --fps 25 \
    --gop "$1" --lifetime 900 <"$fifo" >"$out/rtsp.out" 2>"$out/rtsp.err" &
  server_pid=$!
  exec 3>"$fifo"  # held open: EOF on the server's stdin would stop it
  for _ in $(seq 100); do grep -q READY "$out/rtsp.out" 2>/dev/null && break; sleep 0.1; done
  port=$(awk '/READY/{print $2}' "$out/rtsp.out")
  [[ -n $port ]] || { cat "$out/rtsp.err" >&2; exit 1; }
  sleep 2  # let the stream settle
}

machine() {
  echo "nproc $(nproc), memory $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(ffmpeg -version | head -1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

{
  echo "# snapshot benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  machine
} | tee "$out/summary.txt"

for gop in 25 50; do
  start_server "$gop"
  url="rtsp://127.0.0.1:$port/camera_1"
  gap_ms=$((gop * 40))  # a random pause of 0..GOP between runs: runs land anywhere in the GOP
  for mode in inproc cli; do
    echo "== rtsp gop=${gop} (${gap_ms} ms) $mode, load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/summary.txt"
    "$bench" "$mode" "$url" "$runs" "$gap_ms" "$out/rtsp-$gop-$mode.jpg" | tee "$out/rtsp-$gop-$mode.txt" |
      grep summary | tee -a "$out/summary.txt"
  done
  stop_server
done

# Recording tail: MediaMTX-like fMP4 (1 s fragments, keyframe every 2 s) of 60 s and 300 s, and the
# 300 s one cut inside its last fragment like a segment being written.
for secs in 60 300; do
  seg="$out/tail-$secs.mp4"
  if [[ ! -s $seg ]]; then
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25" -t "$secs" \
      -c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -g 50 -keyint_min 50 -sc_threshold 0 \
      -f mp4 -movflags +frag_keyframe+empty_moov+default_base_moof+skip_trailer -frag_duration 1000000 "$seg"
  fi
done
cp "$out/tail-300.mp4" "$out/tail-300-writing.mp4"
truncate -s -100000 "$out/tail-300-writing.mp4"
for f in tail-60 tail-300 tail-300-writing; do
  echo "== recording tail $f inproc, load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/summary.txt"
  "$bench" inproc "$out/$f.mp4" "$((runs * 2))" 0 "$out/$f-inproc.jpg" | tee "$out/$f-inproc.txt" |
    grep summary | tee -a "$out/summary.txt"
done
echo "== recording tail tail-300 cli (ffmpeg -sseof -3), load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/summary.txt"
"$bench" cli "$out/tail-300.mp4" "$runs" 0 "$out/tail-300-cli.jpg" | tee "$out/tail-300-cli.txt" |
  grep summary | tee -a "$out/summary.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/summary.txt"
