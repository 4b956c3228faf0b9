#!/usr/bin/env bash
# Runs every hook-server benchmark: bench/run.sh [--quick|--full] (quick by default: < 2 min end to
# end on an idle 2-core machine, data making included; full takes ~35 min). Prints RESULT lines;
# docs/BENCHMARKS.md records them. The snapshot benchmark is bench/snapshot/run.sh (docs/snapshots.md).
set -euo pipefail
cd "$(dirname "$0")"
MODE=quick
for a in "$@"; do case $a in --full) MODE=full ;; --quick) MODE=quick ;; *) echo "usage: bench/run.sh [--quick|--full]" >&2; exit 2 ;; esac; done
export MODE
for b in hook_client ingest retention scale reconcile timeline; do
  echo "== $b ($MODE)"
  timeout 3600 "./$b.sh" "--$MODE" 2>/dev/null | grep -E '^(RESULT|machine|other)' || echo "== $b failed"
done
