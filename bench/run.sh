#!/usr/bin/env bash
#
# bench/run.sh: `make bench`. Prints figures; asserts nothing.
#
# Builds a Release tree in build-bench/, then, against 127.0.0.1 only:
#   1. tools/call of ping with wrk (64 connections, 5 s a run) in 7 rounds of three runs back to back: against
#      bench-static_server, the same libh2o setup answering a fixed body (the yardstick), against mcp-server as it is
#      configured by default (log level info: one access-log line per request), and against a second mcp-server at
#      --log-level warn (what the access log costs); each round's ratios compare runs seconds apart, and the figure
#      is their median over the rounds (the machine's speed drifts more than the difference being measured);
#   2. tools/list and initialize against mcp-server, and its RSS after each workload, topped up with more tools/call
#      until it has served at least 100 000 requests before the final RSS;
#   3. the cold start of both (exec to the first answered initialize, median of 30 runs each) with bench-coldstart.
# It prints the figures as it goes and again as markdown at the end (for docs/performance.md), next to the targets:
# tools/call >= 0.9x static at the default log level, RSS < 6 MiB after 100 000 requests, cold start <= 1.2x static.
#
# Every process it starts is stopped by PID when it exits, however it exits. Logs and wrk's own output are kept in
# BUILD_DIR/bench-logs/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/build-bench
BUILD=1
SERVER=
SERVER_ARGS=""
DURATION=5
WARMUP=2
CONNECTIONS=64
THREADS=2
ROUNDS=7
COLD_RUNS=30
MIN_REQUESTS=100000
WARN_RUN=1

usage()
{
    cat <<EOF
usage: bench/run.sh [options]
  --build-dir DIR     where to build (default: build-bench/ in the repository)
  --no-build          use the binaries already in the build directory
  --server BIN        the server to measure (default: BUILD_DIR/mcp-server); --bind and --port are added
  --server-args ARGS  its other arguments (default: none, the default configuration); the third run of
                      each tools/call round adds --log-level warn
  --duration S        seconds per wrk run (default: $DURATION)
  --connections N     wrk connections (default: $CONNECTIONS)
  --threads N         wrk threads (default: $THREADS)
  --rounds N          tools/call rounds (one run per server each); the median of the rounds' ratios counts
                      (default: $ROUNDS)
  --runs N            cold starts per server (default: $COLD_RUNS)
  --min-requests N    requests the server must have served before the final RSS (default: $MIN_REQUESTS)
  --no-warn-run       skip the tools/call turns at --log-level warn (for a server without that flag)
To try the harness without mcp-server: bench/run.sh --server BUILD_DIR/bench-static_server --no-warn-run
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
    --build-dir) BUILD_DIR=$(realpath -m "$2"); shift ;;
    --no-build) BUILD=0 ;;
    --server) SERVER=$(realpath -m "$2"); shift ;;
    --server-args) SERVER_ARGS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --runs) COLD_RUNS=$2; shift ;;
    --min-requests) MIN_REQUESTS=$2; shift ;;
    --no-warn-run) WARN_RUN=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
SERVER=${SERVER:-$BUILD_DIR/mcp-server}
STATIC=$BUILD_DIR/bench-static_server
COLDSTART=$BUILD_DIR/bench-coldstart
LOGS=$BUILD_DIR/bench-logs
read -r -a SERVER_ARGV <<<"$SERVER_ARGS"

log()
{
    echo "bench: $*" >&2
}

die()
{
    log "error: $*"
    exit 1
}

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"

if [ $BUILD = 1 ]; then
    targets=(bench-static_server bench-coldstart)
    [ "$SERVER" = "$BUILD_DIR/mcp-server" ] && targets+=(mcp-server)
    log "building ${targets[*]} (Release) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${targets[@]}" >/dev/null
fi
for bin in "$SERVER" "$STATIC" "$COLDSTART"; do
    [ -x "$bin" ] || die "$bin is missing (build it, or drop --no-build)"
done
mkdir -p "$LOGS"

# ---- processes: everything started here is stopped by PID, on any exit ----

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
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The port PID listens on, from /proc: the fallback for a server whose log level hides its "listening" line.
port_from_proc()
{
    local inodes hex
    inodes=$(find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null | sed 's/socket:\[\(.*\)\]/\1/')
    [ -n "$inodes" ] || return 0
    # In /proc/net/tcp, field 2 is the local address as hex IP:port, field 4 the state (0A: LISTEN), field 10 the inode.
    hex=$(awk -v inodes="$inodes" 'BEGIN { n = split(inodes, a, "\n"); for (i = 1; i <= n; i++) want[a[i]] = 1 }
        NR > 1 && $4 == "0A" && ($10 in want) { split($2, addr, ":"); print addr[2]; exit }' /proc/net/tcp)
    [ -z "$hex" ] || echo $((16#$hex))
}

# start_server NAME BIN ARGS...: starts it on a free port; sets STARTED_PID and STARTED_PORT.
start_server()
{
    local name=$1 logfile=$LOGS/$1.log line port=
    shift
    "$@" --bind 127.0.0.1 --port 0 </dev/null >"$logfile" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    for i in $(seq 200); do
        line=$(grep -m1 '"event" *: *"listening"' "$logfile" || true)
        port=$(grep -o '"port" *: *[0-9]*' <<<"$line" | grep -o '[0-9]*$' || true)
        [ -n "$port" ] && break
        kill -0 "$STARTED_PID" 2>/dev/null || { cat "$logfile" >&2; die "$name exited at start"; }
        if [ "$i" -ge 20 ]; then
            port=$(port_from_proc "$STARTED_PID")
            [ -n "$port" ] && break
        fi
        sleep 0.05
    done
    [ -n "$port" ] || { cat "$logfile" >&2; die "$name did not start listening within 10 s"; }
    STARTED_PORT=$port
    log "$name: pid $STARTED_PID, http://127.0.0.1:$port/mcp"
}

# stop_server PID: SIGTERM, and up to 10 s to exit; sets STOPPED to its exit status. (Not a $(...) helper: only this
# shell, the server's parent, can wait for it.)
stop_server()
{
    local pid=$1
    STOPPED=0
    kill -TERM "$pid"
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null || true
        STOPPED="killed (no exit within 10 s of SIGTERM)"
        return
    fi
    wait "$pid" || STOPPED=$?
}

rss_kb()
{
    awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

# ---- measuring ----

INITIALIZE='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},'
INITIALIZE+='"clientInfo":{"name":"bench","version":"1"}}}'

# post PORT BODY [HEADER...]: one POST /mcp through bash's /dev/tcp (so the bench needs nothing but wrk); sets
# HTTP_STATUS and HTTP_SESSION (the Mcp-Session-Id response header, or empty).
post()
{
    local port=$1 body=$2 fd line request
    shift 2
    request="POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:$port\r\nContent-Type: application/json\r\n"
    request+="Accept: application/json, text/event-stream\r\nContent-Length: ${#body}\r\nConnection: close\r\n"
    for line in "$@"; do
        request+="$line\r\n"
    done
    HTTP_STATUS=
    HTTP_SESSION=
    exec {fd}<>"/dev/tcp/127.0.0.1/$port"
    printf '%b\r\n%s' "$request" "$body" >&"$fd"
    while IFS= read -r -t 5 line <&"$fd"; do
        line=${line%$'\r'}
        [ -z "$line" ] && break
        [ -z "$HTTP_STATUS" ] && HTTP_STATUS=$(awk '{ print $2 }' <<<"$line")
        if [[ ${line,,} == mcp-session-id:* ]]; then
            HTTP_SESSION=${line#*:}
            HTTP_SESSION=${HTTP_SESSION# }
        fi
    done
    exec {fd}<&-
}

# A server that keeps sessions answers initialize with Mcp-Session-Id and wants it (after notifications/initialized)
# on every later request; a stateless one sends none. Either way the workloads then run as a real client's would.
# Sets SESSION.
open_session()
{
    local port=$1
    post "$port" "$INITIALIZE"
    [ "$HTTP_STATUS" = 200 ] || log "warning: initialize answered ${HTTP_STATUS:-nothing}; expect non-2xx below"
    SESSION=$HTTP_SESSION
    [ -n "$SESSION" ] || return 0
    log "the server keeps sessions: the workloads send Mcp-Session-Id $SESSION"
    post "$port" '{"jsonrpc":"2.0","method":"notifications/initialized"}' "MCP-Protocol-Version: 2025-11-25" \
        "Mcp-Session-Id: $SESSION"
    [ "${HTTP_STATUS:0:1}" = 2 ] || log "warning: notifications/initialized answered ${HTTP_STATUS:-nothing}"
}

# field LINE KEY: the value of KEY=value in a wrk-result line (printed by done() in bench/mcp_common.lua).
field()
{
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}

TOTAL=0 # requests the server has served

CLK_TCK=$(getconf CLK_TCK)

# The CPU time PID has used so far, user and system, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted
# after the parenthesised command name, which may hold spaces).
cpu_ticks()
{
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# run_wrk NAME SCRIPT PID PORT SECONDS SESSION: runs one workload against the server PID listening on PORT (with
# SESSION as Mcp-Session-Id unless it is empty); sets RESULT to its wrk-result line, plus the server's CPU use during
# the run: with wrk on the same two cores, a server below 100% of a core was not the bottleneck, and its CPU time per
# request is then the better measure of its cost.
run_wrk()
{
    local name=$1 script=$2 pid=$3 port=$4 seconds=$5 session=$6 out=$LOGS/wrk-$1.txt ticks
    ticks=$(cpu_ticks "$pid")
    MCP_SESSION_ID=$session wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s -s "$ROOT/bench/$script" \
        "http://127.0.0.1:$port/mcp" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($name)"; }
    RESULT=$(grep -m1 '^wrk-result ' "$out") || { cat "$out" >&2; die "wrk printed no result ($name)"; }
    ticks=$(($(cpu_ticks "$pid") - ticks))
    RESULT+=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v us="$(field "$RESULT" duration_us)" -v n="$(field "$RESULT" requests)" \
        'BEGIN { printf " cpu_pct=%.0f cpu_us_per_req=%.2f", t / hz * 1e8 / us, (n > 0 ? t / hz * 1e6 / n : 0) }')
    [ "$pid" = "$server_pid" ] && TOTAL=$((TOTAL + $(field "$RESULT" requests)))
    return 0
}

# ratio3 A B: A / B to three decimals ("0" when B is 0, say a run that did no work).
ratio3()
{
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'
}

# median X...: the median of numbers (the mean of the middle two for an even count), to two decimals.
median()
{
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# median_run LINE...: of wrk-result lines, the one with the median requests/s (the lower middle one for an even count).
median_run()
{
    local line
    for line in "$@"; do
        echo "$(field "$line" rps) $line"
    done | sort -g | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }' | cut -d' ' -f2-
}

# cold_batch NAME RUNS BIN ARGS...: RUNS cold starts; appends its samples (µs, one a line) to LOGS/cold-NAME.txt.
cold_batch()
{
    local name=$1 runs=$2 json
    shift 2
    json=$("$COLDSTART" --runs "$runs" --label "$name" --server-stderr "$LOGS/coldstart-$name.log" -- "$@" --bind 127.0.0.1 \
        --port '{port}') || die "cold start of $name failed (see $LOGS/coldstart-$name.log)"
    sed 's/.*"samples_us":\[\([0-9,]*\)\].*/\1/' <<<"$json" | tr ',' '\n' >>"$LOGS/cold-$name.txt"
    UNCLEAN=$((UNCLEAN + $(grep -o '"unclean_exits":[0-9]*' <<<"$json" | cut -d: -f2)))
}

# cold_stats NAME: "median min max" of the samples collected for NAME.
cold_stats()
{
    sort -n "$LOGS/cold-$1.txt" | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2); print m, v[1], v[NR] }'
}

# ---- formatting ----

fmt_ms()
{
    awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'
}

fmt_mib()
{
    awk -v kb="$1" 'BEGIN { printf "%.1f MiB", kb / 1024 }'
}

# verdict VALUE OP LIMIT: "met" or "MISSED" (a figure, not an assertion: the exit status does not depend on it).
verdict()
{
    awk -v v="$1" -v op="$2" -v l="$3" \
        'BEGIN { ok = op == ">=" ? v >= l : op == "<=" ? v <= l : v < l; print ok ? "met" : "MISSED" }'
}

ROWS=() # "server|request|req/s|p50|p99|non-2xx|socket errors|requests|CPU|CPU per request", for the markdown table

add_row()
{
    local server=$1 request=$2 r=$3 rps p50 p99 errs cpu
    rps=$(field "$r" rps | awk '{ printf "%.0f", $1 }')
    p50=$(fmt_ms "$(field "$r" p50_us)")
    p99=$(fmt_ms "$(field "$r" p99_us)")
    errs=$(($(field "$r" connect_errors) + $(field "$r" read_errors) + $(field "$r" write_errors) + $(field "$r" timeouts)))
    cpu="$(field "$r" cpu_pct)%|$(field "$r" cpu_us_per_req) µs"
    ROWS+=("$server|$request|$rps|$p50|$p99|$(field "$r" non2xx)|$errs|$(field "$r" requests)|$cpu")
    printf '%-7s %-11s %7s req/s  p50 %8s  p99 %8s  non-2xx %s  socket errors %s  %8s requests  CPU %s%%, %s µs/req\n' \
        "$server" "$request" "$rps" "$p50" "$p99" "$(field "$r" non2xx)" "$errs" "$(field "$r" requests)" \
        "$(field "$r" cpu_pct)" "$(field "$r" cpu_us_per_req)"
}

# ---- the run ----

echo "make bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run;" \
    "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
echo "server: $SERVER ${SERVER_ARGS:-(default configuration)}"
echo

server_pid=
start_server static "$STATIC"
static_pid=$STARTED_PID
static_port=$STARTED_PORT
start_server server "$SERVER" "${SERVER_ARGV[@]}"
server_pid=$STARTED_PID
server_port=$STARTED_PORT
rss_idle=$(rss_kb "$server_pid")
open_session "$server_port"

# tools/call in rounds: in each, one run against the static server, one against the server, and one against a second
# server at --log-level warn, back to back. On this kind of machine (two shared cores of a VM) the speed of everything
# drifts by 10-20% over tens of seconds, more than the difference being measured, so a ratio only compares runs made
# seconds apart: each round gives its own ratios, and the figure is their median over the rounds. The table shows
# each side's median run.
warn_pid=
warn_session=
if [ "$WARN_RUN" = 1 ]; then
    start_server server-warn "$SERVER" "${SERVER_ARGV[@]}" --log-level warn
    warn_pid=$STARTED_PID
    warn_port=$STARTED_PORT
    main_session=$SESSION
    open_session "$warn_port"
    warn_session=$SESSION
    SESSION=$main_session
fi
run_wrk static-warmup tools_call_ping.lua "$static_pid" "$static_port" "$WARMUP" ''
run_wrk warmup tools_call_ping.lua "$server_pid" "$server_port" "$WARMUP" "$SESSION"
[ -z "$warn_pid" ] || run_wrk warn-warmup tools_call_ping.lua "$warn_pid" "$warn_port" "$WARMUP" "$warn_session"
STATIC_RUNS=()
CALL_RUNS=()
WARN_RUNS=()
CALL_RATIOS=()
WARN_RATIOS=()
for round in $(seq "$ROUNDS"); do
    run_wrk "static-tools_call-$round" tools_call_ping.lua "$static_pid" "$static_port" "$DURATION" ''
    STATIC_RUNS+=("$RESULT")
    static_rps=$(field "$RESULT" rps)
    run_wrk "tools_call-$round" tools_call_ping.lua "$server_pid" "$server_port" "$DURATION" "$SESSION"
    CALL_RUNS+=("$RESULT")
    CALL_RATIOS+=("$(ratio3 "$(field "$RESULT" rps)" "$static_rps")")
    line="round $round: static ${static_rps%.*} req/s, server $(field "$RESULT" rps | cut -d. -f1) (${CALL_RATIOS[-1]}x)"
    if [ -n "$warn_pid" ]; then
        run_wrk "tools_call-warn-$round" tools_call_ping.lua "$warn_pid" "$warn_port" "$DURATION" "$warn_session"
        WARN_RUNS+=("$RESULT")
        WARN_RATIOS+=("$(ratio3 "$(field "$RESULT" rps)" "$static_rps")")
        line+=", warn $(field "$RESULT" rps | cut -d. -f1) (${WARN_RATIOS[-1]}x)"
    fi
    echo "$line"
done
[ -z "$warn_pid" ] || stop_server "$warn_pid"
rss_call=$(rss_kb "$server_pid")
static_call=$(median_run "${STATIC_RUNS[@]}")
call=$(median_run "${CALL_RUNS[@]}")
warn_call=
[ -z "$warn_pid" ] || warn_call=$(median_run "${WARN_RUNS[@]}")
call_ratio=$(median "${CALL_RATIOS[@]}")
warn_ratio=n/a
[ -z "$warn_pid" ] || warn_ratio=$(median "${WARN_RATIOS[@]}")
add_row static tools/call "$static_call"
add_row server tools/call "$call"
[ -z "$warn_call" ] || add_row warn tools/call "$warn_call"
rss_static=$(rss_kb "$static_pid")
stop_server "$static_pid"
static_exit=$STOPPED

run_wrk tools_list tools_list.lua "$server_pid" "$server_port" "$DURATION" "$SESSION"
add_row server tools/list "$RESULT"
rss_list=$(rss_kb "$server_pid")
run_wrk initialize initialize.lua "$server_pid" "$server_port" "$DURATION" "$SESSION"
add_row server initialize "$RESULT"
rss_init=$(rss_kb "$server_pid")

# The RSS target is about a server that has been busy for a while: top it up if the runs above were too slow for that.
for i in $(seq 10); do
    [ "$TOTAL" -ge "$MIN_REQUESTS" ] && break
    log "only $TOTAL requests so far; more tools/call until $MIN_REQUESTS"
    run_wrk "topup-$i" tools_call_ping.lua "$server_pid" "$server_port" "$DURATION" "$SESSION"
done
[ "$TOTAL" -ge "$MIN_REQUESTS" ] || log "warning: only $TOTAL requests after the top-up runs"
rss_final=$(rss_kb "$server_pid")
stop_server "$server_pid"
server_exit=$STOPPED

echo
echo "server RSS: $(fmt_mib "$rss_idle") idle, $(fmt_mib "$rss_call") after tools/call, $(fmt_mib "$rss_list") after" \
    "tools/list, $(fmt_mib "$rss_init") after initialize, $(fmt_mib "$rss_final") after $TOTAL requests in all"
echo "static server RSS after its runs: $(fmt_mib "$rss_static")"
echo "exit status on SIGTERM: server $server_exit, static $static_exit"
echo

# Cold starts taking turns, one run of each at a time, for the same reason as the tools/call turns: start-up times on
# this VM shift between modes for seconds at a time (20 runs in a row once came out 1.7x slower than the 20 before),
# and taking turns spreads a slow spell over both sides. One median over all of a side's runs.
log "cold start: $COLD_RUNS runs each, taking turns"
rm -f "$LOGS/cold-static.txt" "$LOGS/cold-server.txt" "$LOGS/coldstart-static.log" "$LOGS/coldstart-server.log"
UNCLEAN=0
for _ in $(seq "$COLD_RUNS"); do
    cold_batch static 1 "$STATIC"
    cold_batch server 1 "$SERVER" "${SERVER_ARGV[@]}"
done
read -r cold_static cold_static_min cold_static_max <<<"$(cold_stats static)"
read -r cold_server cold_server_min cold_server_max <<<"$(cold_stats server)"
echo "cold start, static: median $cold_static µs (min $cold_static_min, max $cold_static_max) over $COLD_RUNS runs"
echo "cold start, server: median $cold_server µs (min $cold_server_min, max $cold_server_max) over $COLD_RUNS runs"
[ "$UNCLEAN" = 0 ] || echo "cold start: $UNCLEAN runs did not exit 0 on SIGTERM (see $LOGS/coldstart-*.log)"

# ratio A B: A / B to two decimals ("n/a" when B is 0, say a static run that did no work).
ratio()
{
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'
}

cold_ratio=$(ratio "$cold_server" "$cold_static")
cpu_ratio=$(ratio "$(field "$call" cpu_us_per_req)" "$(field "$static_call" cpu_us_per_req)")
rss_mib=$(awk -v kb="$rss_final" 'BEGIN { printf "%.2f", kb / 1024 }')

echo
echo "targets (printed, not asserted):"
printf '  tools/call throughput / static    %7sx   target >= 0.90x    %s   (default configuration: log level info)\n' \
    "$call_ratio" "$(verdict "$call_ratio" '>=' 0.9)"
printf '  the same at --log-level warn      %7sx\n' "$warn_ratio"
printf '  RSS after %-7s requests     %9s   target <  6 MiB    %s\n' "$TOTAL" "$(fmt_mib "$rss_final")" \
    "$(verdict "$rss_mib" '<' 6)"
printf '  cold start / static               %7sx   target <= 1.20x    %s\n' "$cold_ratio" "$(verdict "$cold_ratio" '<=' 1.2)"
printf '  (tools/call CPU per request / static: %sx; no target, but the measure of our cost when wrk is the bottleneck)\n' \
    "$cpu_ratio"

echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) (anything well above 2 means other work shared the cores)"

# ---- the same, as markdown for docs/performance.md ----

echo
echo "---- markdown ----"
echo
echo "| server | request | requests/s | p50 | p99 | non-2xx | socket errors | requests | server CPU | CPU per request |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for row in "${ROWS[@]}"; do
    echo "| ${row//|/ | } |"
done
echo
echo "| figure | value | target | |"
echo "| --- | ---: | --- | --- |"
echo "| tools/call throughput / static server, default configuration (log level info) | ${call_ratio}x | >= 0.90x | $(verdict "$call_ratio" '>=' 0.9) |"
echo "| tools/call throughput / static server, --log-level warn | ${warn_ratio}x | | |"
echo "| RSS idle | $(fmt_mib "$rss_idle") | | |"
echo "| RSS after tools/call, tools/list, initialize | $(fmt_mib "$rss_call"), $(fmt_mib "$rss_list"), $(fmt_mib "$rss_init") | | |"
echo "| RSS after $TOTAL requests | $(fmt_mib "$rss_final") | < 6 MiB | $(verdict "$rss_mib" '<' 6) |"
echo "| static server RSS after its runs | $(fmt_mib "$rss_static") | | |"
echo "| tools/call server CPU per request / static server | ${cpu_ratio}x | | |"
echo "| cold start, static server (median of $COLD_RUNS) | $cold_static µs | | |"
echo "| cold start, server (median of $COLD_RUNS) | $cold_server µs | | |"
echo "| cold start / static server | ${cold_ratio}x | <= 1.20x | $(verdict "$cold_ratio" '<=' 1.2) |"
echo "| exit status on SIGTERM | $server_exit | 0 | |"
