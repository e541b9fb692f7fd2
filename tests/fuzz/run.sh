#!/usr/bin/env bash
#
# tests/fuzz/run.sh [-j JOBS] SECONDS [TARGET...] [-- LIBFUZZER_FLAG...]: builds the libFuzzer targets
# (tests/fuzz/fuzz_<target>.c; clang, -fsanitize=fuzzer,address,undefined; the CMake option FUZZ compiles the
# project's libraries once for all of them) into build-fuzz/ (FUZZ_BUILD_DIR), replays the inputs kept in
# tests/fuzz/regressions/<target>/ (each once a crash, fixed since), then runs each target for SECONDS, JOBS of them
# at a time (default 1), and prints one line of figures per target. Targets (default: all): authorizer core
# apigw_event json schema request_state http_response sse. docs/fuzzing.md says what each covers.
#
# Seeds: generated from the project's tests into build-fuzz/seeds/<target>/ (tests/fuzz/seeds.mjs) plus the
# hand-written ones in tests/fuzz/seeds/<target>/; copied, so nothing the fuzzer writes ends up in the source tree.
# What the fuzzer finds is kept in build-fuzz/corpus/<target>/ for the next run; a crash leaves its input in
# build-fuzz/artifacts/<target>/, the log's tail is printed, and the script exits non-zero. A crash input, once
# fixed, goes into tests/fuzz/regressions/<target>/ so that every run replays it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
ALL_TARGETS=(authorizer core apigw_event json schema request_state http_response sse)
usage() {
    echo "usage: tests/fuzz/run.sh [-j JOBS] SECONDS [TARGET...] [-- LIBFUZZER_FLAG...]" >&2
    echo "targets: ${ALL_TARGETS[*]}" >&2
    exit 2
}
jobs=1
if [ "${1:-}" = -j ]; then
    if [ $# -lt 2 ] || ! [[ $2 =~ ^[1-9][0-9]*$ ]]; then usage; fi
    jobs=$2
    shift 2
fi
if [ $# -lt 1 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then usage; fi
SECONDS_TO_RUN=$1
shift
targets=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    [[ " ${ALL_TARGETS[*]} " == *" $1 "* ]] || usage
    targets+=("$1")
    shift
done
[ "${1:-}" = -- ] && shift
extra_flags=("$@")
[ ${#targets[@]} -ne 0 ] || targets=("${ALL_TARGETS[@]}")

# -O1 as libFuzzer's documentation suggests; only the targets asked for (and the libraries they need) are built.
echo "fuzz: building ${targets[*]} in $OUT" >&2
mkdir -p "$OUT"
cmake -S "$ROOT" -B "$OUT" -DFUZZ=ON -DCMAKE_C_COMPILER="${CC:-clang}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
    >"$OUT/cmake.log" 2>&1 || { cat "$OUT/cmake.log" >&2; exit 1; }
cmake --build "$OUT" -j"${FUZZ_BUILD_JOBS:-2}" --target "${targets[@]/#/fuzz_}" >"$OUT/build.log" 2>&1 ||
    { tail -n 40 "$OUT/build.log" >&2; exit 1; }

rm -rf "$OUT/seeds"
node "$ROOT/tests/fuzz/seeds.mjs" "$OUT/seeds" >/dev/null
for t in "${targets[@]}"; do
    mkdir -p "$OUT/seeds/$t" "$OUT/corpus/$t" "$OUT/artifacts/$t"
    if [ -d "$ROOT/tests/fuzz/seeds/$t" ]; then cp "$ROOT/tests/fuzz/seeds/$t"/* "$OUT/seeds/$t/"; fi
done
cp "$ROOT"/tests/authorizer/events/*.json "$OUT/seeds/authorizer/" 2>/dev/null || true

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}

# Per target: the largest input worth trying (past the limits each parser enforces, where it matters), and a
# dictionary when there is one (tests/fuzz/<target>.dict).
max_len() {
    case $1 in
    authorizer) echo 16384 ;; # past the 8 KB token limit
    core | apigw_event) echo 16384 ;;
    http_response) echo 8192 ;;
    *) echo 4096 ;;
    esac
}

# Replays the regression inputs, then fuzzes; prints the target's figures (or its failure) on stdout.
fuzz_one() {
    local t=$1 bin=$OUT/fuzz_$1 log=$OUT/$1.log status=0
    local dict=() dict_name=$1
    [ "$t" = apigw_event ] && dict_name=core # the same words, in events
    [ -f "$ROOT/tests/fuzz/$dict_name.dict" ] && dict=(-dict="$ROOT/tests/fuzz/$dict_name.dict")
    if [ -d "$ROOT/tests/fuzz/regressions/$t" ]; then
        if ! "$bin" -timeout=10 "$ROOT/tests/fuzz/regressions/$t"/* >"$OUT/$t.regressions.log" 2>&1; then
            tail -n 60 "$OUT/$t.regressions.log"
            echo "fuzz: $t: FAILED replaying tests/fuzz/regressions/$t/"
            return 1
        fi
    fi
    "$bin" -max_total_time="$SECONDS_TO_RUN" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
        -artifact_prefix="$OUT/artifacts/$t/" -print_final_stats=1 "${extra_flags[@]}" "$OUT/corpus/$t" "$OUT/seeds/$t" \
        >"$log" 2>&1 || status=$?
    local runs rate done_line
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    done_line=$(sed -n -E 's/^#[0-9]+[[:space:]]+DONE[[:space:]]+//p' "$log" | tail -n 1)
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$log"
        echo "fuzz: $t: FAILED (exit status $status) after ${runs:-?} runs; the input is in $OUT/artifacts/$t/"
        return 1
    fi
    echo "fuzz: $t: no crash; ${runs:-?} runs, ${rate:-?} exec/s; ${done_line:-?}; corpus $(find "$OUT/corpus/$t" -type f | wc -l) inputs"
}

echo "fuzz: ${#targets[@]} target(s), $SECONDS_TO_RUN s each, $jobs at a time (logs: $OUT/<target>.log)" >&2
failed=0
running=0
for t in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
    fuzz_one "$t" &
    running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
[ "$failed" -eq 0 ] || { echo "fuzz: FAILED" >&2; exit 1; }
echo "fuzz: every target ran $SECONDS_TO_RUN s without a crash" >&2
