#!/bin/bash
# tests/client/run.sh: mcp-client against real servers, each started here on 127.0.0.1 and stopped by PID.
#
#   tests/client/run.sh [BUILD_DIR]     (default: build; $MCP_CLIENT_BIN and $MCP_SERVER_BIN override)
#
# The endpoints:
#   - the C server over HTTP (default and conformance tool sets, 3 items a page so listings paginate);
#   - the same server behind a Node reverse proxy that wants a bearer token (401/403 with WWW-Authenticate);
#   - the same server behind a Node HTTPS proxy whose certificate a CA made here with the openssl CLI signs;
#   - misbehaving servers (cut-off responses, garbage, stalls, an old protocol version);
#   - a strict 2026-07-28 server written from the specification (modern-server.mjs): discovery, the metadata and
#     x-mcp-header headers, multi round-trip requests, per-request log levels, era fallbacks;
#   - a server we did not write: the official TypeScript SDK's McpServer + StreamableHTTPServerTransport (legacy only,
#     so the client must fall back to initialize);
#   - the Lambda front door (the server binary in Lambda mode) through the Runtime API emulator and API Gateway shim.
# The C server's era is found with a server/discover probe (era_of): the checks of the era it speaks run, and the
# modern-era checks say loudly when they were not run. Each check prints "ok" or "FAIL"; the last line is
# "client: N passed, N failed", and the exit status is non-zero when anything failed. Node helpers: proxy.mjs,
# misbehave.mjs, modern-server.mjs, sdk-server.mjs (this directory).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
build=${1:-build}
CLIENT=${MCP_CLIENT_BIN:-$build/mcp-client}
SERVER=${MCP_SERVER_BIN:-$build/mcp-server}
HERE=tests/client
CALL_TIMEOUT=60 # seconds any one client run may take before it counts as hung

passed=0
failed=0
tmp=$(mktemp -d)
pids=()

# shellcheck source=tests/lib/checks.sh
. tests/lib/checks.sh
trap stop_all EXIT

# era_of URL: "modern" when the endpoint answers a server/discover probe of revision 2026-07-28 (sent as the
# specification says, with its _meta and headers) with a result listing that revision; "legacy" otherwise.
era_of() {
    node -e '
const body = { jsonrpc: "2.0", id: 1, method: "server/discover", params: { _meta: {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {} } } };
const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2026-07-28", "mcp-method": "server/discover" };
fetch(process.argv[1], { method: "POST", headers, body: JSON.stringify(body) })
    .then(async (res) => {
        const text = await res.text();
        const data = text.trimStart().startsWith("{") ? text : text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).pop();
        let msg;
        try { msg = JSON.parse(data); } catch { msg = undefined; }
        console.log(res.ok && msg?.result?.supportedVersions?.includes("2026-07-28") ? "modern" : "legacy");
    })
    .catch(() => console.log("legacy"));' "$1"
}

# not_run WHAT: a group of checks that could not run. Our server speaks 2026-07-28 (and lists the
# test_input_required_result_* tools), so this is a regression, not a reason to skip: it fails.
not_run() {
    not_ok "could not run: $1"
}

# The revision and era mcp-client must settle on with a server of that era, when it negotiates.
version_for() {
    if [ "$1" = modern ]; then echo 2026-07-28; else echo 2025-11-25; fi
}

# endpoint_suite NAME URL ERA [CLIENT OPTIONS...]: the checks every MCP endpoint serving the default tool set
# must pass, whatever is in front of it; ERA is what era_of says of the server behind it.
endpoint_suite() {
    local name=$1 url=$2 era=$3
    shift 3
    client 0 "$name: init" --url "$url" "$@" init
    out_has "$name: init shows the server and protocol" "^protocol: +$(version_for "$era")\$"
    out_has "$name: init shows the era ($era)" "^era: +$era "
    client 0 "$name: ping" --url "$url" "$@" ping
    out_has "$name: ping says pong" '^pong$'
    client 0 "$name: tools" --url "$url" "$@" tools
    out_has "$name: tools lists get_weather" '^get_weather - '
    client 0 "$name: call ping" --url "$url" "$@" call ping
    out_has "$name: call ping returns its text" 'pong'
    client 0 "$name: call get_weather city=Paris" --url "$url" "$@" call get_weather city=Paris
    out_has "$name: get_weather text" '^Paris: '
    out_has "$name: get_weather structured output shows" '"temperature": -?[0-9]'
    client 0 "$name: call get_weather --json" --url "$url" "$@" --json call get_weather city=Paris
    json_true "$name: --json result has structuredContent" 'r.structuredContent.city === "Paris" && typeof r.structuredContent.humidity === "number"'
    client 1 "$name: call get_weather without its argument" --url "$url" "$@" call get_weather
    err_has "$name: isError is reported" 'the tool reported an error'
    client 1 "$name: call an unknown tool" --url "$url" "$@" call no_such_tool
    err_has "$name: JSON-RPC error shown" 'JSON-RPC error -32602'
}

[ -x "$CLIENT" ] || fatal "client binary $CLIENT (build it first)"
[ -x "$SERVER" ] || fatal "server binary $SERVER (build it first)"
[ -d tests/node/node_modules/@modelcontextprotocol/sdk ] || fatal "the TypeScript SDK (run: cd tests/node && npm ci)"

echo "--- command line"
client 0 "--help" --help
out_has "--help documents the exit statuses" '4  authentication refused'
client 2 "no command" --url http://127.0.0.1:1/mcp
client 2 "unknown command" --url http://127.0.0.1:1/mcp frobnicate
env -u MCP_SERVER_ENDPOINT timeout "$CALL_TIMEOUT" "$CLIENT" ping >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q 'MCP_SERVER_ENDPOINT' "$tmp/err"; then ok "no endpoint (exit 2)"; else not_ok "no endpoint" "$(cat "$tmp/err")"; fi
client 2 "unknown protocol version" --url http://127.0.0.1:1/mcp --protocol-version 1999-01-01 init
client 2 "credentials in the URL" --url http://user:hunter2@127.0.0.1:1/mcp init
never_shown "credentials in the URL are not echoed" hunter2
client 2 "malformed --header" --url http://127.0.0.1:1/mcp -H 'no colon' ping
client 2 "--header cannot set Content-Length" --url http://127.0.0.1:1/mcp -H 'Content-Length: 5' ping
client 2 "--args must be an object" --url http://127.0.0.1:1/mcp call ping --args '[1]'
client 2 "--timeout must be a number" --url http://127.0.0.1:1/mcp --timeout soon ping
client 3 "nothing listening" --url http://127.0.0.1:1/mcp ping
err_has "nothing listening: message" 'cannot connect to the server'

echo "--- the C server over HTTP"
start server "$SERVER" --bind 127.0.0.1 --port 0 --toolsets default,conformance --page-size 3
url="http://127.0.0.1:$PORT/mcp"
server_era=$(era_of "$url")
echo "(the C server's era, from a server/discover probe: $server_era)"
endpoint_suite "HTTP" "$url" "$server_era"
export MCP_SERVER_ENDPOINT=$url
client 0 "endpoint from MCP_SERVER_ENDPOINT" ping
client 0 "tools --json (paginated)" --json tools
json_true "every page is listed" 'r.tools.length > 3 && r.tools.some((t) => t.name === "test_reconnection") && new Set(r.tools.map((t) => t.name)).size === r.tools.length'
client 0 "protocol 2025-11-25 (forced)" --protocol-version 2025-11-25 -v init
out_has "forced 2025-11-25: negotiated" '^protocol: +2025-11-25$'
out_has "forced 2025-11-25: legacy era" '^era: +legacy '
if grep -q 'Mcp-Method: server/discover' <<<"$ERR"; then not_ok "forced 2025-11-25: no server/discover probe" "$ERR"; else ok "forced 2025-11-25: no server/discover probe"; fi
client 0 "protocol 2025-06-18" --protocol-version 2025-06-18 init
out_has "negotiated 2025-06-18" '^protocol: +2025-06-18'
client 0 "protocol 2025-03-26" --protocol-version 2025-03-26 init
out_has "negotiated 2025-03-26" '^protocol: +2025-03-26'
client 0 "call under 2025-03-26" --protocol-version 2025-03-26 call get_weather city=Oslo
out_has "call under 2025-03-26: text" '^Oslo: '
client 0 "call test_tool_with_progress" call test_tool_with_progress
err_has "progress notifications on stderr" 'progress: 0/100'
err_has "progress notifications on stderr (last)" 'progress: 100/100'
out_has "the result after the progress" 'Tool with progress executed successfully'
client 0 "call test_tool_with_logging --log-level info" --log-level info call test_tool_with_logging
err_has "log notifications on stderr" 'log \[info\] test_tool_with_logging: Tool processing data'
# In the legacy era the server sends requests of its own on the stream; mcp-client declines them.
client 1 "legacy: sampling is declined, not hung on" --protocol-version 2025-11-25 call test_sampling prompt=hi
err_has "legacy: sampling declined: said so" "declined the server's sampling/createMessage request"
out_has "legacy: sampling declined: the server saw the refusal" 'mcp-client does not support sampling/createMessage'
client 1 "legacy: elicitation is declined" --protocol-version 2025-11-25 call test_elicitation message=hi
err_has "legacy: elicitation declined: said so" "declined the server's elicitation/create request"
client 0 "resources (paginated)" resources
out_has "resources lists test://static-text" '^test://static-text - '
out_has "resources lists the last page" '^test://watched-resource - '
client 0 "read a text resource" read test://static-text
out_has "read shows the text" 'static text resource'
client 0 "read a binary resource" read test://static-binary
out_has "read summarises binary contents" '^\[binary resource test://static-binary, image/png, [0-9]+ bytes'
client 0 "read a templated resource" read test://template/7/data
out_has "read a templated resource: contents" 'Data for ID: 7'
client 1 "read an unknown resource" read test://nothing
client 0 "templates" templates
out_has "templates lists test://template/{id}/data" '^test://template/\{id\}/data'
client 0 "prompts" prompts
out_has "prompts lists test_prompt_with_arguments" '^test_prompt_with_arguments - '
client 0 "prompt with arguments" prompt test_prompt_with_arguments arg1=42 arg2=two
out_has "prompt messages" "arg1='42', arg2='two'"
client 0 "complete a prompt argument" complete prompt test_prompt_with_arguments arg1 testV
out_has "completion values" '^testValue1$'
client 0 "complete with context" complete prompt test_prompt_with_arguments arg1 te arg2=x
client 2 "complete needs prompt or resource" complete tool x a b
client 0 "--args" call get_weather --args '{"city":"Lima","units":"imperial"}'
out_has "--args: arguments used" '^Lima: .*°F'
MCP_AUTH_TOKEN=tok-secret-verbose-1 client 0 "--verbose with a token" -v ping
err_has "--verbose shows the request" '^> POST /mcp HTTP/1.1'
err_has "--verbose redacts the token" '^> Authorization: \[redacted\]'
never_shown "--verbose never shows the token" tok-secret-verbose-1
client 0 "extra --header" -H 'X-Request-Note: from run.sh' ping

echo "--- the C server in the modern era (2026-07-28)"
if [ "$server_era" = modern ]; then
    client 0 "modern: the probe, and no initialize" -v ping
    err_has "modern: server/discover with the metadata headers" '^> Mcp-Method: server/discover$'
    err_has "modern: MCP-Protocol-Version on the probe" '^> MCP-Protocol-Version: 2026-07-28$'
    if grep -q 'Mcp-Session-Id' <<<"$ERR"; then not_ok "modern: no session" "$ERR"; else ok "modern: no session"; fi
    client 0 "modern: init --protocol-version 2026-07-28" --protocol-version 2026-07-28 init
    out_has "modern: forced 2026-07-28" '^protocol: +2026-07-28$'
    client 0 "modern: a call names the tool in Mcp-Name" -v call get_weather city=Rome
    err_has "modern: Mcp-Name" '^> Mcp-Name: get_weather$'
    out_has "modern: the call's result" '^Rome: '
    client 0 "modern: no log level, no log messages" call test_tool_with_logging
    if grep -q '^log ' <<<"$ERR"; then not_ok "modern: no log messages unless asked" "$ERR"; else ok "modern: no log messages unless asked"; fi
    client 0 "modern: --log-level debug asks for them" --log-level debug call test_tool_with_logging
    err_has "modern: log messages when asked" 'log \[info\] test_tool_with_logging: Tool processing data'
    # A tool that needs input answers input_required; mcp-client answers and sends the call again.
    client '0|1' "modern: elicitation is answered (declined) and the call retried" call test_elicitation message=hi
    err_has "modern: the elicitation round is reported" 'elicitation/create \(.*\) "hi": declined'
    client 0 "modern: --elicit accepts with content" --elicit '{"username":"ada","email":"ada@example.com"}' call test_elicitation message=hi
    err_has "modern: accepted" 'elicitation/create \(.*\) "hi": accepted with the --elicit content'
    client 1 "modern: sampling cannot be given" call test_sampling prompt=hi
    client 0 "modern: tools, for the conformance fixtures" tools
    if grep -q '^test_input_required_result_elicitation' <<<"$OUT"; then
        client 0 "MRTR: elicitation" --elicit '{"name":"Alice"}' call test_input_required_result_elicitation
        err_has "MRTR: elicitation answered under its key" 'elicitation/create \(user_name\).*accepted'
        client 0 "MRTR: roots" call test_input_required_result_list_roots
        err_has "MRTR: roots answered" 'roots/list \(.*\): answered with no roots'
        client 0 "MRTR: requestState echoed" --elicit '{"ok":true}' call test_input_required_result_request_state
        out_has "MRTR: the server validated the state" 'state-ok'
        client 0 "MRTR: multiple rounds" --elicit '{"name":"Alice","color":"blue"}' call test_input_required_result_multi_round
        err_has "MRTR: a second round" 'request 2 of at most'
        client 1 "MRTR: sampling is refused clearly" call test_input_required_result_sampling
        err_has "MRTR: sampling: said so" 'sampling'
        client 0 "MRTR: on prompts/get" --elicit '{"name":"Alice"}' prompt test_input_required_result_prompt
    else
        not_run "the multi round-trip checks on the C server's test_input_required_result_* tools: the server does not list them yet"
    fi
else
    not_run "the modern-era (2026-07-28) checks against the C server: its server/discover probe says it is legacy-only"
fi
unset MCP_SERVER_ENDPOINT

echo "--- a strict 2026-07-28 server (modern-server.mjs)"
start modern node "$HERE/modern-server.mjs"
modern_base="http://127.0.0.1:$PORT"
export MCP_SERVER_ENDPOINT=$modern_base/mcp
client 0 "mock: init" init
out_has "mock: server info from _meta" '^server: +modern-mock 1.0.0$'
out_has "mock: protocol" '^protocol: +2026-07-28$'
out_has "mock: era" '^era: +modern '
out_has "mock: supported revisions" '^supported: +2026-07-28$'
out_has "mock: instructions" '^instructions: A strict 2026-07-28 mock.$'
client 0 "mock: init --json is the discover result" --json init
json_true "mock: init --json" 'r.supportedVersions[0] === "2026-07-28" && r._meta["io.modelcontextprotocol/serverInfo"].name === "modern-mock"'
client 0 "mock: ping is server/discover" -v ping
out_has "mock: pong" '^pong$'
if grep -q '"method":"ping"\|Mcp-Method: ping' <<<"$ERR"; then not_ok "mock: no ping method (removed in 2026-07-28)" "$ERR"; else ok "mock: no ping method (removed in 2026-07-28)"; fi
client 0 "mock: tools" tools
out_has "mock: tools lists inspect" '^inspect$'
if grep -q '^bad_header' <<<"$OUT"; then not_ok "mock: an invalid x-mcp-header tool is not listed" "$OUT"; else ok "mock: an invalid x-mcp-header tool is not listed"; fi
err_has "mock: ... with a warning" 'tool bad_header is not listed: its definition is invalid'
client 3 "mock: nor called" call bad_header
err_has "mock: not called: says why" 'definition of tool bad_header is invalid'
client 0 "mock: metadata and x-mcp-header headers" --json call inspect region=us-west1 count=42 flag:=true \
    'nested:={"inner":"héllo wörld"}' note=unmirrored
json_true "mock: Mcp-Method and Mcp-Name" 'r.structuredContent.headers["mcp-method"] === "tools/call" && r.structuredContent.headers["mcp-name"] === "inspect"'
json_true "mock: Mcp-Param-* from x-mcp-header, typed" 'const h = r.structuredContent.headers; h["mcp-param-region"] === "us-west1" && h["mcp-param-count"] === "42" && h["mcp-param-flag"] === "true"'
json_true "mock: a non-ASCII value in the base64 form" 'r.structuredContent.headers["mcp-param-inner"] === "=?base64?" + Buffer.from("héllo wörld").toString("base64") + "?="'
json_true "mock: only annotated arguments are mirrored" 'Object.keys(r.structuredContent.headers).filter((k) => k.startsWith("mcp-param-")).length === 4'
json_true "mock: _meta carries the revision, capabilities and client info" 'const m = r.structuredContent.meta; m["io.modelcontextprotocol/protocolVersion"] === "2026-07-28" && m["io.modelcontextprotocol/clientInfo"].name === "mcp-client" && m["io.modelcontextprotocol/clientCapabilities"].roots !== undefined && m["io.modelcontextprotocol/clientCapabilities"].sampling === undefined && m["io.modelcontextprotocol/logLevel"] === undefined && m.progressToken !== undefined'
client 0 "mock: edge spaces and the sentinel are encoded" --json call inspect 'region= padded ' 'nested:={"inner":"=?base64?x?="}'
json_true "mock: encoded edge spaces" 'r.structuredContent.headers["mcp-param-region"] === "=?base64?IHBhZGRlZCA=?="'
json_true "mock: encoded sentinel look-alike" 'r.structuredContent.headers["mcp-param-inner"] === "=?base64?PT9iYXNlNjQ/eD89?="'
client 0 "mock: --log-level in _meta" --json --log-level notice call inspect
json_true "mock: logLevel sent" 'r.structuredContent.meta["io.modelcontextprotocol/logLevel"] === "notice"'
client 0 "mock: no log level, no log messages" call logs
if grep -q '^log ' <<<"$ERR"; then not_ok "mock: no log messages unless asked" "$ERR"; else ok "mock: no log messages unless asked"; fi
client 0 "mock: --log-level error" --log-level error call logs
err_has "mock: log messages at error and above" '^log \[error\] logs: at error$'
if grep -q '^log \[warning\]' <<<"$ERR"; then not_ok "mock: none below the level" "$ERR"; else ok "mock: none below the level"; fi
client 0 "mock: resources" resources
out_has "mock: a non-ASCII URI" '^test://café/menu'
client 0 "mock: read a non-ASCII URI" read 'test://café/menu'
out_has "mock: Mcp-Name in the base64 form" "Mcp-Name =\\?base64\\?$(printf 'test://café/menu' | base64)\\?="
client 0 "mock: MRTR roots" call roots
out_has "mock: roots answered empty" '^got 0 roots$'
err_has "mock: roots round reported" 'roots/list \(r\): answered with no roots'
client 0 "mock: MRTR elicitation declined by default" call confirm
out_has "mock: declined" '^action=decline content=null$'
client 0 "mock: --elicit cancel" --elicit cancel call confirm
out_has "mock: cancelled" '^action=cancel content=null$'
client 0 "mock: --elicit JSON accepts" --elicit '{"name":"Ada"}' call confirm
out_has "mock: accepted with the content" '^action=accept content=\{"name":"Ada"\}$'
client 0 "mock: two rounds, each answered once, state echoed" --elicit '{"name":"Ada"}' call two_rounds
out_has "mock: two rounds done" '^done after two rounds: accept$'
err_has "mock: round 2 reported" 'request 2 of at most 10'
client 1 "mock: sampling cannot be answered" call sample
err_has "mock: sampling: a clear message" 'needs sampling/createMessage .*cannot answer: mcp-client has no language model'
client 1 "mock: a server that never stops asking" call endless
err_has "mock: bounded" 'still needed input after 10 requests'
client 0 "mock: MRTR on prompts/get" --elicit '{"name":"Bo"}' prompt greet
out_has "mock: prompt completed with the answer" '^Greet Bo\.$'
client 3 "mock: a header mismatch" -H 'Mcp-Method: tools/list' ping
err_has "mock: header mismatch shown" '400 Bad Request: Header mismatch: Mcp-Method'
client 2 "mock: --elicit must be valid" --elicit '[1]' call confirm
client 3 "mock: a modern-only server refuses a forced legacy revision" --protocol-version 2025-11-25 ping
err_has "mock: initialize refused" 'the server answered initialize with 400'
client 3 "mock: no revision in common" --url "$modern_base/future" init
err_has "mock: no revision in common: says which" 'unsupported protocol version: the server speaks 2099-01-01; mcp-client speaks 2026-07-28'
client 0 "mock: -32022 listing only a legacy revision: fall back" -v --url "$modern_base/dual-legacy" init
out_has "mock: fell back to 2025-11-25" '^protocol: +2025-11-25$'
out_has "mock: legacy era" '^era: +legacy '
err_has "mock: the fallback is traced" '^\* server/discover with 2026-07-28, HTTP 400: the server supports only legacy revisions$'
unset MCP_SERVER_ENDPOINT

echo "--- bearer tokens (auth proxy)"
start auth node "$HERE/proxy.mjs" --upstream "$url" --require-token tok-good-1 --forbid-token tok-scoped-2
auth_url="http://127.0.0.1:$PORT/mcp"
MCP_AUTH_TOKEN=tok-good-1 client 0 "the right token (MCP_AUTH_TOKEN)" --url "$auth_url" init
never_shown "the right token is never printed" tok-good-1
MCP_AUTH_TOKEN=tok-good-1 client 0 "streaming through the proxy" --url "$auth_url" call test_tool_with_progress
err_has "streaming through the proxy: progress" 'progress: 50/100'
client 4 "a wrong token" --url "$auth_url" --token tok-wrong-3 ping
err_has "wrong token: refused" 'authentication refused \(HTTP 401'
err_has "wrong token: the challenge is shown" "WWW-Authenticate: Bearer resource_metadata=\"http://127.0.0.1:$PORT/.well-known/oauth-protected-resource\", error=\"invalid_token\""
never_shown "wrong token: no token printed" tok-wrong-3 tok-good-1
client 4 "a wrong token, verbose" --url "$auth_url" --token tok-wrong-3 -v ping
never_shown "wrong token, verbose: no token printed" tok-wrong-3
client 4 "no token" --url "$auth_url" ping
err_has "no token: says so" 'no token was sent'
client 4 "a token without the scope (403)" --url "$auth_url" --token tok-scoped-2 ping
err_has "403: refused" 'authentication refused \(HTTP 403'
err_has "403: the challenge is shown" 'error="insufficient_scope"'

echo "--- misbehaving servers"
start misbehave node "$HERE/misbehave.mjs"
bad="http://127.0.0.1:$PORT"
client 3 "closed mid-response (Content-Length)" --url "$bad/cut-json" ping
err_has "closed mid-response (Content-Length): message" 'server closed the connection mid-response'
client 3 "closed mid-response (event stream)" --url "$bad/cut-sse" ping
err_has "closed mid-response (event stream): message" 'server closed the connection mid-response'
client 3 "closed before responding" --url "$bad/close" ping
err_has "closed before responding: message" 'server closed the connection before responding'
client 3 "not HTTP" --url "$bad/garbage" ping
err_has "not HTTP: message" 'malformed HTTP response'
client 3 "a server that never answers" --url "$bad/stall" --timeout 0.5 ping
err_has "never answers: message" 'timed out waiting for the server'
client 3 "an HTML error page" --url "$bad/html-error" ping
err_has "HTML error page: status shown" '502 Bad Gateway'
if [[ "$ERR" != *$'\e'* ]]; then ok "control characters from the server are not printed"; else not_ok "an escape sequence reached stderr"; fi
client 3 "a stream without the response" --url "$bad/no-response" ping
err_has "a stream without the response: message" 'without the response to ping'
client 3 "an unsupported protocol version" --url "$bad/old-version" init
err_has "unsupported protocol version: message" 'unsupported protocol version \(2024-11-05\)'

echo "--- HTTPS (TLS proxy, test CA)"
if ! command -v openssl >/dev/null; then
    fatal "the openssl command is needed to make the test CA"
fi
pki="$tmp/pki"
mkdir -p "$pki"
{
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj '/CN=mcp-client test CA' \
        -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
        -keyout "$pki/ca.key" -out "$pki/ca.pem" &&
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=localhost' \
            -keyout "$pki/server.key" -out "$pki/server.csr" &&
        printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
            >"$pki/server.ext" &&
        openssl x509 -req -days 2 -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
            -extfile "$pki/server.ext" -out "$pki/server.pem"
} >"$tmp/openssl.log" 2>&1 || fatal "make the test CA" "$(cat "$tmp/openssl.log")"
start tls node "$HERE/proxy.mjs" --upstream "$url" --tls-cert "$pki/server.pem" --tls-key "$pki/server.key"
tls_url="https://localhost:$PORT/mcp"
endpoint_suite "HTTPS" "$tls_url" "$server_era" --cacert "$pki/ca.pem"
client 0 "HTTPS: streaming" --url "$tls_url" --cacert "$pki/ca.pem" call test_tool_with_progress
err_has "HTTPS: progress" 'progress: 100/100'
client 3 "HTTPS without --cacert (system store)" --url "$tls_url" ping
err_has "HTTPS without --cacert: verification fails" "TLS certificate could not be verified"
client 3 "HTTPS to a name the certificate does not list" --url "https://127.0.0.1:$PORT/mcp" --cacert "$pki/ca.pem" ping
err_has "HTTPS name mismatch: verification fails" 'TLS certificate could not be verified.*mismatch'
client 2 "--cacert that does not exist" --url "$tls_url" --cacert "$pki/missing.pem" ping
client 3 "plain HTTP to the TLS port" --url "http://localhost:$PORT/mcp" --timeout 5 ping

echo "--- a server we did not write (TypeScript SDK McpServer)"
start sdk node "$HERE/sdk-server.mjs"
sdk_url="http://127.0.0.1:$PORT/mcp"
export MCP_SERVER_ENDPOINT=$sdk_url
client 0 "SDK: init" -v init
out_has "SDK: server name" '^server: +sdk-test-server 1.0.0'
out_has "SDK: protocol" '^protocol: +2025-11-25'
out_has "SDK: legacy era" '^era: +legacy '
err_has "SDK: probed with server/discover first" '^> Mcp-Method: server/discover$'
err_has "SDK: the answer means legacy" '^\* server/discover with 2026-07-28, HTTP 400: .*legacy server'
client 3 "SDK: a forced 2026-07-28 is refused" --protocol-version 2026-07-28 ping
err_has "SDK: forced 2026-07-28: says so" 'does not speak 2026-07-28'
client 0 "SDK: protocol 2025-03-26" --protocol-version 2025-03-26 init
out_has "SDK: negotiated 2025-03-26" '^protocol: +2025-03-26'
client 0 "SDK: session id and DELETE" -v ping
err_has "SDK: the session id is sent back" '^> Mcp-Session-Id: [0-9a-f-]+$'
err_has "SDK: the session is ended" '^> DELETE /mcp HTTP/1.1'
client 0 "SDK: tools" tools
out_has "SDK: tools lists slow_count" '^slow_count$'
client 0 "SDK: numbers from key=value (schema)" call add a=2 b=40
out_has "SDK: add" '^2 \+ 40 = 42$'
out_has "SDK: structured content" '"sum": 42'
client 0 "SDK: a string that looks like a number stays a string" call echo text=123
out_has "SDK: echo" '^echo: 123 \(string\)$'
client 0 "SDK: key:=JSON" call add a:=1.5 b:=2
out_has "SDK: key:=JSON result" '= 3.5$'
client 0 "SDK: --args" call add --args '{"a": 1, "b": 2}'
out_has "SDK: --args result" '= 3$'
client 1 "SDK: isError" call fail
out_has "SDK: isError content shown" 'this tool always fails'
client 0 "SDK: progress and logs" call slow_count n=3 delay_ms=20
err_has "SDK: progress" '^progress: 3/3$'
err_has "SDK: log" '^log \[info\] slow_count: step 2$'
# Notifications are shown as they arrive: the first progress line is on stderr while the call still runs.
timeout "$CALL_TIMEOUT" "$CLIENT" call slow_count n=4 delay_ms=700 >"$tmp/stream.out" 2>"$tmp/stream.err" &
stream_pid=$!
seen=
for _ in $(seq 100); do
    if grep -q 'progress: 1/4' "$tmp/stream.err"; then
        seen=1
        break
    fi
    sleep 0.05
done
if [ -n "$seen" ] && kill -0 "$stream_pid" 2>/dev/null && ! grep -q 'progress: 4/4' "$tmp/stream.err"; then
    ok "SDK: progress is printed while the call runs"
else
    not_ok "SDK: progress is printed while the call runs" "$(cat "$tmp/stream.err")"
fi
if wait "$stream_pid" && grep -q 'counted to 4' "$tmp/stream.out"; then ok "SDK: the streamed call completes"; else not_ok "SDK: the streamed call completes"; fi
client 0 "SDK: a large, dense result" --json call series n=300000
json_true "SDK: a large, dense result: every value" 'r.structuredContent.values.length === 300000'
client 0 "SDK: the server pings the client" call ping_client
out_has "SDK: the ping was answered" 'the client answered ping'
client 1 "SDK: sampling is declined" call ask_llm
out_has "SDK: the server saw the refusal" 'sampling refused: .*does not support sampling/createMessage'
client 0 "SDK: resources" resources
out_has "SDK: resources lists memo://readme" '^memo://readme - Read me'
client 0 "SDK: read" read memo://readme
out_has "SDK: read text" 'built with the TypeScript SDK'
client 0 "SDK: templates" templates
out_has "SDK: templates lists greeting://{name}" '^greeting://\{name\} - Greeting'
client 0 "SDK: read from a template" read greeting://Ada
out_has "SDK: read from a template: text" '^Hello, Ada!$'
client 0 "SDK: prompts" prompts
out_has "SDK: prompts lists greet" '^greet - Greet'
client 0 "SDK: prompt" prompt greet name=Bob
out_has "SDK: prompt message" '^Please greet Bob\.$'
client 0 "SDK: complete a prompt argument" complete prompt greet name A
out_has "SDK: prompt completions" '^Alan$'
client 0 "SDK: complete a template variable" complete resource 'greeting://{name}' name G
out_has "SDK: template completions" '^Grace$'
client 0 "SDK: --json listing" --json tools
json_true "SDK: --json listing is every tool" 'r.tools.length === 7'
unset MCP_SERVER_ENDPOINT

# ---- Lambda front door through the API Gateway shim ----------------------------------------------------------------
# The server binary in Lambda mode behind the Runtime API emulator and a REST API shim (tests/lambda/); the shim
# prints its URL (with the stage, /dev/mcp) as the first line of its output.
# Every instance behind the endpoint must seal requestState with the same key, or a retry could meet another one.
state_key=$(head -c 32 /dev/urandom | base64 -w0)
node tests/lambda/apigw-shim.mjs --format rest --stage dev --env MCP_PAGE_SIZE=3 --env MCP_TOOLSETS=default,conformance \
    --env "MCP_REQUEST_STATE_KEY=$state_key" -- "$SERVER" \
    >"$tmp/apigw.log" 2>"$tmp/apigw.err" &
pids+=("$!")
lambda_url=
for _ in $(seq 100); do
    lambda_url=$(head -n 1 "$tmp/apigw.log" | grep -oE '^http://127\.0\.0\.1:[0-9]+/dev/mcp$' || true)
    [ -n "$lambda_url" ] && break
    sleep 0.1
done
[ -n "$lambda_url" ] || fatal "start the API Gateway shim" "$(cat "$tmp/apigw.log" "$tmp/apigw.err")"
lambda_era=$(era_of "$lambda_url")
echo "(the Lambda front door's era, from a server/discover probe: $lambda_era)"
endpoint_suite "Lambda via API Gateway (REST)" "$lambda_url" "$lambda_era"
if [ "$lambda_era" = modern ]; then
    # the point of multi round-trip requests: input from the client, on a front door that keeps nothing between requests
    client 0 "Lambda: an elicitation through MRTR" --url "$lambda_url" --elicit '{"username":"ada","email":"ada@example.com"}' \
        call test_elicitation message=hi
    err_has "Lambda: the elicitation round" 'elicitation/create \(.*\) "hi": accepted with the --elicit content'
    client 0 "Lambda: forced legacy still works" --url "$lambda_url" --protocol-version 2025-11-25 init
    out_has "Lambda: forced legacy" '^protocol: +2025-11-25$'
else
    not_run "the modern-era (2026-07-28) checks through the Lambda front door: its server/discover probe says it is legacy-only"
fi

summary
