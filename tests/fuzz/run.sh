#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan+UBSan) into build-fuzz and runs each one: first every
# saved crash in tests/fuzz/regressions/<target>/ (each must now pass), then a fuzzing run of
# FUZZ_SECONDS (default 10) seconds from the seed corpus tests/fuzz/corpus/<target>/. New inputs go
# to a scratch corpus under build-fuzz, never into the repository; a crash is saved to
# build-fuzz/crashes/ and fails the run. Targets may be named as arguments (default: all).
#   FUZZ_SECONDS=600 tests/fuzz/run.sh config    # a long run of one target
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-10}
targets=("$@")
((${#targets[@]})) || targets=(hook_payload record_path config time mp4_probe fragment_index)

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=1
cmake -S tests/fuzz -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="${FUZZ_CXX:-clang++-14}" >/dev/null
cmake --build "$build_dir"

# Any sanitizer report is fatal; leaks count (libFuzzer checks them per input).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$build_dir/crashes"
for t in "${targets[@]}"; do
  bin="$build_dir/fuzz_$t"
  shopt -s nullglob
  saved=(tests/fuzz/regressions/"$t"/*)
  shopt -u nullglob
  if ((${#saved[@]})); then
    echo "fuzz $t: replaying ${#saved[@]} saved crash input(s)"
    "$bin" "${saved[@]}" >"$build_dir/replay-$t.log" 2>&1 || { cat "$build_dir/replay-$t.log"; exit 1; }
  fi
  scratch="$build_dir/corpus/$t"
  mkdir -p "$scratch"
  echo "fuzz $t: ${seconds} s"
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build_dir/crashes/$t-" "$scratch" "tests/fuzz/corpus/$t" >"$build_dir/fuzz-$t.log" 2>&1; then
    tail -n 60 "$build_dir/fuzz-$t.log"
    echo "fuzz $t: FAILED (input saved in $build_dir/crashes/)" >&2
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$build_dir/fuzz-$t.log" |
    sed "s/^/fuzz $t: /"
done
