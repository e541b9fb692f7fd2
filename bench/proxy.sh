#!/usr/bin/env bash
#
# bench/proxy.sh: part of `make bench`. `mcp-client proxy` beside a direct connection (bench/proxy.mjs): start-up,
# added latency per request with and without SigV4, peak RSS. Release binaries in build-bench/; the server runs on
# 127.0.0.1 and is stopped by PID. Prints figures; asserts nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
REQUESTS=${REQUESTS:-2000}
cd "$ROOT"

if [ ! -x "$BUILD_DIR/mcp-server" ] || [ ! -x "$BUILD_DIR/mcp-client" ]; then
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target mcp-server mcp-client >/dev/null
fi
work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$BUILD_DIR/mcp-server" --bind 127.0.0.1 --port 0 --log-level warn --toolsets default 2>"$work/server.log" &
server_pid=$!
port=
for _ in $(seq 100); do
    port=$(grep -o '"port":[0-9]*' "$work/server.log" | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "bench/proxy.sh: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
node bench/proxy.mjs --client "$BUILD_DIR/mcp-client" --url "http://127.0.0.1:$port/mcp" --requests "$REQUESTS"
