#!/usr/bin/env bash
# Benchmark 2 — ingest: segment-complete hooks over keep-alive HTTP from 8 connections into a server
# whose index already holds ROWS segments (full: 1,000,000; quick: 100,000), each hook a new file
# (touched first, so the server's stat finds it). Peers: HTTP alone — a cpp-httplib server set up
# like hook-server that answers every hook without doing anything (`hsbench http-floor`), driven by
# the same load — and the server's own SQL for one hook, in process, on a copy of the same index
# (one transaction per hook, and 1,000 per transaction).
# 5 runs of REQ requests each; every run's hooks must all be indexed.
source "$(dirname "$0")/lib/common.sh"
bench_build
machine
ROWS=$([[ $MODE == full ]] && echo 1000000 || echo 100000)
REQ=$([[ $MODE == full ]] && echo 40000 || echo 10000)
RUNS=5
D=$BENCH_TMP/srv
write_config "$D" "$(free_port)" 50
"$HS" reconcile --config "$D/hook-server.yml" >/dev/null   # creates and migrates the index
"$HSBENCH" populate --db "$D/var/index.db" --cameras 50 --per-camera $((ROWS / 50)) >&2
cp "$D/var/index.db" "$BENCH_TMP/peer.db"
# Rows without files: the start-up reconcile marks them missing once; wait for it before measuring.
start_server "$D"
wait_reconciled
for r in $(seq 1 $RUNS); do
  # Each run its own cameras 101.. and times, so every hook adds a row.
  "$HSBENCH" load --port "$SERVER_PORT" --conns 8 --requests "$REQ" --cwd "$D/mtx" --touch "$D/mtx/recordings" \
    --first-camera $((100 + r * 10)) | tee -a "$BENCH_TMP/load.txt" || true
done
grep -o 'rate=[0-9]*' "$BENCH_TMP/load.txt" | cut -d= -f2 | { printf 'RESULT ingest.throughput_per_s '; stats; }
grep -o 'p50_ms=[0-9.]*' "$BENCH_TMP/load.txt" | cut -d= -f2 | { printf 'RESULT ingest.p50_ms '; stats; }
grep -o 'p99_ms=[0-9.]*' "$BENCH_TMP/load.txt" | cut -d= -f2 | { printf 'RESULT ingest.p99_ms '; stats; }
grep -o 'errors=[0-9]*' "$BENCH_TMP/load.txt" | cut -d= -f2 | paste -sd+ | bc | sed 's/^/RESULT ingest.errors=/'
result "ingest.server_rss_kb=$(rss_kb "$SERVER_PID") hwm_kb=$(hwm_kb "$SERVER_PID")"
stop_server
indexed=$(sqlite3 "$D/var/index.db" "select count(*) from segments where camera_id+0 > 100")
result "ingest.indexed=$indexed expected=$((REQ * RUNS))"
FLOOR_PORT=$(free_port)
"$HSBENCH" http-floor --port "$FLOOR_PORT" --seconds 120 &
FLOOR_PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$FLOOR_PORT/" && break; sleep 0.05; done
for r in $(seq 1 $RUNS); do
  "$HSBENCH" load --port "$FLOOR_PORT" --conns 8 --requests "$REQ" --cwd "$D/mtx" --first-camera 900 | tee -a "$BENCH_TMP/floor.txt" || true
done
kill "$FLOOR_PID" 2>/dev/null; wait "$FLOOR_PID" 2>/dev/null || true
grep -o 'rate=[0-9]*' "$BENCH_TMP/floor.txt" | cut -d= -f2 | { printf 'RESULT ingest.http_floor_per_s '; stats; }
grep -o 'p99_ms=[0-9.]*' "$BENCH_TMP/floor.txt" | cut -d= -f2 | { printf 'RESULT ingest.http_floor_p99_ms '; stats; }
h=$(grep -o 'rate=[0-9]*' "$BENCH_TMP/load.txt" | cut -d= -f2 | median)
f=$(grep -o 'rate=[0-9]*' "$BENCH_TMP/floor.txt" | cut -d= -f2 | median)
result "ingest.ratio hook-server/http-floor=$(echo "scale=2; $h / $f" | bc -l)"
for k in 1 1000; do
  for r in $(seq 1 3); do cp "$BENCH_TMP/peer.db" "$BENCH_TMP/p.db"; rm -f "$BENCH_TMP/p.db-wal"; "$HSBENCH" sqlite-insert --db "$BENCH_TMP/p.db" --rows "$REQ" --per-tx $k; done \
    | tee -a "$BENCH_TMP/peer-$k.txt" | grep -o 'rate=[0-9]*' | cut -d= -f2 | { printf "RESULT ingest.peer_sqlite_per_tx_$k rows_per_s "; stats; }
done
