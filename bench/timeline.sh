#!/usr/bin/env bash
# Benchmark of the proof-of-recording routes (issue 12): one camera with 30 days of one-minute
# segments (43,200 rows, their empty files on disk) and a status history (an offline flap of 10
# minutes every day, record off for an hour every third day, the segments of those holes removed),
# then over keep-alive HTTP (hsbench query, one connection, 127.0.0.1), in the same run:
#   timeline  GET /api/cameras/1/timeline?from&to      the 30 days, asked again (a rendered body is
#             reused while the camera's facts are unchanged); "timeline_cold" moves `from` by a
#             fraction of a second each request, so no rendered body is reused: the whole days in
#             it come folded from the day cache (api/timeline_days.hpp), the two partial days at its
#             edges are read row by row; "timeline_first" is the first request after a server
#             start (nothing cached: all 42,300 rows read), once per start, 5 starts
#   days      GET /api/cameras/1/days?from&to&tz=UTC   the 31 dates they touch (the month view)
#   listing   GET /api/cameras/1/recordings?from&to&limit=5000   the plain listing of the same range:
#             its first page (5,000 rows, the page maximum), asked again, so mostly its page cache;
#             "listing_cold" varies the limit so each request is read and rendered
# p50/p99 per run, RUNS runs (quick 3, full 5), Q requests each (quick 200, full 1000).
# Target: p99 < 20 ms for timeline and days.
source "$(dirname "$0")/lib/common.sh"
BENCH_NEEDS="curl sqlite3 python3" bench_build
machine
RUNS=$([[ $MODE == full ]] && echo 5 || echo 3)
Q=$([[ $MODE == full ]] && echo 1000 || echo 200)
STEP=60000000
N=43200
DAY=86400000000
NOW=$(( ($(date +%s) / 60) * 60 * 1000000 ))
START=$(( NOW - N * STEP ))
rfc() { date -u -d "@$(( $1 / 1000000 ))" +%Y-%m-%dT%H:%M:%SZ; }
ymd() { date -u -d "@$(( $1 / 1000000 ))" +%Y-%m-%d; }

D=$BENCH_TMP/srv
RETENTION_EXTRA="  plans: {basic: 60d}" write_config "$D" "$(free_port)" 1
"$HS" reconcile --config "$D/hook-server.yml" >/dev/null   # creates the index at the current schema
"$HSBENCH" populate --db "$D/var/index.db" --cameras 1 --per-camera $N --start-us $START \
  --retention-us $((60 * DAY)) --files "$D/mtx/recordings" >&2

# The status history and its holes, in one transaction.
{
  echo "BEGIN;"
  echo "INSERT INTO state_changes (camera_id, kind, at_us, active) VALUES ('1', 'not_recording', $START, 0), ('1', 'offline', $START, 0);"
  for d in $(seq 0 29); do
    t=$(( START + d * DAY + 3 * 3600000000 ))
    echo "INSERT INTO state_changes (camera_id, kind, at_us, active) VALUES ('1', 'offline', $t, 1), ('1', 'offline', $(( t + 600000000 )), 0);"
    echo "DELETE FROM segments WHERE camera_id = '1' AND start_us >= $t AND start_us < $(( t + 600000000 ));"
    if (( d % 3 == 0 )); then
      r=$(( START + d * DAY + 12 * 3600000000 ))
      echo "INSERT INTO state_changes (camera_id, kind, at_us, active) VALUES ('1', 'not_recording', $r, 1), ('1', 'not_recording', $(( r + 3600000000 )), 0);"
      echo "DELETE FROM segments WHERE camera_id = '1' AND start_us >= $r AND start_us < $(( r + 3600000000 ));"
    fi
  done
  echo "COMMIT;"
} | sqlite3 "$D/var/index.db"
# The files of the removed rows go too (else the start-up reconcile indexes them again).
sqlite3 "$D/var/index.db" "SELECT file FROM segments" | sed "s|^|$D/mtx/recordings/|" | sort >"$BENCH_TMP/keep.txt"
find "$D/mtx/recordings" -name '*.mp4' | sort | comm -23 - "$BENCH_TMP/keep.txt" | xargs -r rm -f
rows=$(sqlite3 "$D/var/index.db" "SELECT count(*) FROM segments")
changes=$(sqlite3 "$D/var/index.db" "SELECT count(*) FROM state_changes")
log "index: $rows segments, $changes status changes"

start_server "$D"
wait_reconciled
FROM=$(rfc $START); TO=$(rfc $NOW)
PT="/api/cameras/1/timeline?from=$FROM&to=$TO"
# Cold: a different sub-second start each request (…00.2000Z to …00.4999Z), so none is reused.
PTC="/api/cameras/1/timeline?from=${FROM%Z}.{n}Z&to=$TO"
PD="/api/cameras/1/days?from=$(ymd $START)&to=$(ymd $(( NOW - 1 )))&tz=UTC"
PL="/api/cameras/1/recordings?from=$FROM&to=$TO&limit=5000"
PC="/api/cameras/1/recordings?from=$FROM&to=$TO&limit={n}"
curl -sf "http://127.0.0.1:$SERVER_PORT$PT" | python3 -c 'import json,sys; t=json.load(sys.stdin); print("timeline: %d spans, %d gaps, covered %.0f s, gaps %s" % (len(t["spans"]), len(t["gaps"]), t["covered_s"], {k: v for k, v in t["gaps_s"].items() if v}))' >&2
curl -sf "http://127.0.0.1:$SERVER_PORT$PD" | python3 -c 'import json,sys; d=json.load(sys.stdin)["days"]; print("days: %d, first %s covered %.0f s of %.0f" % (len(d), d[0]["date"], d[0]["covered_s"], d[0]["length_s"]))' >&2
for r in $(seq 1 "$RUNS"); do
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PT" --requests $Q >>"$BENCH_TMP/qt.txt"
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PTC" --requests $(( Q / 4 )) >>"$BENCH_TMP/qtc.txt"
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PD" --requests $Q >>"$BENCH_TMP/qd.txt"
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PL" --requests $Q >>"$BENCH_TMP/ql.txt"
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PC" --requests $Q >>"$BENCH_TMP/qc.txt"
done
head -1 "$BENCH_TMP/qt.txt" "$BENCH_TMP/qtc.txt" "$BENCH_TMP/qd.txt" "$BENCH_TMP/ql.txt" "$BENCH_TMP/qc.txt" >&2
for f in qt:timeline qtc:timeline_cold qd:days ql:listing qc:listing_cold; do
  for k in p50 p99; do
    grep -o "$k"'_ms=[0-9.]*' "$BENCH_TMP/${f%%:*}.txt" | cut -d= -f2 | { printf "RESULT timeline.${f#*:}.$k rows=$rows "; stats; }
  done
done
result "timeline.rss_kb $(rss_kb "$SERVER_PID")"
for r in 1 2 3 4 5; do
  stop_server
  start_server "$D"
  wait_reconciled
  "$HSBENCH" query --port "$SERVER_PORT" --path "$PTC" --requests 1 >>"$BENCH_TMP/qtf.txt"
done
grep -o 'p50_ms=[0-9.]*' "$BENCH_TMP/qtf.txt" | cut -d= -f2 | { printf "RESULT timeline.timeline_first.ms rows=$rows "; stats; }
