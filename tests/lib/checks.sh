# shellcheck shell=bash disable=SC2154  # tmp, pids, CLIENT, CALL_TIMEOUT, passed, failed: set by the suite
# tests/lib/checks.sh: the helpers of the shell test suites (tests/client/run.sh, tests/iam/run.sh), sourced by them.
#
# The suite sets, before sourcing: CLIENT (the mcp-client binary), CALL_TIMEOUT (seconds one client run may take),
# tmp (a scratch directory, removed at exit), pids (an array of the PIDs to stop at exit), passed and failed (0).
# Each check prints "ok" or "FAIL"; summary prints "<name>: N passed, N failed" and fails when anything failed.

stop_all() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$tmp"
}

ok() {
    passed=$((passed + 1))
    echo "ok   $1"
}

not_ok() {
    failed=$((failed + 1))
    echo "FAIL $1"
    if [ -n "${2:-}" ]; then
        head -c 3000 <<<"$2" | sed 's/^/       | /'
    fi
}

summary() {
    echo "${SUITE_NAME:-client}: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# fatal MESSAGE: a check that the rest depends on failed; report and stop.
fatal() {
    not_ok "$1"
    summary
    exit 1
}

# start NAME COMMAND...: runs COMMAND in the background (output in $tmp/NAME.log) and waits up to 10 s for
# its JSON line announcing "listening"; sets PORT.
start() {
    local name=$1
    shift
    "$@" >"$tmp/$name.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    PORT=
    for _ in $(seq 100); do
        PORT=$(grep '"listening"' "$tmp/$name.log" | grep -o '"port":[0-9]*' | head -1 | cut -d: -f2)
        [ -n "$PORT" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    fatal "start $name" "$(cat "$tmp/$name.log")"
}

# client EXPECTED_STATUS NAME ARGS...: runs mcp-client ARGS; its stdout and stderr are left in OUT and ERR.
# EXPECTED_STATUS may list alternatives, as in 0|1.
client() {
    local want=$1 name=$2
    shift 2
    timeout "$CALL_TIMEOUT" "$CLIENT" "$@" >"$tmp/out" 2>"$tmp/err"
    local status=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
    if [[ "$status" =~ ^($want)$ ]]; then
        ok "$name (exit $status)"
    else
        not_ok "$name: exit $status, expected $want" "$ERR"
    fi
}

# out_has / err_has NAME REGEX: the last run's stdout / stderr matches (grep -E).
out_has() {
    if grep -qE -- "$2" <<<"$OUT"; then ok "$1"; else not_ok "$1: stdout does not match /$2/" "$OUT"; fi
}
err_has() {
    if grep -qE -- "$2" <<<"$ERR"; then ok "$1"; else not_ok "$1: stderr does not match /$2/" "$ERR"; fi
}

# never_shown NAME STRING...: none of the strings appears in the last run's stdout or stderr.
never_shown() {
    local name=$1
    shift
    for s in "$@"; do
        if grep -qF -- "$s" <<<"$OUT$ERR"; then
            not_ok "$name: '$s' was printed" "$OUT$ERR"
            return
        fi
    done
    ok "$name"
}

# json_true NAME EXPRESSION: EXPRESSION (JavaScript, over r = the last stdout parsed as JSON) is true.
json_true() {
    if node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); process.exit(eval(process.argv[1]) ? 0 : 1)' "$2" \
        <<<"$OUT" 2>/dev/null; then
        ok "$1"
    else
        not_ok "$1: not true: $2" "$OUT"
    fi
}

