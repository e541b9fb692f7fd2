#!/bin/bash
# ThreadSanitizer: the core's unit tests and a concurrent run against the server, both built with
# -fsanitize=thread (clang) into build-tsan/ (test_state has threads increment one value in the state store). The concurrent run (tests/node/tsan-concurrent.mjs) has SDK clients answer
# sampling and elicitation in parallel, clients hang up mid-wait, and SIGTERM arrives during load; any
# data race TSan reports fails the suite (halt_on_error), as does an exit status other than 0.
# Usage: tests/tsan/run.sh [BUILD_DIR]   (default build-tsan)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-tsan}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DSANITIZE_THREAD=ON -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target mcp-server test_transport test_handler_ctx test_state >/dev/null
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 report_signal_unsafe=0 exitcode=66"
status=0
for t in test_transport test_handler_ctx test_state; do
  if "$build/$t" >"$build/$t.log" 2>&1; then
    echo "ok   $t under TSan"
  else
    echo "FAIL $t under TSan (exit $?)"; tail -40 "$build/$t.log"; status=1
  fi
done
MCP_SERVER_BIN="$build/mcp-server" node tests/node/tsan-concurrent.mjs || status=1
exit $status
