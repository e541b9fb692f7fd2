#!/bin/bash
# tests/iam/run.sh: IAM as a front door, and mcp-client signing with SigV4, against local peers that check every
# signature (they sign each request again with @smithy/signature-v4):
#   - the server in Lambda mode behind a Function URL with AuthType AWS_IAM (rig.mjs: RESPONSE_STREAM, two
#     instances, dynalite for the pending answers): init, tools, a call with progress, elicitation and sampling
#     answers in both eras, the caller's ARN seen by the whoami tool; with credentials from the environment, from
#     the shared files (profiles), and from a container credentials endpoint;
#   - refusals as AWS gives them: no signature, wrong secret, unknown key, expired token, a principal without
#     permission, wrong region or service; a man in the middle that alters the body or a signed header or replays
#     a stale request; and mcp-client's own refusals (no credentials, plain http to another host, --token too);
#   - mcp-client admin against a fake of the registry's admin API (admin-fake.mjs): 201/200/204/400/404/409/412/403;
#   - AgentCore Runtime's session headers on the stateless server, over HTTP and Lambda.
#
#   tests/iam/run.sh [BUILD_DIR]     (default: build; needs tests/node/node_modules: make node-deps)
# The last line is "iam: N passed, N failed"; the exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
build=${1:-build}
CLIENT=${MCP_CLIENT_BIN:-$build/mcp-client}
SERVER=${MCP_SERVER_BIN:-$build/mcp-server}
HERE=tests/iam
CALL_TIMEOUT=60
SUITE_NAME=iam
REGION=eu-west-1 # rig.mjs's

passed=0
failed=0
tmp=$(mktemp -d)
pids=()
# shellcheck source=tests/lib/checks.sh
. tests/lib/checks.sh
trap stop_all EXIT

[ -x "$CLIENT" ] || fatal "client binary $CLIENT (build it first)"
[ -x "$SERVER" ] || fatal "server binary $SERVER (build it first)"
[ -d tests/node/node_modules/@smithy/signature-v4 ] || fatal "@smithy/signature-v4 (run: make node-deps)"

# Every credential the "account" knows, and who each one is. The shim and the admin fake read this for every
# request, so keys can be rotated and expired while they run.
cat >"$tmp/keys.json" <<'EOF'
[
  {"accessKeyId": "AKIDIAMENV", "secretAccessKey": "env-secret-Zq7wV3nL", "accountId": "111122223333",
   "userArn": "arn:aws:iam::111122223333:user/ada", "userId": "AIDAADA"},
  {"accessKeyId": "ASIAIAMSESSION", "secretAccessKey": "session-secret-Hk2", "sessionToken": "session-token-Pq9xYv",
   "accountId": "111122223333", "userArn": "arn:aws:sts::111122223333:assumed-role/agent/run-1", "userId": "AROAAGENT:run-1"},
  {"accessKeyId": "AKIDPROFILE", "secretAccessKey": "profile-secret-Ww4", "accountId": "444455556666",
   "userArn": "arn:aws:iam::444455556666:user/profile-user", "userId": "AIDAPROFILE"},
  {"accessKeyId": "ASIACONTAINER", "secretAccessKey": "container-secret-Rr5", "sessionToken": "container-token-Ss6",
   "accountId": "111122223333", "userArn": "arn:aws:sts::111122223333:assumed-role/ecs-task/abc", "userId": "AROAECS:abc"},
  {"accessKeyId": "ASIAEXPIRED", "secretAccessKey": "expired-secret", "sessionToken": "expired-token", "expired": true,
   "accountId": "111122223333", "userArn": "arn:aws:sts::111122223333:assumed-role/agent/old", "userId": "AROAAGENT:old"},
  {"accessKeyId": "AKIDDENIED", "secretAccessKey": "denied-secret", "allowed": false, "accountId": "777788889999",
   "userArn": "arn:aws:iam::777788889999:user/mallory", "userId": "AIDAMALLORY"}
]
EOF
# No AWS variable of the caller's leaks into the checks; HOME has no ~/.aws.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION \
    AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE MCP_AUTH_TOKEN MCP_SERVER_ENDPOINT
export HOME="$tmp/home"
mkdir -p "$HOME"
env_creds=(AWS_ACCESS_KEY_ID=AKIDIAMENV AWS_SECRET_ACCESS_KEY=env-secret-Zq7wV3nL)
session_creds=(AWS_ACCESS_KEY_ID=ASIAIAMSESSION AWS_SECRET_ACCESS_KEY=session-secret-Hk2 AWS_SESSION_TOKEN=session-token-Pq9xYv)

# with ENV... -- ARGS: mcp-client under extra environment variables (client's checks, by name)
signed() {
    local want=$1 name=$2
    shift 2
    local vars=()
    while [ "$1" != -- ]; do
        vars+=("$1")
        shift
    done
    shift
    env "${vars[@]}" timeout "$CALL_TIMEOUT" "$CLIENT" "$@" >"$tmp/out" 2>"$tmp/err"
    local status=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
    if [[ "$status" =~ ^($want)$ ]]; then ok "$name (exit $status)"; else not_ok "$name: exit $status, expected $want" "$ERR"; fi
}

# start_url NAME COMMAND...: like start, for a command that prints its URL as the first line; sets URL.
start_url() {
    local name=$1
    shift
    "$@" >"$tmp/$name.log" 2>"$tmp/$name.err" &
    pids+=("$!")
    URL=
    for _ in $(seq 200); do
        URL=$(head -n 1 "$tmp/$name.log" | grep -oE '^http://127\.0\.0\.1:[0-9]+/[^ ]*$' || true)
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    fatal "start $name" "$(cat "$tmp/$name.log" "$tmp/$name.err")"
}

echo "--- mcp-client's own refusals"
client 2 "--aws-region without --aws-sigv4" --url http://127.0.0.1:1/mcp --aws-region eu-west-1 ping
signed 2 "--aws-sigv4 with --token" "${env_creds[@]}" -- --url http://127.0.0.1:1/mcp --aws-sigv4 --aws-service lambda --token t ping
err_has "--aws-sigv4 with --token: says why" 'cannot be sent too'
signed 2 "--aws-sigv4 over plain http to another host" "${env_creds[@]}" -- --url http://mcp.example.com/mcp --aws-sigv4 ping
err_has "plain http: says why" 'needs https'
signed 2 "--aws-sigv4 to a host that names no service" "${env_creds[@]}" -- --url https://mcp.example.com/mcp --aws-sigv4 ping
err_has "no service: says what to give" 'give --aws-service'
signed 4 "--aws-sigv4 without credentials" AWS_REGION=eu-west-1 -- --url https://abc.lambda-url.eu-west-1.on.aws/mcp --aws-sigv4 ping
err_has "no credentials: where it looked" 'no usable AWS credentials: no AWS credentials: none in the environment.*container endpoint'
signed 4 "half a key pair" AWS_ACCESS_KEY_ID=AKIDIAMENV -- --url https://abc.lambda-url.eu-west-1.on.aws/mcp --aws-sigv4 ping
err_has "half a key pair: says which" 'AWS_SECRET_ACCESS_KEY is not'

echo "--- a Function URL with AuthType AWS_IAM (the server in Lambda mode, RESPONSE_STREAM)"
start_url iam node "$HERE/rig.mjs" iam --keys "$tmp/keys.json" --build "$build"
iam_url=$URL
sig=(--url "$iam_url" --aws-sigv4 --aws-service lambda --aws-region "$REGION")
client 4 "no signature at all" --url "$iam_url" ping
err_has "no signature: AWS's answer" 'HTTP 403.*Missing Authentication Token'
signed 0 "environment credentials: init" "${env_creds[@]}" -- "${sig[@]}" init
out_has "init: the server" '^server: +mcp-lambda-c'
signed 0 "environment credentials: tools" "${env_creds[@]}" -- "${sig[@]}" tools
out_has "tools lists whoami" '^whoami - '
signed 0 "a call" "${env_creds[@]}" -- "${sig[@]}" call get_weather city=Paris
out_has "a call: its result" '^Paris: '
signed 0 "a call with progress" "${env_creds[@]}" -- "${sig[@]}" call test_tool_with_progress
err_has "progress notifications arrive" 'progress: 50/100'
out_has "the result after the progress" 'Tool with progress executed successfully'
signed 0 "the tool sees the caller (whoami)" "${env_creds[@]}" -- "${sig[@]}" --json call whoami
json_true "whoami: the caller's ARN, account and user id" 'const s = r.structuredContent; s.principal === "arn:aws:iam::111122223333:user/ada" && s.userArn === s.principal && s.accountId === "111122223333" && s.userId === "AIDAADA"'
json_true "whoami: no access key id" '!("accessKey" in r.structuredContent)'
signed 0 "session credentials, verbose" "${session_creds[@]}" -- "${sig[@]}" -v call whoami
out_has "session credentials: the assumed role" 'caller: arn:aws:sts::111122223333:assumed-role/agent/run-1'
err_has "verbose: what signs" '^\* signing with AWS SigV4: service lambda, region eu-west-1, credentials from environment'
err_has "verbose: the MCP headers are sent" '^> Mcp-Name: whoami$'
err_has "verbose: Authorization redacted" '^> Authorization: \[redacted\]$'
err_has "verbose: the session token redacted" '^> X-Amz-Security-Token: \[redacted\]$'
never_shown "verbose: no secret, no session token" session-secret-Hk2 session-token-Pq9xYv
# 2026-07-28: a tool's questions come back as input_required results, answered on the retry (signed again)
signed 0 "2026-07-28: elicitation answered through the retry" "${env_creds[@]}" -- "${sig[@]}" \
    --elicit '{"username":"ada","email":"ada@example.com"}' call test_elicitation message=hi
err_has "2026-07-28: the elicitation round" 'elicitation/create \(.*\) "hi": accepted with the --elicit content'
signed 1 "2026-07-28: sampling cannot be given" "${env_creds[@]}" -- "${sig[@]}" call test_sampling prompt=hi
err_has "2026-07-28: sampling: said so" 'sampling'
# 2025-11-25: the tool asks on the stream, the answer is a signed POST that another instance may receive
signed 1 "2025-11-25: sampling declined on the stream" "${env_creds[@]}" -- "${sig[@]}" --protocol-version 2025-11-25 \
    call test_sampling prompt=hi
out_has "2025-11-25: the server saw the refusal" 'mcp-client does not support sampling/createMessage'
signed '0|1' "2025-11-25: elicitation declined on the stream" "${env_creds[@]}" -- "${sig[@]}" --protocol-version 2025-11-25 \
    call test_elicitation message=hi
err_has "2025-11-25: elicitation declined: said so" "declined the server's elicitation/create request"
signed 0 "2025-11-25: progress" "${env_creds[@]}" -- "${sig[@]}" --protocol-version 2025-11-25 call test_tool_with_progress
err_has "2025-11-25: progress arrives" 'progress: 100/100'

echo "--- credentials from the shared files"
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = AKIDIAMENV\naws_secret_access_key = env-secret-Zq7wV3nL\n[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret-Ww4\n' \
    >"$HOME/.aws/credentials"
printf '[profile ops]\nregion = %s\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret-Ww4\n[profile sso-user]\nsso_session = corp\n' \
    "$REGION" >"$HOME/.aws/config"
signed 0 "the default profile" HOME="$HOME" -- "${sig[@]}" call whoami
out_has "the default profile: its user" 'caller: arn:aws:iam::111122223333:user/ada'
signed 0 "--aws-profile dev" HOME="$HOME" -- "${sig[@]}" --aws-profile dev call whoami
out_has "--aws-profile dev: its user" 'caller: arn:aws:iam::444455556666:user/profile-user'
signed 0 "AWS_PROFILE=ops (config file), its region" AWS_PROFILE=ops -- --url "$iam_url" --aws-sigv4 --aws-service lambda -v call whoami
out_has "AWS_PROFILE=ops: its user" 'caller: arn:aws:iam::444455556666:user/profile-user'
err_has "AWS_PROFILE=ops: the profile's region" 'region eu-west-1, credentials from profile ops'
signed 4 "a profile that signs in with SSO" -- "${sig[@]}" --aws-profile sso-user ping
err_has "SSO profile: the workaround" 'aws configure export-credentials --profile sso-user'
signed 4 "an unknown profile" -- "${sig[@]}" --aws-profile nobody ping
err_has "unknown profile: says so" 'no credentials for profile nobody'
never_shown "no secret from the files is printed" profile-secret-Ww4 env-secret-Zq7wV3nL
rm -rf "$HOME/.aws"

echo "--- credentials from a container credentials endpoint"
printf '{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"container-secret-Rr5","Token":"container-token-Ss6"}\n' >"$tmp/container.json"
start containers node "$HERE/container-credentials.mjs" --token container-auth-Tt7 --credentials "$tmp/container.json"
creds_url="http://127.0.0.1:$PORT/creds"
printf 'container-auth-Tt7\n' >"$tmp/container-token"
signed 0 "FULL_URI with a token file" AWS_CONTAINER_CREDENTIALS_FULL_URI="$creds_url" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$tmp/container-token" -- "${sig[@]}" -v call whoami
out_has "container: the task role" 'caller: arn:aws:sts::111122223333:assumed-role/ecs-task/abc'
err_has "container: where they came from" 'credentials from container credentials endpoint'
never_shown "container: no secret, token or authorization token printed" container-secret-Rr5 container-token-Ss6 container-auth-Tt7
signed 4 "a wrong authorization token for the endpoint" AWS_CONTAINER_CREDENTIALS_FULL_URI="$creds_url" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong -- "${sig[@]}" ping
err_has "wrong endpoint token: the endpoint's answer" 'container credentials endpoint answered HTTP 403'
signed 4 "FULL_URI to a host that is neither https nor local" AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.169.254/creds \
    -- "${sig[@]}" ping
err_has "FULL_URI refused: says why" 'must be https'

echo "--- refusals, as AWS answers them"
signed 4 "a wrong secret key" AWS_ACCESS_KEY_ID=AKIDIAMENV AWS_SECRET_ACCESS_KEY=not-the-secret -- "${sig[@]}" ping
err_has "wrong secret: AWS's message and error type" 'HTTP 403 Forbidden\): The request signature we calculated does not match .*\[InvalidSignatureException\]'
err_has "wrong secret: a hint" 'check the credentials, --aws-service, --aws-region'
never_shown "wrong secret: not printed" not-the-secret
signed 4 "an unknown access key" AWS_ACCESS_KEY_ID=AKIDNOBODY AWS_SECRET_ACCESS_KEY=x -- "${sig[@]}" ping
err_has "unknown key: AWS's message" 'The security token included in the request is invalid\. \[UnrecognizedClientException\]'
signed 4 "an expired session token" AWS_ACCESS_KEY_ID=ASIAEXPIRED AWS_SECRET_ACCESS_KEY=expired-secret AWS_SESSION_TOKEN=expired-token -- \
    "${sig[@]}" ping
err_has "expired token: AWS's message" 'The security token included in the request is expired \[ExpiredTokenException\]'
signed 4 "a principal the function's policy does not name" AWS_ACCESS_KEY_ID=AKIDDENIED AWS_SECRET_ACCESS_KEY=denied-secret -- \
    "${sig[@]}" ping
err_has "no permission: Forbidden" 'Forbidden\. For troubleshooting Function URL authorization issues'
signed 4 "the wrong region" "${env_creds[@]}" -- --url "$iam_url" --aws-sigv4 --aws-service lambda --aws-region us-west-2 ping
err_has "wrong region: AWS's message" 'Credential should be scoped to a valid region'
signed 4 "the wrong service" "${env_creds[@]}" -- --url "$iam_url" --aws-sigv4 --aws-service execute-api --aws-region "$REGION" ping
err_has "wrong service: AWS's message" "Credential should be scoped to correct service: 'lambda'"

echo "--- a man in the middle"
for mode in none body header date; do
    start "tamper-$mode" node "$HERE/tamper.mjs" --upstream "$iam_url" --mode "$mode"
    eval "tamper_$mode=http://127.0.0.1:$PORT/mcp"
done
# shellcheck disable=SC2154 # set by eval above
{
    signed 0 "through an honest hop" "${env_creds[@]}" -- --url "$tamper_none" --aws-sigv4 --aws-service lambda --aws-region "$REGION" \
        call get_weather city=Paris
    out_has "honest hop: the result" '^Paris: '
    signed 4 "an altered body" "${env_creds[@]}" -- --url "$tamper_body" --aws-sigv4 --aws-service lambda --aws-region "$REGION" \
        call get_weather city=Paris
    err_has "altered body: refused" 'signature we calculated does not match'
    signed 4 "an altered signed header" "${env_creds[@]}" -- --url "$tamper_header" --aws-sigv4 --aws-service lambda \
        --aws-region "$REGION" call ping
    err_has "altered header: refused" 'signature we calculated does not match'
    signed 4 "a stale X-Amz-Date (20 minutes)" "${env_creds[@]}" -- --url "$tamper_date" --aws-sigv4 --aws-service lambda \
        --aws-region "$REGION" ping
    err_has "stale date: refused" 'Signature expired: [0-9T]+Z is now earlier than'
}

echo "--- mcp-client admin (the registry's admin API; a fake that verifies every signature)"
start admin node "$HERE/admin-fake.mjs" --keys "$tmp/keys.json" --region "$REGION"
admin=(--admin-url "http://127.0.0.1:$PORT/" --aws-service lambda --aws-region "$REGION")
cat >"$tmp/tool.json" <<'EOF'
{"name": "lookup_order", "description": "Looks an order up", "lambdaArn": "arn:aws:lambda:eu-west-1:111122223333:function:lookup",
 "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
 "annotations": {"readOnlyHint": true}}
EOF
sed 's/Looks an order up/Looks an order up, faster/' "$tmp/tool.json" >"$tmp/tool-v2.json"
sed 's/"type": "object", "properties"/"type": "array", "properties"/' "$tmp/tool.json" >"$tmp/bad-tool.json"
client 2 "admin without an endpoint" admin list
err_has "admin without an endpoint: says how" 'MCP_ADMIN_ENDPOINT'
signed 0 "admin register (201)" "${env_creds[@]}" -- "${admin[@]}" admin register "$tmp/tool.json"
out_has "register: the record, version 1" '"version": 1'
out_has "register: who made it" '"createdBy": "arn:aws:iam::111122223333:user/ada"'
signed 1 "admin register again (409)" "${env_creds[@]}" -- "${admin[@]}" admin register "$tmp/tool.json"
err_has "409: says it exists" 'HTTP 409 Conflict: tool lookup_order already exists'
signed 1 "admin register a bad schema (400)" "${env_creds[@]}" -- "${admin[@]}" admin register "$tmp/bad-tool.json"
err_has "400: what and where (JSON pointer)" 'HTTP 400 Bad Request: the input schema of a tool must have type "object" \(at /inputSchema/type\)'
signed 0 "admin show (200)" "${env_creds[@]}" -- "${admin[@]}" --json admin show lookup_order
json_true "show: the record" 'r.name === "lookup_order" && r.version === 1'
signed 1 "admin show an unknown name (404)" "${env_creds[@]}" -- "${admin[@]}" admin show nothing_here
err_has "404: says so" 'HTTP 404 Not Found: no tool nothing_here'
signed 0 "admin update with the version (200)" "${session_creds[@]}" -- "${admin[@]}" admin update lookup_order "$tmp/tool-v2.json" --if-match 1
out_has "update: version 2" '"version": 2'
out_has "update: who changed it" '"updatedBy": "arn:aws:sts::111122223333:assumed-role/agent/run-1"'
signed 1 "admin update with a stale version (412)" "${env_creds[@]}" -- "${admin[@]}" admin update lookup_order "$tmp/tool.json" --if-match 1
err_has "412: the version it is at now" 'HTTP 412 Precondition Failed: .*now at version "2"'
for i in $(seq -w 1 101); do
    sed "s/lookup_order/bulk_$i/" "$tmp/tool.json" >"$tmp/bulk.json"
    env "${env_creds[@]}" "$CLIENT" "${admin[@]}" admin register "$tmp/bulk.json" >/dev/null 2>"$tmp/err" || break
done
signed 0 "admin list follows every page" "${env_creds[@]}" -- "${admin[@]}" --json admin list
json_true "list: all 102 tools across two pages" 'r.items.length === 102 && new Set(r.items.map((i) => i.name)).size === 102'
signed 0 "admin list, for a person" "${env_creds[@]}" -- "${admin[@]}" admin list
out_has "list: a line per record" '^lookup_order  version 2  Looks an order up, faster$'
signed 0 "admin --kind prompt register" "${env_creds[@]}" -- "${admin[@]}" --kind prompt admin register "$tmp/tool.json"
signed 0 "admin delete (204)" "${env_creds[@]}" -- "${admin[@]}" admin delete lookup_order --if-match 2
out_has "delete: said so" '^deleted tool lookup_order$'
signed 1 "admin delete again (404)" "${env_creds[@]}" -- "${admin[@]}" admin delete lookup_order
signed 4 "admin with a wrong key (403)" AWS_ACCESS_KEY_ID=AKIDIAMENV AWS_SECRET_ACCESS_KEY=nope -- "${admin[@]}" admin list
err_has "admin 403: AWS's message" 'signature we calculated does not match'
signed 2 "admin: a file that is not a JSON object" "${env_creds[@]}" -- "${admin[@]}" admin register "$tmp/keys.json"

echo "--- AgentCore Runtime: its session headers reach a stateless server"
agentcore=(-H 'Mcp-Session-Id: agentcore-4f1c2b' -H 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: rt-session-7a9d')
start http "$SERVER" --bind 127.0.0.1 --port 0 --toolsets default
http_url="http://127.0.0.1:$PORT/mcp"
for era in 2026-07-28 2025-11-25; do
    client 0 "HTTP, $era: a call with the platform's headers" --url "$http_url" --protocol-version "$era" "${agentcore[@]}" \
        call get_weather city=Paris
    out_has "HTTP, $era: served" '^Paris: '
    signed 0 "Lambda (IAM), $era: a call with the platform's headers" "${env_creds[@]}" -- "${sig[@]}" --protocol-version "$era" \
        "${agentcore[@]}" call get_weather city=Paris
    out_has "Lambda, $era: served" '^Paris: '
done
# The raw exchange AgentCore makes: initialize with a session id the server never issued, then a call with it.
if node -e '
const url = process.argv[1];
const headers = { "content-type": "application/json", accept: "application/json, text/event-stream",
    "mcp-session-id": "agentcore-4f1c2b", "x-amzn-bedrock-agentcore-runtime-session-id": "rt-session-7a9d" };
const post = (body, extra = {}) => fetch(url, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body) });
(async () => {
    const init = await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "agentcore-like", version: "1" } } });
    const call = await post({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "ping", arguments: {} } }, { "mcp-protocol-version": "2025-11-25" });
    const text = await call.text();
    process.exit(init.status === 200 && !init.headers.get("mcp-session-id") && call.status === 200 && text.includes("pong") ? 0 : 1);
})().catch(() => process.exit(1));' "$http_url"; then
    ok "AgentCore: an unknown Mcp-Session-Id is served, none is issued"
else
    not_ok "AgentCore: an unknown Mcp-Session-Id is served, none is issued"
fi

summary
