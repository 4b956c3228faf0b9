#!/usr/bin/env bash
# One command from a fresh Debian 12: install what is missing, build, and run every test, in timed
# stages. Each stage prints its name and wall time as it ends, and a table of all stages closes the
# run (also when a stage fails: that stage is marked FAILED and the run stops there).
#   setup        Debian and npm packages (scripts/setup.sh)
#   build        the normal build (./build)
#   test         ctest in ./build
#   asan-build   the test suite with ASan+UBSan, -O1, warnings as errors (./build-asan)
#   asan-test    ctest in ./build-asan: the tests and the servers they start are sanitized; any
#                sanitizer report fails the stage
#   tsan-build   the concurrency tests with ThreadSanitizer (./build-tsan)
#   tsan-test    those tests under TSan; any report fails
#   fuzz         every libFuzzer target: saved crashes replayed, then FUZZ_SECONDS (10) s each
#   browser      the web console in Chromium (scripts/test-browser.sh)
#   packaging    the Debian package: build, lintian, unit check, unpacked binaries
# STAGES="build test" runs only those stages (in this order).
set -euo pipefail
cd "$(dirname "$0")/.."

all_stages=(setup build test asan-build asan-test tsan-build tsan-test fuzz browser packaging)
default_stages=("${all_stages[@]}")
read -r -a wanted <<<"${STAGES:-${default_stages[*]}}"
build_dir=${BUILD_DIR:-build}
jobs=$(nproc)

# Sanitizer reports go to files as well as failing the process that made them: a server started by
# a test may be killed without its exit status being looked at, so the stage also fails on any
# report file. Suppressions: none (each one would need a written reason here).
sanitizer_env() {  # $1: the report directory
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=0:log_path=$1/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$1/ubsan"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$1/tsan"
}
check_reports() {  # $1: the report directory
  # Only files with something in them: a sanitized process opens its log file before it writes, and
  # one killed in between (the fault tests SIGKILL servers and `cleanup` at random moments, possibly
  # during the leak check at exit) leaves an empty file that holds no report.
  local reports=()
  mapfile -t reports < <(find "$1" -type f -size +0c)
  ((${#reports[@]} == 0)) && return 0
  echo "sanitizer reports in $1:" >&2
  for r in "${reports[@]}"; do
    echo "--- $r" >&2
    head -n 80 "$r" >&2
  done
  return 1
}
run_sanitized_ctest() {  # $1: build directory; further arguments go to ctest
  local dir=$1
  shift
  rm -rf "$dir/sanitizer-reports"
  mkdir -p "$dir/sanitizer-reports"
  local rc=0
  (sanitizer_env "$PWD/$dir/sanitizer-reports" && cd "$dir" && ctest --output-on-failure -j "$jobs" "$@") || rc=$?
  check_reports "$dir/sanitizer-reports" || rc=1
  return $rc
}

stage_setup() { scripts/setup.sh; }
stage_build() { scripts/build.sh; }
stage_test() { (cd "$build_dir" && ctest --output-on-failure --timeout 300 -j "$jobs"); }
# -O1 -g1: a third less compile time than -O2 -g, and ASan's slowdown stays moderate.
stage_asan_build() {
  BUILD_DIR=build-asan BUILD_TYPE=Debug BUILD_TARGET=hook-server-tests scripts/build.sh \
    -DHOOK_SERVER_SANITIZE=ON "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
}
# static_hook_client runs the fully static hook client in an empty root: a sanitized binary is
# dynamic and cannot run there (the normal test stage runs it).
stage_asan_test() { run_sanitized_ctest build-asan --timeout 600 -E '^static_hook_client$'; }
stage_tsan_build() {
  BUILD_DIR=build-tsan BUILD_TYPE=Debug BUILD_TARGET=hook-server-tests scripts/build.sh \
    -DHOOK_SERVER_TSAN=ON "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
}
stage_tsan_test() { run_sanitized_ctest build-tsan --timeout 600 -E '^static_hook_client$'; }
stage_fuzz() { tests/fuzz/run.sh; }
stage_browser() { scripts/test-browser.sh; }
# The Debian package (its own Release build under /usr: a few minutes the first time).
stage_packaging() { scripts/setup.sh packaging && tests/packaging/package.sh; }

done_names=()
done_secs=()
current=""
started=$SECONDS
summary() {
  local rc=$?
  echo
  echo "stage          seconds"
  for i in "${!done_names[@]}"; do printf '%-14s %7d\n' "${done_names[$i]}" "${done_secs[$i]}"; done
  [[ -n $current ]] && printf '%-14s %7d  FAILED\n' "$current" $((SECONDS - stage_start))
  printf '%-14s %7d\n' total $((SECONDS - started))
  exit $rc
}
trap summary EXIT

for s in "${wanted[@]}"; do
  [[ " ${all_stages[*]} " == *" $s "* ]] || { echo "test.sh: unknown stage \"$s\" (stages: ${all_stages[*]})" >&2; exit 2; }
  current=$s
  stage_start=$SECONDS
  echo "=== stage $s"
  "stage_${s//-/_}"
  echo "=== stage $s: $((SECONDS - stage_start)) s"
  done_names+=("$s")
  done_secs+=($((SECONDS - stage_start)))
  current=""
done
