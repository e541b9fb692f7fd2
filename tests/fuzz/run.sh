#!/usr/bin/env bash
#
# tests/fuzz/run.sh SECONDS [LIBFUZZER_FLAG...]: builds the libFuzzer target over the token authorizer's event parsing
# and decision (fuzz_authorizer.c, with clang -fsanitize=fuzzer,address,undefined against the authorizer and common
# sources) into build-fuzz/, and runs it for SECONDS (CI: at least 60) from a seed corpus of the example events in
# tests/authorizer/events/ and the seeds in tests/fuzz/seeds/ (HS256 and OAuth claim sets, an Authorization value, a JWK
# Set and an MCP_OAUTH_ISSUERS value, for the target's other uses of each input). What the fuzzer finds is kept in build-fuzz/corpus/ for the next run; a crash leaves its
# input in build-fuzz/artifacts/ and makes this script exit non-zero.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
CC=${CC:-clang}
if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
    echo "usage: tests/fuzz/run.sh SECONDS [LIBFUZZER_FLAG...]" >&2
    exit 2
fi
SECONDS_TO_RUN=$1
shift

mkdir -p "$OUT/corpus" "$OUT/seeds" "$OUT/artifacts"
sources=()
for f in "$ROOT"/authorizer/*.c "$ROOT"/common/*.c; do
    [ "$(basename "$f")" = main.c ] || sources+=("$f")
done
echo "fuzz: building $OUT/fuzz_authorizer with $CC" >&2
# shellcheck disable=SC2046 # pkg-config prints several words
"$CC" -std=gnu11 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -D_GNU_SOURCE -I"$ROOT/common" -I"$ROOT/authorizer" "${sources[@]}" "$ROOT/tests/fuzz/fuzz_authorizer.c" \
    -o "$OUT/fuzz_authorizer" -lyajl $(pkg-config --libs libcrypto libssl) -lpthread -lm

# The seeds are copied rather than used in place, so nothing the fuzzer writes ends up in the source tree.
rm -f "$OUT"/seeds/*
cp "$ROOT"/tests/authorizer/events/*.json "$ROOT"/tests/fuzz/seeds/* "$OUT/seeds/"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
log=$OUT/fuzz.log
echo "fuzz: running for $SECONDS_TO_RUN s (log: $log)" >&2
status=0
# -max_len: past the 8 KB token limit, so the fuzzer can cross it; -timeout: a decision takes microseconds.
"$OUT/fuzz_authorizer" -max_total_time="$SECONDS_TO_RUN" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -dict="$ROOT/tests/fuzz/authorizer.dict" -artifact_prefix="$OUT/artifacts/" -print_final_stats=1 "$@" \
    "$OUT/corpus" "$OUT/seeds" >"$log" 2>&1 || status=$?

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|^Done [0-9]+ runs' "$log" >&2 || true
if [ "$status" -ne 0 ]; then
    tail -n 60 "$log" >&2
    echo "fuzz: FAILED (exit status $status); inputs in $OUT/artifacts/" >&2
    exit 1
fi
echo "fuzz: no crash in $SECONDS_TO_RUN s; corpus: $(find "$OUT/corpus" -type f | wc -l) inputs" >&2
