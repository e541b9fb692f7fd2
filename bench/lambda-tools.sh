#!/usr/bin/env bash
#
# bench/lambda-tools.sh: part of `make bench`. The latency the server adds to a registered (Lambda-backed) tool's
# call: total minus the Invoke API's time, against the loopback Invoke shim (bench/lambda-tools.mjs). Release
# binary in build-bench/. Prints figures; asserts nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
REQUESTS=${REQUESTS:-2000}
cd "$ROOT"

if [ ! -x "$BUILD_DIR/mcp-server" ]; then
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target mcp-server >/dev/null
fi
node bench/lambda-tools.mjs --server "$BUILD_DIR/mcp-server" --requests "$REQUESTS"
