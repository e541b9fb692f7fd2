#!/usr/bin/env bash
# smoke-test.sh CLIENT: checks a freshly deployed MCP endpoint with the project's C client (build/mcp-client).
#
#   MCP_SERVER_ENDPOINT  the endpoint, the stack's McpEndpoint output
#   MCP_AUTH_TOKEN       a token the stage's authorizer accepts. mcp-client reads it from the environment: it is
#                        never put on a command line (ps shows those) and never printed.
#   SMOKE_ATTEMPTS, SMOKE_RETRY_SECONDS
#                        how often, and how far apart, the first request is tried while the new stage may still
#                        fail to answer (default 12 times, 10 s apart)
#
# With the token: initialize (`init`), tools/list (`tools`, which must list ping), tools/call ping (`call ping`,
# which must answer pong). Without it: the client must exit 4 (authentication refused) on HTTP 401 and print the
# WWW-Authenticate challenge; API Gateway answers that one itself, without running the authorizer. With a wrong
# token (43 random characters, shaped like a real one, so it passes API Gateway's validation regex and reaches the
# authorizer): exit 4, HTTP 401 and the challenge too. Then the RFC 9728 metadata the challenge names
# (resource_metadata) must answer 200 with JSON whose "resource" is the endpoint. The last line is
# "smoke: N passed, N failed"; the exit status is 0 only when all passed.
set -uo pipefail

client=${1:?usage: smoke-test.sh CLIENT}
attempts=${SMOKE_ATTEMPTS:-12}
retry_seconds=${SMOKE_RETRY_SECONDS:-10}
if [ -z "${MCP_SERVER_ENDPOINT:-}" ] || [ -z "${MCP_AUTH_TOKEN:-}" ]; then
    echo "smoke-test: MCP_SERVER_ENDPOINT and MCP_AUTH_TOKEN must both be set" >&2
    exit 2
fi
export MCP_SERVER_ENDPOINT MCP_AUTH_TOKEN

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() {
    passed=$((passed + 1))
    echo "ok   $1"
}
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    sed 's/^/     | /' "$work/stdout" "$work/stderr" | head -40
}

# run ARGS...: one mcp-client run; STATUS, and its output in $work/stdout and $work/stderr.
run() {
    "$client" --timeout 30 "$@" >"$work/stdout" 2>"$work/stderr"
    STATUS=$?
}

# The first request may meet a stage that is not answering yet (exit 3: a transport or HTTP error); retry those only.
for attempt in $(seq "$attempts"); do
    run init
    if [ "$STATUS" -ne 3 ] || [ "$attempt" -ge "$attempts" ]; then break; fi
    echo "init: exit 3 on attempt $attempt of $attempts; retrying in ${retry_seconds}s"
    sleep "$retry_seconds"
done
if [ "$STATUS" -eq 0 ]; then pass "init (initialize)"; else fail "init: exit $STATUS"; fi

run tools
if [ "$STATUS" -eq 0 ] && grep -qw ping "$work/stdout"; then
    pass "tools (tools/list) lists ping"
else
    fail "tools: exit $STATUS, or no ping in the list"
fi

run call ping
if [ "$STATUS" -eq 0 ] && grep -qx pong "$work/stdout"; then
    pass "call ping (tools/call) answers pong"
else
    fail "call ping: exit $STATUS, or the answer is not pong"
fi

# No token at all: 401, and the challenge a client needs to find out how to authenticate.
env -u MCP_AUTH_TOKEN "$client" --timeout 30 tools >"$work/stdout" 2>"$work/stderr"
STATUS=$?
if [ "$STATUS" -eq 4 ] && grep -q '(HTTP 401' "$work/stderr" && grep -q '^mcp-client: WWW-Authenticate: Bearer ' "$work/stderr"; then
    pass "without a token: exit 4, HTTP 401, $(grep -m1 'WWW-Authenticate:' "$work/stderr" | cut -c13-)"
else
    fail "without a token: exit $STATUS (want 4), or no HTTP 401 with a WWW-Authenticate: Bearer challenge"
fi

# A wrong token that API Gateway lets through to the authorizer: only the authorizer can refuse it.
wrong=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
MCP_AUTH_TOKEN=$wrong "$client" --timeout 30 tools >"$work/stdout" 2>"$work/stderr"
STATUS=$?
challenge=$(grep -m1 '^mcp-client: WWW-Authenticate: Bearer ' "$work/stderr" || true)
if [ "$STATUS" -eq 4 ] && grep -q '(HTTP 401' "$work/stderr" && [ -n "$challenge" ]; then
    pass "with a wrong token: exit 4, HTTP 401 from the authorizer, ${challenge#mcp-client: }"
else
    fail "with a wrong token: exit $STATUS (want 4), or no HTTP 401 with a WWW-Authenticate: Bearer challenge"
fi

# The metadata the challenge points to: public, JSON, about this endpoint.
metadata=$(printf '%s' "$challenge" | sed -n 's/.*resource_metadata="\([^"]*\)".*/\1/p')
if [ -z "$metadata" ]; then
    : >"$work/stdout"
    echo "the challenge names no resource_metadata" >"$work/stderr"
    fail "metadata: no resource_metadata URL in the challenge"
elif curl -sS --max-time 30 -o "$work/stdout" -w '%{http_code}' "$metadata" >"$work/code" 2>"$work/stderr" &&
    [ "$(cat "$work/code")" = 200 ] &&
    jq -e --arg endpoint "$MCP_SERVER_ENDPOINT" '.resource == $endpoint' "$work/stdout" >/dev/null 2>&1; then
    pass "metadata: $metadata answers 200, resource = the endpoint"
else
    fail "metadata: $metadata did not answer 200 with JSON whose resource is $MCP_SERVER_ENDPOINT"
fi

echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
