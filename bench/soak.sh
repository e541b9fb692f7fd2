#!/usr/bin/env bash
#
# bench/soak.sh: `make soak`. A benchmark, not a test: it prints figures and exits non-zero only when it could not run.
#
# Builds mcp-server and bench-soak (Release) in build-bench/, then, against 127.0.0.1 only:
#   1. starts the server as configured by default (log level info: an access-log line per request, kept out of the
#      saved log by a filter) with the conformance tools added (slow_compute is what the hang-ups call);
#   2. measures its peak tools/call rate with wrk (-t2 -c64, as `make bench` does);
#   3. runs bench-soak (bench/soak.c) for SOAK_SECONDS (default 600) at 80% of that peak: 64 well-behaved kept-alive
#      connections on a fixed schedule, next to clients that hang up mid-call, slow readers and slow senders; it prints
#      a line of figures every minute (a tenth of the run when shorter), with the server's RSS;
#   4. stops the server with SIGTERM and prints the summary: errors seen by well-behaved clients (goal 0), p50/p99,
#      and the server's RSS at the start and at the end of the soak (goal: flat within 10%), as text and as markdown.
# Every process it starts is stopped by PID when it exits, however it exits. Logs go to build-bench/soak-logs/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/build-bench
BUILD=1
SECONDS_TO_RUN=${SOAK_SECONDS:-600}
LOAD=${SOAK_LOAD:-0.8}
PEAK_SECONDS=10
SERVER_ARGS="--toolsets default,conformance"

usage()
{
    cat <<EOF
usage: bench/soak.sh [options]
  --seconds S         how long the soak lasts (default: \$SOAK_SECONDS or 600)
  --load F            the share of the measured peak to run at (default: \$SOAK_LOAD or 0.8)
  --peak-seconds S    the wrk run that measures the peak (default: $PEAK_SECONDS)
  --build-dir DIR     where to build (default: build-bench/ in the repository)
  --no-build          use the binaries already in the build directory
  --server-args ARGS  the server's arguments (default: $SERVER_ARGS); --bind and --port are added
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
    --seconds) SECONDS_TO_RUN=$2; shift ;;
    --load) LOAD=$2; shift ;;
    --peak-seconds) PEAK_SECONDS=$2; shift ;;
    --build-dir) BUILD_DIR=$(realpath -m "$2"); shift ;;
    --no-build) BUILD=0 ;;
    --server-args) SERVER_ARGS=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
SERVER=$BUILD_DIR/mcp-server
SOAK=$BUILD_DIR/bench-soak
LOGS=$BUILD_DIR/soak-logs
read -r -a SERVER_ARGV <<<"$SERVER_ARGS"

log()
{
    echo "soak: $*" >&2
}

die()
{
    log "error: $*"
    exit 1
}

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
if [ $BUILD = 1 ]; then
    log "building mcp-server and bench-soak (Release) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target mcp-server bench-soak >/dev/null
fi
for bin in "$SERVER" "$SOAK"; do
    [ -x "$bin" ] || die "$bin is missing (build it, or drop --no-build)"
done
mkdir -p "$LOGS"

PIDS=()
cleanup()
{
    local pid
    for pid in "${PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || continue
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -f "$LOGS/server.fifo"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server's log goes through a filter that drops the access-log lines (tens of thousands a second, gigabytes over a
# soak) and keeps the rest: the listening line, warnings such as "overloaded", errors.
rm -f "$LOGS/server.fifo"
mkfifo "$LOGS/server.fifo"
grep -F -v --line-buffered '"event":"request"' <"$LOGS/server.fifo" >"$LOGS/server.log" &
PIDS+=($!)
"$SERVER" "${SERVER_ARGV[@]}" --bind 127.0.0.1 --port 0 </dev/null >/dev/null 2>"$LOGS/server.fifo" &
server_pid=$!
PIDS=("$server_pid" "${PIDS[@]}")
port=
for _ in $(seq 200); do
    port=$(grep -m1 '"event":"listening"' "$LOGS/server.log" | grep -o '"port":[0-9]*' | cut -d: -f2 || true)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$LOGS/server.log" >&2; die "the server exited at start"; }
    sleep 0.05
done
[ -n "$port" ] || die "the server did not start listening within 10 s"
log "server: pid $server_pid, http://127.0.0.1:$port/mcp ($SERVER_ARGS)"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rss_idle=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$server_pid/status")

# The peak: tools/call of ping as fast as wrk can, after a short warm-up.
wrk -t2 -c64 -d2s --timeout 5s -s "$ROOT/bench/tools_call_ping.lua" "http://127.0.0.1:$port/mcp" >"$LOGS/wrk-warmup.txt" 2>&1 ||
    die "wrk failed (see $LOGS/wrk-warmup.txt)"
wrk -t2 -c64 -d"${PEAK_SECONDS}s" --timeout 5s -s "$ROOT/bench/tools_call_ping.lua" "http://127.0.0.1:$port/mcp" \
    >"$LOGS/wrk-peak.txt" 2>&1 || die "wrk failed (see $LOGS/wrk-peak.txt)"
peak=$(sed -n 's/^wrk-result .* rps=\([0-9.]*\) .*/\1/p' "$LOGS/wrk-peak.txt")
[ -n "$peak" ] || die "wrk printed no result (see $LOGS/wrk-peak.txt)"
rate=$(awk -v p="$peak" -v l="$LOAD" 'BEGIN { printf "%.0f", p * l }')
report=$(awk -v s="$SECONDS_TO_RUN" 'BEGIN { r = s / 10; if (r > 60) r = 60; if (r < 1) r = 1; printf "%g", r }')

echo "make soak: $(nproc) cores, load average $load_before before the run; peak tools/call $(printf '%.0f' "$peak")/s" \
    "(wrk -t2 -c64 -d${PEAK_SECONDS}s); soak at ${LOAD} of it, $rate/s, for ${SECONDS_TO_RUN} s"
echo "server: $SERVER $SERVER_ARGS (log level info)"
"$SOAK" --port "$port" --rate "$rate" --seconds "$SECONDS_TO_RUN" --pid "$server_pid" --report-s "$report" |
    tee "$LOGS/soak.txt" || die "bench-soak could not run (see $LOGS/soak.txt)"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

kill -TERM "$server_pid" 2>/dev/null || log "warning: the server had already exited"
status=0
wait "$server_pid" || status=$?

# ---- the summary ----

total=$(grep -m1 '^soak-total ' "$LOGS/soak.txt") || die "bench-soak printed no total"
field()
{
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}
intervals=$(grep -c '^soak-interval ' "$LOGS/soak.txt")
rss_start=$(field "$(grep -m1 '^soak-interval ' "$LOGS/soak.txt")" rss_kib)
rss_end=$(field "$(grep '^soak-interval ' "$LOGS/soak.txt" | tail -n1)" rss_kib)
rss_before=$(field "$(grep -m1 '^soak-start ' "$LOGS/soak.txt")" rss_kib)
rss_change=$(awk -v a="$rss_start" -v b="$rss_end" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')
rss_ok=$(awk -v a="$rss_start" -v b="$rss_end" 'BEGIN { d = (b - a) / a; print (d <= 0.1 && d >= -0.1) ? "met" : "MISSED" }')
errors=$(field "$total" errors)
errors_ok=$([ "$errors" = 0 ] && echo met || echo MISSED)
mib()
{
    awk -v kb="$1" 'BEGIN { printf "%.1f MiB", kb / 1024 }'
}
errors_detail=$(sed -n 's/.* errors=[0-9]* (\([^)]*\)).*/\1/p' <<<"$total")
hostile()
{
    local v
    v=$(field "$total" "$1")
    echo "${v//\// / }"
}

echo
echo "soak figures (printed, not asserted):"
echo "  well-behaved requests        $(field "$total" good) in ${SECONDS_TO_RUN} s, $(field "$total" rate) (target $rate/s)"
echo "  errors for well-behaved      $errors ($errors_detail)   goal 0   $errors_ok"
echo "  latency                      p50 $(field "$total" p50) ms, p99 $(field "$total" p99) ms, max $(field "$total" max) ms"
echo "  server RSS                   $(mib "$rss_idle") idle, $(mib "$rss_before") after the peak run," \
    "$(mib "$rss_start") after the soak's first $report s, $(mib "$rss_end") at its end: $rss_change   goal within 10%   $rss_ok"
echo "  exit status on SIGTERM       $status"
echo "  load average                 $load_before before, $load_after after (2 cores: anything well above 2 means other work shared them)"
echo
echo "---- markdown ----"
echo
echo "| figure | value |"
echo "| --- | ---: |"
echo "| peak tools/call rate (wrk -t2 -c64 -d${PEAK_SECONDS}s) | $(printf '%.0f' "$peak")/s |"
echo "| soak: target rate (${LOAD} of the peak), duration | $rate/s, ${SECONDS_TO_RUN} s |"
echo "| well-behaved requests answered, achieved rate | $(field "$total" good), $(field "$total" rate) |"
echo "| errors for well-behaved clients (goal 0) | $errors ($errors_detail) |"
echo "| latency p50 / p99 / max | $(field "$total" p50) / $(field "$total" p99) / $(field "$total" max) ms |"
echo "| server RSS: idle, after the peak run | $(mib "$rss_idle"), $(mib "$rss_before") |"
echo "| server RSS: after the first $report s of the soak, at its end (goal: within 10%) | $(mib "$rss_start"), $(mib "$rss_end") ($rss_change) |"
echo "| hang-ups mid-call: connections, cut off by the server, answered, 503 | $(hostile hangups) |"
echo "| hang-ups before the answer | $(hostile early-hangups) |"
echo "| slow readers: connections, cut off, answers read in full, 503 | $(hostile slow-readers) |"
echo "| slow senders, head: connections, cut off by the server | $(hostile slow-headers) |"
echo "| slow senders, body: connections, cut off by the server | $(hostile slow-bodies) |"
echo "| well-behaved requests by kind (errors) | $(sed -n 's/^soak-type \([^=]*\)=\([0-9]*\) errors=\([0-9]*\)/\1 \2 (\3)/p' "$LOGS/soak.txt" | paste -sd, - | sed 's/,/, /g') |"
echo "| non-200 answers to well-behaved requests, by status | $(sed -n 's/^soak-status //p' "$LOGS/soak.txt" | paste -sd, - | sed 's/,/, /g') |"
echo "| exit status on SIGTERM | $status |"
echo "| load average before, after | $load_before; $load_after |"
echo "| report intervals | $intervals |"
