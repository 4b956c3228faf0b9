#!/usr/bin/env bash
# Instructions executed by the index's hot paths: bench/tools/index_driver.cpp (hooks through
# HookIngest, the recordings route's reads, two retention passes) under callgrind, for one or more
# source trees with their Release build dirs, e.g. before/after a change:
#   bench/instructions.sh /work/main:/work/build-bench-main /work/data:/work/build-bench
# Unlike timings, the count does not move with the machine's load. The driver is built with the
# build dir's own hookserver_core (build it first: cmake --build DIR --target hook-server).
# Prints one RESULT line per tree and phase: inclusive instructions (Ir) and Ir per unit of work.
source "$(dirname "$0")/lib/common.sh"
command -v valgrind >/dev/null || { echo "bench: valgrind is missing (apt-get install -y valgrind)" >&2; exit 1; }
CAMERAS=${CAMERAS:-4}
PER_CAMERA=$([[ $MODE == full ]] && echo 1000 || echo 250)
QUERIES=${QUERIES:-200}
machine
for pair in "$@"; do
  [[ $pair == --* ]] && continue
  src=${pair%%:*} build=${pair#*:}
  api=""
  grep -q 'ReadTransaction reader()' "$src/src/index/database.hpp" && api=-DHS_READER_API
  exe=$BENCH_TMP/driver-$(basename "$build")
  log "building the driver against $build ($src${api:+, reader API})"
  g++ -O3 -DNDEBUG -std=c++20 $api -DHOOK_SERVER_VERSION='"bench"' -DSPDLOG_FMT_EXTERNAL -DSPDLOG_COMPILED_LIB \
    -DSPDLOG_SHARED_LIB -DFMT_SHARED -DUSE_OS_TZDB=1 -DHAS_STRING_VIEW=1 -DONLY_C_LOCALE=1 \
    $(pkg-config --cflags cpp-httplib) -I"$src/src" -o "$exe" "$BENCH_ROOT/tools/index_driver.cpp" \
    "$build/libhookserver_core.a" $(pkg-config --libs cpp-httplib) -lyaml-cpp -lSQLiteCpp -lsqlite3 -lspdlog -lfmt \
    -ldate-tz -lpthread -ldl
  dir=$BENCH_TMP/run-$(basename "$build")
  out=$BENCH_TMP/callgrind-$(basename "$build").out
  valgrind --tool=callgrind --callgrind-out-file="$out" "$exe" "$dir" "$CAMERAS" "$PER_CAMERA" "$QUERIES" 2>"$BENCH_TMP/valgrind.log" >&2 \
    || { cat "$BENCH_TMP/valgrind.log" >&2; exit 1; }
  hooks=$((2 * CAMERAS * PER_CAMERA))
  callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk -v tree="$src" -v hooks=$hooks -v q="$QUERIES" -v segs=$((CAMERAS * PER_CAMERA)) '
    /PROGRAM TOTALS/ { gsub(",", "", $1); printf "RESULT instructions tree=%s total_ir=%s\n", tree, $1 }
    /:phase_(hooks|queries|retention) / {
      gsub(",", "", $1); n = $1
      name = $0; sub(/.*:phase_/, "", name); sub(/[^a-z].*/, "", name)
      per = name == "hooks" ? n / hooks : name == "queries" ? n / q : n / segs
      unit = name == "hooks" ? "hook" : name == "queries" ? "query" : "segment"
      printf "RESULT instructions tree=%s phase=%s ir=%s ir_per_%s=%.0f\n", tree, name, n, unit, per
    }'
done
