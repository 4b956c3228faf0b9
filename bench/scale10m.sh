#!/usr/bin/env bash
# Benchmark of issue 10 — the index at 10 M segment rows, on SQLite and on PostgreSQL, same run:
# CAMS cameras × DAYS days of one-minute segments (full: 230 × 30 × 1,440 = 9,936,000 rows; quick:
# 23 × 30 × 1,440 = 993,600), every 10th segment permanent, then per backend:
#   ready     process start to the first healthy answer (3 starts), RSS then and after the start-up
#             reconcile (which reads every row's file name), that reconcile's own time
#   timeline  GET /api/cameras/1/timeline over the 30 days: the first ask after a start (one per
#             start), then asked again
#   day       GET /api/cameras/1/recordings for one UTC day (1,440 rows): asked again (page cache)
#             and cold (the limit varies 2,000..4,999 so every request is read and rendered)
#   ingest    segment-complete hooks from 8 keep-alive connections (hsbench load, as ingest.sh),
#             each connection its own new camera (1001..1008); on PostgreSQL also two servers at once
#             (own data_dir and recordings root, cameras 1001.. and 2001..), each loaded by its own client
#   retention one `hook-server cleanup` pass with the server stopped: the first 0.3 day of every
#             camera (1 % of the rows) is made due (expires_us moved into the past by one UPDATE),
#             its files created; every 10th of them permanent and kept
#   ceiling   (PostgreSQL) pgbench on the same cluster, -c 8 -j 2: a custom script doing one hook's
#             SQL (the write lock, the segment INSERT ... ON CONFLICT, the event row) into the same
#             10 M-row table with its triggers, one transaction per hook; and the same without the
#             write lock (the 8 clients' commits no longer queue behind one another)
# Populating: SQLite through `hsbench populate` (the server's triggers fire); PostgreSQL with one
# INSERT ... SELECT over generate_series, the segments table's triggers disabled during the load
# and segment_days rebuilt by one GROUP BY afterwards. PostgreSQL runs with fsync on
# (PG_TEST_DURABLE=1), shared_buffers 1GB and max_wal_size 8GB (ALTER SYSTEM, restarted).
#
#   bench/scale10m.sh [--quick|--full] [--sqlite|--pg]     (both backends unless one is named)
# CAMS, DAYS, REQ (hooks per load run), RUNS override the sizes; NODES=1 names the two servers'
# nodes (node-a, node-b) in their configs.
source "$(dirname "$0")/lib/common.sh"
BACKENDS="sqlite pg"
for a in "$@"; do case $a in --sqlite) BACKENDS=sqlite ;; --pg) BACKENDS=pg ;; esac; done
BENCH_NEEDS="curl sqlite3 psql pgbench" bench_build
# /api/health sums every segment's size per camera (its storage alerts): ~1 s per request at 1 M rows.
export READY_TIMEOUT_S=${READY_TIMEOUT_S:-300} RECONCILE_TIMEOUT_S=${RECONCILE_TIMEOUT_S:-900} HEALTH_MAX_TIME_S=${HEALTH_MAX_TIME_S:-120}
machine
CAMS=${CAMS:-$([[ $MODE == full ]] && echo 230 || echo 23)}
DAYS=${DAYS:-30}
REQ=${REQ:-$([[ $MODE == full ]] && echo 20000 || echo 5000)}
RUNS=${RUNS:-3}
Q=$([[ $MODE == full ]] && echo 500 || echo 200)
STEP=60000000
DAY=86400000000
PER=$(( DAYS * 1440 ))
NOW=$(( ($(date +%s) / 60) * 60 * 1000000 ))
START=$(( NOW - PER * STEP ))
RET_US=$(( (DAYS + 1) * DAY ))        # nothing is due until the retention part moves 1 % into the past
DUE_BEFORE=$(( START + 3 * DAY / 10 )) # the first 0.3 day of each camera: 1 % of the rows
export RETENTION_EXTRA="  plans: {basic: $(( DAYS + 1 ))d}"
rfc() { date -u -d "@$(( $1 / 1000000 ))" +%Y-%m-%dT%H:%M:%SZ; }
up() { log "uptime: $(uptime)"; echo "uptime $1: $(uptime)" >>"$BENCH_TMP/uptime.txt"; }

PGDIR=$BENCH_TMP/pg
pg_cleanup() { [[ -f $PGDIR/cluster ]] && "$REPO_ROOT/scripts/pg-test-server.sh" destroy "$PGDIR" || true; }
trap 'stop_servers; pg_cleanup; bench_cleanup' EXIT

# A second server (node B) beside start_server's one.
B_PID=""
stop_servers() {
  stop_server || true
  if [[ -n $B_PID ]]; then kill -TERM "$B_PID" 2>/dev/null || true; wait "$B_PID" 2>/dev/null || true; B_PID=""; fi
}

# config DIR [URL [NODE_ID]]: the bench config, no cameras in it (the 230 are rows, as discovered
# cameras). NODES=1 gives each server `node: {id, url}` (a build that knows `node:`); without it two
# servers share the index as they did before nodes: reconcile and retention run at start and then
# hourly (both 1h here), disk_min_free 0 %, so neither touches the other's rows during the load.
config() {
  write_config "$1" "$(free_port)" 0
  [[ -z ${2:-} ]] || printf 'index: {url: "%s"}\n' "$2" >>"$1/hook-server.yml"
  if [[ ${NODES:-0} == 1 && -n ${3:-} ]]; then
    local port; port=$(sed -n 's/^  listen: 127.0.0.1:\([0-9]*\)$/\1/p' "$1/hook-server.yml")
    printf 'node: {id: %s, url: "http://127.0.0.1:%s"}\n' "$3" "$port" >>"$1/hook-server.yml"
  fi
}

# sql QUERY: one value from the index of the backend being measured.
sql() {
  if [[ $BE == sqlite ]]; then sqlite3 "$D/var/index.db" "$1"; else psql "$PGURL" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; fi
}

health_field() { curl -sf --max-time "$HEALTH_MAX_TIME_S" "http://127.0.0.1:$1/api/health" | python3 -c "import json,sys; h=json.load(sys.stdin); print(h$2)"; }
wait_retention_pass() {
  for _ in $(seq 1 6000); do
    curl -sf --max-time "$HEALTH_MAX_TIME_S" "http://127.0.0.1:$1/api/health" | grep -q '"last_retention":{' && return 0
    sleep 0.1
  done
  echo "bench: start-up retention pass did not finish within 600 s" >&2; return 1
}

# The node that owns the populated rows (schema 7 and later: rows have a node; a server without
# `node:` is node "local"); empty for an index from before nodes.
NODE_A=$([[ ${NODES:-0} == 1 ]] && echo node-a || echo local)
node_column() {
  if [[ $BE == sqlite ]]; then sql "SELECT count(*) FROM pragma_table_info('segments') WHERE name = 'node'"
  else sql "SELECT count(*) FROM information_schema.columns WHERE table_name = 'segments' AND column_name = 'node'"; fi
}

populate_sqlite() {
  "$HSBENCH" populate --db "$D/var/index.db" --cameras "$CAMS" --per-camera "$PER" --start-us "$START" \
    --retention-us "$RET_US" --notified-until-us 9000000000000000000 --permanent-every 10 >&2
  # What the server's first open would do (adopt rows without a node), before the clock starts.
  [[ $(node_column) == 0 ]] || sql "UPDATE cameras SET node = '$NODE_A' WHERE node = ''; UPDATE segments SET node = '$NODE_A' WHERE node = '';"
}

populate_pg() {
  local nc="" nv=""
  [[ $(node_column) == 0 ]] || { nc=", node"; nv=", '$NODE_A'"; }
  psql "$PGURL" -X -q -v ON_ERROR_STOP=1 <<SQL
BEGIN;
ALTER TABLE segments DISABLE TRIGGER USER;
INSERT INTO cameras (id, path, name, plan, origin, created_us, updated_us, applied_retention_us$nc)
  SELECT c::text, 'camera_' || c, 'camera_' || c, 'basic', 'discovered', 0, 0, $RET_US$nv FROM generate_series(1, $CAMS) c;
INSERT INTO segments (camera_id, file, start_us, duration_us, size_bytes, state, permanent, expires_us, notified_us,
                      created_us, updated_us$nc)
  SELECT c::text,
         'camera_' || c || '/' || to_char(to_timestamp(($START + i * $STEP) / 1000000) AT TIME ZONE 'UTC',
                                          'YYYY-MM-DD_HH24-MI-SS-US') || '.mp4',
         $START + i * $STEP, $STEP, 1000000, 'complete', CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END,
         $START + i * $STEP + $RET_US, $NOW, $NOW, $NOW$nv
  FROM generate_series(1, $CAMS) c, generate_series(0::bigint, $PER - 1) i;
ALTER TABLE segments ENABLE TRIGGER USER;
INSERT INTO segment_days (camera_id, day, version)
  SELECT camera_id, start_us / 86400000000, 1 FROM segments GROUP BY camera_id, start_us / 86400000000;
COMMIT;
VACUUM ANALYZE;
SQL
}

# load PORT FIRST_CAMERA RUN DIR: one load run of REQ hooks from 8 connections, each its own new
# camera (FIRST_CAMERA.., 4-digit ids: the populated ones have at most 3) and one-minute segments
# in the past (a start after now + 1 day is refused), each run its own stretch of time.
load() {
  "$HSBENCH" load --port "$1" --conns 8 --requests "$REQ" --cwd "$4/mtx" --touch "$4/mtx/recordings" \
    --first-camera "$2" --start-us $(( NOW - $3 * (REQ / 8 + 1) * STEP )) || true
}

bench_backend() {
  BE=$1
  log "== $BE: $CAMS cameras x $PER segments"
  D=$BENCH_TMP/$BE
  PGURL=""
  if [[ $BE == pg ]]; then
    PGURL=$(PG_TEST_DURABLE=1 "$REPO_ROOT/scripts/pg-test-server.sh" start "$PGDIR")
    psql "$PGURL" -X -q -c "ALTER SYSTEM SET shared_buffers = '1GB'" -c "ALTER SYSTEM SET max_wal_size = '8GB'"
    "$REPO_ROOT/scripts/pg-test-server.sh" stop "$PGDIR"
    PG_TEST_DURABLE=1 "$REPO_ROOT/scripts/pg-test-server.sh" start "$PGDIR" >/dev/null
    result "scale10m.pg.server $(psql "$PGURL" -X -t -A -c "SELECT version()" | cut -d, -f1) fsync=$(psql "$PGURL" -X -t -A -c 'SHOW fsync') shared_buffers=$(psql "$PGURL" -X -t -A -c 'SHOW shared_buffers')"
  fi
  config "$D" "$PGURL" node-a
  "$HS" reconcile --config "$D/hook-server.yml" >/dev/null   # creates and migrates the index
  up "$BE populate"
  local t0 t; t0=$(date +%s%N)
  "populate_$BE" >/dev/null
  t=$(( ($(date +%s%N) - t0) / 1000000 ))
  local rows; rows=$(sql "SELECT count(*) FROM segments")
  local size
  if [[ $BE == sqlite ]]; then size=$(( $(stat -c %s "$D/var/index.db") / 1048576 ))
  else size=$(( $(sql "SELECT pg_database_size(current_database())") / 1048576 )); fi
  result "scale10m.$BE.populate rows=$rows ms=$t index_mib=$size"

  # --- ready time and RSS: 3 starts; the timeline's first ask after each start.
  up "$BE ready"
  local FROM TO; FROM=$(rfc $START); TO=$(rfc $NOW)
  local PT="/api/cameras/1/timeline?from=$FROM&to=$TO"
  for r in 1 2 3; do
    start_server "$D"
    local rss0; rss0=$(rss_kb "$SERVER_PID")
    wait_reconciled
    local rec_ms; rec_ms=$(health_field "$SERVER_PORT" "['worker']['last_reconcile']['elapsed_ms']")
    wait_retention_pass "$SERVER_PORT"
    local ret_ms; ret_ms=$(health_field "$SERVER_PORT" "['worker']['last_retention']['elapsed_ms']")
    echo "ready_ms=$READY_MS rss_ready_kb=$rss0 reconcile_ms=$rec_ms startup_retention_ms=$ret_ms rss_idle_kb=$(rss_kb "$SERVER_PID") hwm_kb=$(hwm_kb "$SERVER_PID")" | tee -a "$BENCH_TMP/$BE-ready.txt" >&2
    "$HSBENCH" query --port "$SERVER_PORT" --path "$PT" --requests 1 | tee -a "$BENCH_TMP/$BE-tf.txt" >&2
    [[ $r == 3 ]] || stop_server
  done
  for k in ready_ms rss_ready_kb reconcile_ms startup_retention_ms rss_idle_kb hwm_kb; do
    grep -o "$k=[0-9]*" "$BENCH_TMP/$BE-ready.txt" | cut -d= -f2 | { printf "RESULT scale10m.$BE.start.$k rows=$rows "; stats; }
  done
  grep -o 'p50_ms=[0-9.]*' "$BENCH_TMP/$BE-tf.txt" | cut -d= -f2 | { printf "RESULT scale10m.$BE.timeline_first_ms "; stats; }

  # --- queries: the 30-day timeline again; a day again and cold.
  up "$BE queries"
  local D0=$(( (NOW - 15 * DAY) / DAY * DAY ))
  local PD="/api/cameras/1/recordings?from=$(rfc $D0)&to=$(rfc $(( D0 + DAY )))&limit=2000"
  local PC="/api/cameras/1/recordings?from=$(rfc $D0)&to=$(rfc $(( D0 + DAY )))&limit={n}"
  for r in $(seq 1 "$RUNS"); do
    "$HSBENCH" query --port "$SERVER_PORT" --path "$PT" --requests $Q >>"$BENCH_TMP/$BE-qt.txt"
    "$HSBENCH" query --port "$SERVER_PORT" --path "$PD" --requests $Q >>"$BENCH_TMP/$BE-qd.txt"
    "$HSBENCH" query --port "$SERVER_PORT" --path "$PC" --requests $(( Q / 5 )) >>"$BENCH_TMP/$BE-qc.txt"
  done
  head -1 "$BENCH_TMP/$BE-qt.txt" "$BENCH_TMP/$BE-qd.txt" "$BENCH_TMP/$BE-qc.txt" >&2
  for f in qt:timeline_again qd:day_again qc:day_cold; do
    for k in p50 p99; do
      grep -o "$k"'_ms=[0-9.]*' "$BENCH_TMP/$BE-${f%%:*}.txt" | cut -d= -f2 | { printf "RESULT scale10m.$BE.${f#*:}.$k "; stats; }
    done
  done
  grep -h -o 'errors=[0-9]*' "$BENCH_TMP/$BE-qt.txt" "$BENCH_TMP/$BE-qd.txt" "$BENCH_TMP/$BE-qc.txt" | cut -d= -f2 | paste -sd+ | bc | sed "s/^/RESULT scale10m.$BE.query_errors=/"
  result "scale10m.$BE.after_queries rss_kb=$(rss_kb "$SERVER_PID") hwm_kb=$(hwm_kb "$SERVER_PID")"
  # /api/health itself (what a load balancer's probe costs), idle server.
  for _ in 1 2 3; do
    curl -sf -o /dev/null --max-time "$HEALTH_MAX_TIME_S" -w '%{time_total}\n' "http://127.0.0.1:$SERVER_PORT/api/health"
  done | awk '{print $1 * 1000}' | { printf "RESULT scale10m.$BE.health_ms "; stats; }

  # --- ingest from one node.
  up "$BE ingest one node"
  for r in $(seq 1 "$RUNS"); do load "$SERVER_PORT" 1001 "$r" "$D" | tee -a "$BENCH_TMP/$BE-load1.txt" >&2; done
  for k in rate p50_ms p99_ms; do
    grep -o "$k=[0-9.]*" "$BENCH_TMP/$BE-load1.txt" | cut -d= -f2 | { printf "RESULT scale10m.$BE.ingest_1node.$k "; stats; }
  done
  local err1; err1=$(grep -o 'errors=[0-9]*' "$BENCH_TMP/$BE-load1.txt" | cut -d= -f2 | paste -sd+ | bc)
  local ix1; ix1=$(sql "SELECT count(*) FROM segments WHERE length(camera_id) = 4")
  result "scale10m.$BE.ingest_1node.indexed=$ix1 expected=$(( REQ * RUNS )) errors=$err1 rss_kb=$(rss_kb "$SERVER_PID") hwm_kb=$(hwm_kb "$SERVER_PID")"

  # --- ingest from two nodes at once (PostgreSQL): node B, own data_dir and recordings root.
  if [[ $BE == pg ]]; then
    local DB=$BENCH_TMP/pg-b
    config "$DB" "$PGURL" node-b
    local B_PORT; B_PORT=$(sed -n 's/^  listen: 127.0.0.1:\([0-9]*\)$/\1/p' "$DB/hook-server.yml")
    "$HS" --log-level warn serve --config "$DB/hook-server.yml" >>"$DB/server.log" 2>&1 &
    B_PID=$!
    for _ in $(seq 1 6000); do curl -sf --max-time "$HEALTH_MAX_TIME_S" "http://127.0.0.1:$B_PORT/api/health" | grep -q '"last_retention":{' && break; sleep 0.1; done
    up "pg ingest two nodes"
    for r in $(seq 1 "$RUNS"); do
      load "$SERVER_PORT" 1001 $(( RUNS + r )) "$D" >"$BENCH_TMP/a.txt" &
      local la=$!
      load "$B_PORT" 2001 $(( RUNS + r )) "$DB" >"$BENCH_TMP/b.txt"
      wait $la
      cat "$BENCH_TMP/a.txt" "$BENCH_TMP/b.txt" >&2
      cat "$BENCH_TMP/a.txt" >>"$BENCH_TMP/pg-load2a.txt"; cat "$BENCH_TMP/b.txt" >>"$BENCH_TMP/pg-load2b.txt"
      # Both clients together: all hooks over the longer of the two runs.
      local sa sb; sa=$(grep -o 'seconds=[0-9.]*' "$BENCH_TMP/a.txt" | cut -d= -f2); sb=$(grep -o 'seconds=[0-9.]*' "$BENCH_TMP/b.txt" | cut -d= -f2)
      python3 -c "print('rate=%d' % (2 * $REQ / max($sa, $sb)))" >>"$BENCH_TMP/pg-load2.txt"
    done
    for n in a b; do
      for k in rate p50_ms p99_ms; do
        grep -o "$k=[0-9.]*" "$BENCH_TMP/pg-load2$n.txt" | cut -d= -f2 | { printf "RESULT scale10m.pg.ingest_2nodes.node_$n.$k "; stats; }
      done
    done
    grep -o 'rate=[0-9.]*' "$BENCH_TMP/pg-load2.txt" | cut -d= -f2 | { printf "RESULT scale10m.pg.ingest_2nodes.together.rate "; stats; }
    local err2; err2=$(cat "$BENCH_TMP/pg-load2a.txt" "$BENCH_TMP/pg-load2b.txt" | grep -o 'errors=[0-9]*' | cut -d= -f2 | paste -sd+ | bc)
    local ix2; ix2=$(sql "SELECT count(*) FROM segments WHERE length(camera_id) = 4")
    result "scale10m.pg.ingest_2nodes.indexed=$(( ix2 - ix1 )) expected=$(( 2 * REQ * RUNS )) errors=$err2 rss_b_kb=$(rss_kb "$B_PID")"
  fi
  stop_servers

  # --- the ceiling (PostgreSQL): one hook's SQL in pgbench, same cluster, same table.
  if [[ $BE == pg ]]; then
    up "pg pgbench"
    cat >"$BENCH_TMP/hook.sql" <<SQL
\set s random(1, 1000000000)
BEGIN;
SELECT pg_advisory_xact_lock(7526755928306263416);
INSERT INTO segments (camera_id, file, start_us, duration_us, size_bytes, state, expires_us, created_us, updated_us)
  VALUES ('1', 'camera_1/pgbench-' || :client_id || '-' || :s || '-' || txid_current() || '.mp4', 1924992000000000 + :s,
          60000000, 1000000, 'complete', 1924992000000000 + :s + $RET_US, $NOW, $NOW)
  ON CONFLICT (file) DO UPDATE SET state = 'complete', duration_us = 60000000, size_bytes = 1000000, updated_us = $NOW
  WHERE segments.state != 'deleting' AND (segments.state != 'complete' OR segments.duration_us IS DISTINCT FROM 60000000
  OR segments.size_bytes != 1000000) RETURNING id;
INSERT INTO events (at_us, received_us, kind, path, camera_id, segment, outcome, detail)
  VALUES ($NOW, $NOW, 'segment-complete', 'camera_1', '1', 'camera_1/pgbench.mp4', 'ok', '');
COMMIT;
SQL
    # The same without the write lock: what PostgreSQL commits when the 8 writers do not queue.
    grep -v pg_advisory_xact_lock "$BENCH_TMP/hook.sql" >"$BENCH_TMP/hook-nolock.sql"
    for r in $(seq 1 "$RUNS"); do
      pgbench -n -c 8 -j 2 -T 15 -f "$BENCH_TMP/hook.sql" "$PGURL" 2>&1 | tee -a "$BENCH_TMP/pgbench.txt" | grep -E 'tps|latency' >&2
      pgbench -n -c 8 -j 2 -T 15 -f "$BENCH_TMP/hook-nolock.sql" "$PGURL" 2>&1 | tee -a "$BENCH_TMP/pgbench-nolock.txt" | grep -E 'tps|latency' >&2
    done
    for v in pgbench:hook_sql pgbench-nolock:hook_sql_no_lock; do
      grep -o 'tps = [0-9.]*' "$BENCH_TMP/${v%%:*}.txt" | awk '{print $3}' | { printf "RESULT scale10m.pg.pgbench_${v#*:}.tps "; stats; }
      grep -o 'latency average = [0-9.]*' "$BENCH_TMP/${v%%:*}.txt" | awk '{print $4}' | { printf "RESULT scale10m.pg.pgbench_${v#*:}.latency_avg_ms "; stats; }
    done
    sql "DELETE FROM segments WHERE file LIKE 'camera_1/pgbench-%'" >/dev/null
    local h p
    h=$(grep -o 'rate=[0-9]*' "$BENCH_TMP/pg-load1.txt" | cut -d= -f2 | median)
    p=$(grep -o 'tps = [0-9.]*' "$BENCH_TMP/pgbench.txt" | awk '{print $3}' | median)
    local h2 pn; h2=$(grep -o 'rate=[0-9]*' "$BENCH_TMP/pg-load2.txt" | cut -d= -f2 | median)
    pn=$(grep -o 'tps = [0-9.]*' "$BENCH_TMP/pgbench-nolock.txt" | awk '{print $3}' | median)
    result "scale10m.pg.ratio hooks_1node/pgbench=$(echo "scale=2; $h / $p" | bc -l) hooks_2nodes/pgbench=$(echo "scale=2; $h2 / $p" | bc -l) hooks_1node/pgbench_no_lock=$(echo "scale=2; $h / $pn" | bc -l) hooks_2nodes/pgbench_no_lock=$(echo "scale=2; $h2 / $pn" | bc -l)"
  fi

  # --- one retention pass: 1 % of the rows made due, their files on disk, the server stopped.
  up "$BE retention"
  rm -rf "$D/mtx/recordings"/*
  local due_now=$(( $(date +%s) * 1000000 - 1000000 ))
  sql "UPDATE segments SET expires_us = $due_now WHERE start_us < $DUE_BEFORE AND start_us >= $START" >/dev/null
  "$HSBENCH" populate --files-only 1 --files "$D/mtx/recordings" --cameras "$CAMS" --per-camera "$PER" --start-us "$START" \
    --retention-us 0 --expired-before-us $(( DUE_BEFORE - 1 )) >&2
  local due deletable before
  due=$(sql "SELECT count(*) FROM segments WHERE expires_us <= $due_now")
  deletable=$(sql "SELECT count(*) FROM segments WHERE expires_us <= $due_now AND permanent = 0")
  before=$(sql "SELECT count(*) FROM segments")
  sync
  t=$(ms_of "$HS" cleanup --config "$D/hook-server.yml")
  local after left kept
  after=$(sql "SELECT count(*) FROM segments")
  left=$(find "$D/mtx/recordings" -name '*.mp4' | wc -l)
  kept=$(sql "SELECT count(*) FROM segments WHERE expires_us <= $due_now AND permanent = 1")
  result "scale10m.$BE.retention_pass ms=$t rows_before=$before due=$due deletable=$deletable deleted=$(( before - after )) files_left=$left permanent_kept=$kept"
  t=$(ms_of "$HS" cleanup --config "$D/hook-server.yml")
  result "scale10m.$BE.retention_nothing_to_do ms=$t"
  if [[ $BE == pg ]]; then "$REPO_ROOT/scripts/pg-test-server.sh" destroy "$PGDIR"; fi
  rm -rf "$D" "${DB:-}"
}

for be in $BACKENDS; do bench_backend "$be"; done
cat "$BENCH_TMP/uptime.txt"
