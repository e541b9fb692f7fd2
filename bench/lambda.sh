#!/usr/bin/env bash
#
# bench/lambda.sh: part of `make bench`. The Lambda front door against the HTTP front door, in one run and
# on the same Release binary: invocations per second of tools/call `ping` through the Runtime API emulator
# (tests/lambda/runtime-emulator.mjs; a REST API event, two instances), and the server's CPU time per
# request on each path (from /proc: the Lambda path's includes its Runtime API calls, the HTTP path's the
# HTTP parsing and writing). Prints figures; asserts nothing. Traffic goes to 127.0.0.1 only; every process
# it starts is stopped by PID.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
INVOCATIONS=${INVOCATIONS:-20000}
HTTP_SECONDS=${HTTP_SECONDS:-5}
cd "$ROOT"

if [ ! -x "$BUILD_DIR/mcp-server" ]; then
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target mcp-server >/dev/null
fi
SERVER=$BUILD_DIR/mcp-server
work=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# CPU time (user + system) of a process, in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

echo "Lambda path: $INVOCATIONS invocations of tools/call ping through the Runtime API emulator (2 instances)"
node tests/lambda/runtime-emulator.mjs --event bench/events/rest-tools-call-ping.json --count "$INVOCATIONS" \
    --concurrency 2 --prewarm --quiet --json --env AWS_REGION=ap-southeast-2 --env MCP_LOG_LEVEL=warn -- "$SERVER" \
    >"$work/lambda.json"
read -r lambda_ips lambda_cpu_us lambda_p50 lambda_p99 < <(node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (s.violations.length !== 0 || s.errors) throw new Error("the emulator reported problems: " + JSON.stringify(s));
    console.log(s.invocationsPerSecond, (s.functionCpuMsPerInvocation * 1000).toFixed(1), s.latencyMs.p50, s.latencyMs.p99);
' "$work/lambda.json")

echo "HTTP path: wrk, tools/call ping, 64 connections, ${HTTP_SECONDS} s"
"$SERVER" --bind 127.0.0.1 --port 0 --log-level warn 2>"$work/server.log" &
server_pid=$!
port=
for _ in $(seq 100); do
    port=$(grep -o '"port":[0-9]*' "$work/server.log" | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
before=$(cpu_ticks "$server_pid")
wrk -t2 -c64 -d"${HTTP_SECONDS}s" -s bench/tools_call_ping.lua "http://127.0.0.1:$port/mcp" >"$work/wrk.txt"
after=$(cpu_ticks "$server_pid")
requests=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
http_rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
ticks_per_second=$(getconf CLK_TCK)
http_cpu_us=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$ticks_per_second" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
ratio=$(awk -v a="$lambda_cpu_us" -v b="$http_cpu_us" 'BEGIN { printf "%.2f", a / b }')

cat <<EOF

| path | throughput | server CPU per request | latency p50 / p99 |
|---|---:|---:|---:|
| Lambda: REST event through the Runtime API emulator, 2 instances | $lambda_ips invocations/s | $lambda_cpu_us µs | $lambda_p50 / $lambda_p99 ms |
| HTTP: libh2o front door, wrk 64 connections | $http_rps requests/s | $http_cpu_us µs | (see make bench) |

CPU per request, Lambda path / HTTP path: ${ratio}x (the Lambda path also pays for its Runtime API calls: a GET for
the event and a POST for the response, each a loopback HTTP exchange, where the HTTP path parses and writes one).
Invocations per second are bounded by the emulator (Node), not by the server.
EOF
