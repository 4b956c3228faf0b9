#!/usr/bin/env bash
# Benchmarks 3, 5 and 6 on one big index (full: 50 cameras x 20,000 one-minute segments = 1 M rows;
# quick: camera 1 with 20,000 + 49 x 2,000 = 118 k rows):
#  3. queries: p50/p99 of GET /api/cameras/1/recordings for a day (1,440 segments in one request),
#     asked again (page cache) and cold (every request read and rendered), and an hour, over
#     keep-alive HTTP; peer: a walk + name parse of the same camera's directory of 20,000 files
#     (what MediaMTX's /v3/recordings/get must do).
#  5. footprint: RSS idle with 100 cameras and an empty index; start-to-ready with the big index;
#     RSS after the start-up reconcile and the query mix.
#  6. soak (quick: 10 s, full: 10 min) at 1,000 hooks/s plus queries: RSS growth, errors, rows.
source "$(dirname "$0")/lib/common.sh"
bench_build
machine
PER=$([[ $MODE == full ]] && echo 20000 || echo 2000)
SOAK_S=$([[ $MODE == full ]] && echo 600 || echo 10)
Q=$([[ $MODE == full ]] && echo 2000 || echo 300)
STEP=60000000
NOW=$(( $(date +%s) * 1000000 ))
START=$(( NOW - PER * STEP ))
rfc() { date -u -d "@$(( $1 / 1000000 ))" +%Y-%m-%dT%H:%M:%SZ; }

# --- 5a: idle with 100 cameras, empty index.
I=$BENCH_TMP/idle
write_config "$I" "$(free_port)" 100
start_server "$I"; wait_reconciled; sleep 2
result "footprint.idle_100_cameras rss_kb=$(rss_kb "$SERVER_PID") ready_ms=$READY_MS"
stop_server

# --- the big index.
D=$BENCH_TMP/srv
write_config "$D" "$(free_port)" 50
"$HS" reconcile --config "$D/hook-server.yml" >/dev/null
# Camera 1 always has 20,000 segments, with their (empty) files on disk for the walk peer.
"$HSBENCH" populate --db "$D/var/index.db" --cameras 1 --per-camera 20000 --start-us $(( NOW - 20000 * STEP )) --retention-us $((30 * 86400000000)) >&2
"$HSBENCH" populate --db "$D/var/index.db" --first-camera 2 --cameras 49 --per-camera $PER --start-us $START --retention-us $((30 * 86400000000)) >&2
rows=$(sqlite3 "$D/var/index.db" "select count(*) from segments")
"$HSBENCH" files --root "$D/mtx/recordings" --camera-path camera_1 --count 20000 --start-us $(( NOW - 20000 * STEP )) >&2

# --- 5b: start-to-ready with the big index (5 starts).
for r in 1 2 3 4 5; do start_server "$D"; echo "$READY_MS" >>"$BENCH_TMP/ready.txt"; [[ $r == 5 ]] || stop_server; done
stats <"$BENCH_TMP/ready.txt" | sed "s/^/RESULT footprint.start_to_ready_ms rows=$rows /"
wait_reconciled
result "footprint.after_startup_reconcile rss_kb=$(rss_kb "$SERVER_PID") hwm_kb=$(hwm_kb "$SERVER_PID")"

# --- 3: queries.
DAY_FROM=$(( NOW - 36 * 3600000000 )); DAY_TO=$(( DAY_FROM + 86400000000 )); HOUR_TO=$(( DAY_FROM + 3600000000 ))
# A day is one request (limit up to 5,000). Asked again, it comes from the page cache (the camera's
# segments did not change); "cold" varies the limit (2,000..4,999, same 1,440 items) so every
# request misses the cache and is read and rendered.
PD="/api/cameras/1/recordings?from=$(rfc $DAY_FROM)&to=$(rfc $DAY_TO)&limit=2000"
PC="/api/cameras/1/recordings?from=$(rfc $DAY_FROM)&to=$(rfc $DAY_TO)&limit={n}"
PH="/api/cameras/1/recordings?from=$(rfc $DAY_FROM)&to=$(rfc $HOUR_TO)"
for r in 1 2 3 4 5; do
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PD" --requests $Q >>"$BENCH_TMP/qd.txt"
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PC" --requests $(( Q / 4 )) >>"$BENCH_TMP/qc.txt"
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PH" --requests $Q >>"$BENCH_TMP/qh.txt"
done
head -1 "$BENCH_TMP/qd.txt" "$BENCH_TMP/qc.txt" "$BENCH_TMP/qh.txt" >&2
for f in qd qc qh; do
  for k in p50 p99; do grep -o "$k"'_ms=[0-9.]*' "$BENCH_TMP/$f.txt" | cut -d= -f2 | { printf "RESULT queries.$f.$k "; stats; }; done
done
for r in 1 2 3 4 5; do "$HSBENCH" walk --dir "$D/mtx/recordings/camera_1" --from-us $DAY_FROM --to-us $DAY_TO --runs 10; done >"$BENCH_TMP/walk.txt"
head -1 "$BENCH_TMP/walk.txt" >&2
grep -o 'p50_ms=[0-9.]*' "$BENCH_TMP/walk.txt" | cut -d= -f2 | { printf 'RESULT queries.walk_day.p50 '; stats; }
w=$(grep -o 'p50_ms=[0-9.]*' "$BENCH_TMP/walk.txt" | cut -d= -f2 | median)
qd=$(grep -o 'p50_ms=[0-9.]*' "$BENCH_TMP/qd.txt" | cut -d= -f2 | median)
qc=$(grep -o 'p50_ms=[0-9.]*' "$BENCH_TMP/qc.txt" | cut -d= -f2 | median)
result "queries.ratio walk/day(p50)=$(echo "scale=1; $w / $qd" | bc -l) walk/day_cold(p50)=$(echo "scale=1; $w / $qc" | bc -l) (target >= 50)"
result "footprint.after_query_mix rss_kb=$(rss_kb "$SERVER_PID") hwm_kb=$(hwm_kb "$SERVER_PID")"

# --- 6: soak: 1,000 hooks/s for SOAK_S seconds with a query loop beside it.
rss0=$(rss_kb "$SERVER_PID")
( "$HSBENCH" load --port "$SERVER_PORT" --conns 8 --requests $(( SOAK_S * 1000 )) --rate 1000 --cwd "$D/mtx" \
    --touch "$D/mtx/recordings" --first-camera 300 >"$BENCH_TMP/soak.txt" 2>&1 || true ) &
LOADPID=$!
qn=0
while kill -0 $LOADPID 2>/dev/null && (( qn < 100000 )); do
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PH" --requests 200 >>"$BENCH_TMP/soakq.txt" || true
  qn=$((qn + 200)); sleep 0.2
done
wait $LOADPID || true
cat "$BENCH_TMP/soak.txt" >&2
rss1=$(rss_kb "$SERVER_PID")
soak_rows=$(sqlite3 "$D/var/index.db" "select count(*) from segments where camera_id+0 >= 300")
qerr=$(grep -o 'errors=[0-9]*' "$BENCH_TMP/soakq.txt" | cut -d= -f2 | paste -sd+ | bc)
result "soak seconds=$SOAK_S $(grep -o 'requests=[0-9]* errors=[0-9]* .*' "$BENCH_TMP/soak.txt" | head -1)"
result "soak rows_indexed=$soak_rows expected=$(( SOAK_S * 1000 )) queries=$qn query_errors=$qerr rss_start_kb=$rss0 rss_end_kb=$rss1 growth_pct=$(echo "scale=1; ($rss1 - $rss0) * 100 / $rss0" | bc)"
stop_server
