#!/usr/bin/env bash
# Benchmark 7 (issue 5) — retention: one pass (`hook-server cleanup`) deleting the expired 10 % of
# ROWS indexed segments (full: 100,000 of 1,000,000; quick: 5,000 of 50,000), every 10th of them
# permanent (must survive), vs `find <root> -name '*.mp4' -mmin +N -delete` over the same files
# (the cron approach; it cannot honour permanent flags). Files are empty, dated at segment end.
# Then a pass with nothing to do over the same index. 5 runs each, state restored between runs.
source "$(dirname "$0")/lib/common.sh"
bench_build
machine
ROWS=${ROWS:-$([[ $MODE == full ]] && echo 1000000 || echo 50000)}
RUNS=${RUNS:-5}
CAMS=50; PER=$((ROWS / CAMS)); STEP=60000000
NOW=$(( $(date +%s) * 1000000 ))
START=$(( NOW - PER * STEP ))
RET_MIN=$(( PER * 9 / 10 ))                # the oldest 10 % are expired
RET_US=$(( RET_MIN * 60000000 ))
export RETENTION_EXTRA="  plans: {basic: ${RET_MIN}m, pro: 15d, premium: 30d}
  notify_before: 24h"
D=$BENCH_TMP/srv
write_config "$D" "$(free_port)" $CAMS
"$HS" reconcile --config "$D/hook-server.yml" >/dev/null
R=$D/mtx/recordings
# Notified (and due) up to now + 24 h, so the pass only deletes, as it would at steady state.
"$HSBENCH" populate --db "$D/var/index.db" --cameras $CAMS --per-camera $PER --start-us $START --retention-us $RET_US \
  --notified-until-us $((NOW + 86400000000)) --permanent-every 10 --files "$R" >&2
cp "$D/var/index.db" "$BENCH_TMP/index.db.orig"
expired=$(sqlite3 "$D/var/index.db" "select count(*) from segments where expires_us <= $NOW")
deletable=$(sqlite3 "$D/var/index.db" "select count(*) from segments where expires_us <= $NOW and permanent = 0")
log "rows=$ROWS expired=$expired deletable=$deletable (the rest of the expired are permanent)"
restore() {
  cp "$BENCH_TMP/index.db.orig" "$D/var/index.db"; rm -f "$D/var/index.db-wal" "$D/var/index.db-shm"
  "$HSBENCH" populate --files-only 1 --files "$R" --cameras $CAMS --per-camera $PER --start-us $START --retention-us $RET_US \
    --expired-before-us "$(( $(date +%s) * 1000000 ))" >/dev/null
  sync
}
# find's -mmin counts whole minutes from now; files are dated at segment end (start + 1 min).
FIND_MIN=$(( RET_MIN - 1 ))
for r in $(seq 1 $RUNS); do
  restore
  t=$(ms_of "$HS" cleanup --config "$D/hook-server.yml")
  left=$(find "$R" -name '*.mp4' | wc -l)
  perm=$(sqlite3 "$D/var/index.db" "select count(*) from segments where permanent = 1 and expires_us <= $NOW")
  echo "cleanup_ms=$t files_left=$left permanent_expired_kept=$perm" | tee -a "$BENCH_TMP/clean.txt"
  t2=$(ms_of "$HS" cleanup --config "$D/hook-server.yml")
  echo "noop_ms=$t2" | tee -a "$BENCH_TMP/clean.txt"
  restore
  t3=$(ms_of find "$R" -name '*.mp4' -mmin +$FIND_MIN -delete)
  left3=$(find "$R" -name '*.mp4' | wc -l)
  echo "find_ms=$t3 files_left=$left3" | tee -a "$BENCH_TMP/clean.txt"
done
"$HS" cleanup --config "$D/hook-server.yml" >/dev/null || true   # leave nothing expired behind
c=$(grep -o 'cleanup_ms=[0-9]*' "$BENCH_TMP/clean.txt" | cut -d= -f2 | median)
f=$(grep -o 'find_ms=[0-9]*' "$BENCH_TMP/clean.txt" | cut -d= -f2 | median)
grep -o 'cleanup_ms=[0-9]*' "$BENCH_TMP/clean.txt" | cut -d= -f2 | { printf 'RESULT retention.pass_ms deleted=%s ' "$deletable"; stats; }
grep -o 'noop_ms=[0-9]*' "$BENCH_TMP/clean.txt" | cut -d= -f2 | { printf 'RESULT retention.nothing_to_do_ms rows=%s ' "$ROWS"; stats; }
grep -o 'find_ms=[0-9]*' "$BENCH_TMP/clean.txt" | cut -d= -f2 | { printf 'RESULT retention.find_delete_ms deleted=%s ' "$expired"; stats; }
result "retention.ratio pass/find=$(echo "scale=2; $c / $f" | bc) (target <= 1.5)"
