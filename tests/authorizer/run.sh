#!/usr/bin/env bash
# tests/authorizer/run.sh [BUILD_DIR]: the token authorizer as a whole Lambda, through the Runtime API emulator
# (tests/lambda/runtime-emulator.mjs): tests/authorizer/authorizer.test.mjs against BUILD_DIR/mcp-authorizer
# (default build/; build-asan/ runs the same tests on the sanitizer build). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
bin=$build/mcp-authorizer
if [ ! -x "$bin" ]; then
    echo "tests/authorizer/run.sh: $bin is missing (make build, or make build-asan)" >&2
    exit 1
fi
if [ ! -f tests/lambda/runtime-emulator.mjs ]; then
    echo "tests/authorizer/run.sh: tests/lambda/runtime-emulator.mjs is missing" >&2
    exit 1
fi
# A sanitizer finding aborts the function, which the tests then see as a failed invocation.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
MCP_AUTHORIZER_BIN=$(realpath "$bin") exec node --test tests/authorizer/authorizer.test.mjs
