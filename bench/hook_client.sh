#!/usr/bin/env bash
# Benchmark 1 — hook client cost: the process MediaMTX spawns for every hook.
# `hook-server hook segment-complete --config F` delivering one event to a running server, vs
# `curl -s -X POST` of the same JSON to the same server, vs /bin/true (the floor of a spawn).
# hyperfine, no shell (-N), N spawns each (quick: 300, full: 1000); peak RSS with /usr/bin/time -v.
source "$(dirname "$0")/lib/common.sh"
bench_build
machine
N=$([[ $MODE == full ]] && echo 1000 || echo 300)
D=$BENCH_TMP/srv
write_config "$D" "$(free_port)" 2
start_server "$D"
mkdir -p "$D/mtx/recordings/camera_1"
: >"$D/mtx/recordings/camera_1/2025-01-15_10-00-00-000000.mp4"
export MTX_PATH=camera_1 MTX_SEGMENT_PATH=./recordings/camera_1/2025-01-15_10-00-00-000000.mp4 MTX_SEGMENT_DURATION=60
cd "$D/mtx"
BODY='{"event":"segment-complete","time_us":1736935260000000,"cwd":"'"$D/mtx"'","vars":{"MTX_PATH":"camera_1","MTX_SEGMENT_PATH":"./recordings/camera_1/2025-01-15_10-00-00-000000.mp4","MTX_SEGMENT_DURATION":"60"}}'
printf '%s' "$BODY" >"$BENCH_TMP/body.json"
URL="http://127.0.0.1:$SERVER_PORT/hooks/segment-complete"
# Sanity: both deliver.
"$HS" hook segment-complete --config "$D/hook-server.yml" || { echo "hook client failed" >&2; exit 1; }
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$BENCH_TMP/body.json" "$URL" >/dev/null
HOOK_CMD="$HS hook segment-complete --config $D/hook-server.yml"
CURL_CMD="curl -s -X POST -H Content-Type:application/json --data-binary @$BENCH_TMP/body.json $URL"
hyperfine -N --warmup 20 --runs "$N" --export-json "$BENCH_TMP/h.json" --style basic \
  -n hook-client "$HOOK_CMD" -n curl "$CURL_CMD" -n true /bin/true >&2
python3 - "$BENCH_TMP/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
def ms(v): return v * 1000
h, c, t = r["hook-client"], r["curl"], r["true"]
for k, x in r.items():
    print(f"RESULT hook_client.{k} median_ms={ms(x['median']):.3f} mean_ms={ms(x['mean']):.3f} "
          f"stddev_ms={ms(x['stddev']):.3f} min_ms={ms(x['min']):.3f} max_ms={ms(x['max']):.3f} runs={len(x['times'])}")
print(f"RESULT hook_client.ratio vs_curl={h['median']/c['median']:.2f} (target <= 0.5) vs_true={h['median']/t['median']:.2f} (target <= 3)")
PY
for name in hook curl true; do
  case $name in hook) cmd=($HOOK_CMD) ;; curl) cmd=($CURL_CMD) ;; true) cmd=(/bin/true) ;; esac
  rss=$( { /usr/bin/time -v "${cmd[@]}" >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
  result "hook_client.$name peak_rss_kb=$rss"
done
# Everything the hook client sent was indexed exactly once (idempotent: one row).
rows=$(sqlite3 "$D/var/index.db" "select count(*) from segments where file like 'camera_1/%'")
result "hook_client.rows_indexed=$rows (expect 1)"
