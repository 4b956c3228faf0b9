#!/usr/bin/env bash
# Benchmark 4 — reconcile: `hook-server reconcile` over FILES segment files (full: 100,000; quick:
# 20,000; 50 cameras, empty files) that are not indexed yet, and again when all are indexed, vs
# `find <root> -name '*.mp4' | wc -l` on the same tree. The reconcile figure is the whole process
# (start, open the index, walk, write, exit). 5 runs each; the index is reset before each first case.
source "$(dirname "$0")/lib/common.sh"
bench_build
machine
FILES=$([[ $MODE == full ]] && echo 100000 || echo 20000)
D=$BENCH_TMP/srv
write_config "$D" "$(free_port)" 50
"$HS" reconcile --config "$D/hook-server.yml" >/dev/null
cp "$D/var/index.db" "$BENCH_TMP/empty.db"
NOW=$(( $(date +%s) * 1000000 )); PER=$(( FILES / 50 ))
for c in $(seq 1 50); do "$HSBENCH" files --root "$D/mtx/recordings" --camera-path "camera_$c" --count $PER --start-us $(( NOW - PER * 60000000 - 3600000000 )); done
sync
for r in 1 2 3 4 5; do
  cp "$BENCH_TMP/empty.db" "$D/var/index.db"; rm -f "$D/var/index.db-wal" "$D/var/index.db-shm"
  echo "new_ms=$(ms_of "$HS" reconcile --config "$D/hook-server.yml")" >>"$BENCH_TMP/r.txt"
  echo "indexed_ms=$(ms_of "$HS" reconcile --config "$D/hook-server.yml")" >>"$BENCH_TMP/r.txt"
  echo "find_ms=$(ms_of sh -c "find '$D/mtx/recordings' -name '*.mp4' | wc -l")" >>"$BENCH_TMP/r.txt"
done
"$HS" reconcile --config "$D/hook-server.yml" >&2
for k in new indexed find; do grep -o "^${k}_ms=[0-9]*" "$BENCH_TMP/r.txt" | cut -d= -f2 | { printf "RESULT reconcile.${k}_ms files=$FILES "; stats; }; done
i=$(grep -o '^indexed_ms=[0-9]*' "$BENCH_TMP/r.txt" | cut -d= -f2 | median)
f=$(grep -o '^find_ms=[0-9]*' "$BENCH_TMP/r.txt" | cut -d= -f2 | median)
result "reconcile.ratio indexed/find=$(echo "scale=2; $i / $f" | bc) (target <= 3)"
result "reconcile.rows=$(sqlite3 "$D/var/index.db" 'select count(*) from segments') expected=$(( PER * 50 ))"
