#!/usr/bin/env bash
#
# bench/callgrind.sh: user-space instructions per tools/call, counted by valgrind's callgrind, for the server at its
# default log level (info: an access-log line per request), at --log-level warn, and for bench-static_server. A
# count of instructions does not move with other work on the machine, as requests/s and CPU time do on two shared
# cores: it is the repeatable measure of what the access log costs. It leaves out the kernel's work (the same for
# every configuration: one read and one writev per request, plus, at info, one write of the batched log lines every
# 20 ms or so).
#
# Each configuration runs twice under callgrind: once serving REQUESTS tools/call of ping from bench-soak (8 kept-alive
# connections, paced at RATE/s so that the run does not depend on how fast valgrind is), and once idle for as long
# (start-up, the idle loop and shutdown). Instructions per request = (loaded - idle) / requests answered.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/build-bench
BUILD=1
SERVER=
REQUESTS=10000
RATE=1000

usage()
{
    cat <<EOF
usage: bench/callgrind.sh [options]
  --build-dir DIR   where to build (default: build-bench/ in the repository)
  --no-build        use the binaries already in the build directory
  --server BIN      the server to count (default: BUILD_DIR/mcp-server)
  --requests N      tools/call requests per run (default: $REQUESTS)
  --rate R          requests per second (default: $RATE; under valgrind the server manages a few thousand)
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
    --build-dir) BUILD_DIR=$(realpath -m "$2"); shift ;;
    --no-build) BUILD=0 ;;
    --server) SERVER=$(realpath -m "$2"); shift ;;
    --requests) REQUESTS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
SERVER=${SERVER:-$BUILD_DIR/mcp-server}
STATIC=$BUILD_DIR/bench-static_server
SOAK=$BUILD_DIR/bench-soak
LOGS=$BUILD_DIR/callgrind-logs

die()
{
    echo "callgrind: error: $*" >&2
    exit 1
}

command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
if [ $BUILD = 1 ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target mcp-server bench-static_server bench-soak >/dev/null
fi
for bin in "$SERVER" "$STATIC" "$SOAK"; do
    [ -x "$bin" ] || die "$bin is missing (build it, or drop --no-build)"
done
mkdir -p "$LOGS"
SECONDS_PER_RUN=$(awk -v n="$REQUESTS" -v r="$RATE" 'BEGIN { printf "%g", n / r }')

PID=
cleanup()
{
    [ -z "$PID" ] || kill -KILL "$PID" 2>/dev/null || true
}
trap cleanup EXIT

# The port PID listens on, from /proc (the static server prints no "listening" line).
port_of()
{
    local inodes hex
    inodes=$(find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null | sed 's/socket:\[\(.*\)\]/\1/')
    [ -n "$inodes" ] || return 0
    hex=$(awk -v inodes="$inodes" 'BEGIN { n = split(inodes, a, "\n"); for (i = 1; i <= n; i++) want[a[i]] = 1 }
        NR > 1 && $4 == "0A" && ($10 in want) { split($2, addr, ":"); print addr[2]; exit }' /proc/net/tcp)
    [ -z "$hex" ] || echo $((16#$hex))
}

# run NAME LOADED BIN ARGS...: one run under callgrind; prints "instructions requests".
run()
{
    local name=$1 loaded=$2 out port='' requests=0
    shift 2
    out=$LOGS/$name.cg
    rm -f "$out"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" --bind 127.0.0.1 --port 0 >/dev/null 2>"$LOGS/$name.log" &
    PID=$!
    for _ in $(seq 300); do
        port=$(port_of "$PID")
        [ -n "$port" ] && break
        kill -0 "$PID" 2>/dev/null || die "$name exited at start (see $LOGS/$name.log)"
        sleep 0.1
    done
    [ -n "$port" ] || die "$name did not listen within 30 s"
    if [ "$loaded" = 1 ]; then
        "$SOAK" --port "$port" --rate "$RATE" --seconds "$SECONDS_PER_RUN" --threads 1 --connections 8 --ping-only 1 \
            --hangups 0 --early-hangups 0 --slow-readers 0 --slow-headers 0 --slow-bodies 0 \
            --report-s 1000 >"$LOGS/$name.soak" || die "bench-soak failed (see $LOGS/$name.soak)"
        requests=$(sed -n 's/^soak-total .* good=\([0-9]*\) .*/\1/p' "$LOGS/$name.soak")
        grep -q '^soak-total .* errors=0 ' "$LOGS/$name.soak" || echo "callgrind: warning: $name had errors" >&2
    else
        sleep "$SECONDS_PER_RUN"
    fi
    kill -TERM "$PID"
    wait "$PID" || true
    PID=
    echo "$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out") $requests"
}

echo "callgrind: $REQUESTS tools/call of ping at $RATE/s per configuration, 8 connections; loaded minus idle"
printf '%-40s %14s %14s %10s %14s\n' configuration loaded idle requests "Ir/request"
RESULTS=()
# measure SLUG LABEL BIN ARGS...
measure()
{
    local slug=$1 label=$2 loaded idle n per
    shift 2
    read -r loaded n <<<"$(run "$slug" 1 "$@")"
    read -r idle _ <<<"$(run "$slug-idle" 0 "$@")"
    per=$(awk -v a="$loaded" -v b="$idle" -v n="$n" 'BEGIN { printf "%.0f", (n > 0 ? (a - b) / n : 0) }')
    printf '%-40s %14s %14s %10s %14s\n' "$label" "$loaded" "$idle" "$n" "$per"
    RESULTS+=("$label|$per")
}
measure info "server (default: log level info)" "$SERVER"
measure warn "server --log-level warn" "$SERVER" --log-level warn
measure static "bench-static_server" "$STATIC"
echo
echo "| configuration | user-space instructions per tools/call |"
echo "| --- | ---: |"
for r in "${RESULTS[@]}"; do
    echo "| ${r%%|*} | ${r##*|} |"
done
