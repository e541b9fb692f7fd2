#!/bin/bash
# Runs every test suite against the normal build and the sanitizer build, and prints one summary.
# Usage: tests/run-all.sh BUILD_DIR ASAN_BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
asan=${2:-build-asan}
node_bin=tests/node/node_modules/.bin
passed=0
failed=0
failures=()

suite() {
  local name=$1 started=$SECONDS
  shift
  echo; echo "##### suite: $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "##### passed in $((SECONDS - started)) s: $name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "##### FAILED in $((SECONDS - started)) s: $name"
  fi
}

unit_tests() {
  local dir=$1 ok=0
  for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    "$t" || ok=1
  done
  return $ok
}

# Sanitizers: any error aborts the process (halt_on_error) and fails the suite.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0

# The arm64 images are built and tested under QEMU user emulation, which takes long (about half an hour on two
# shared cores): they start first, in the background at a lower priority, and are collected at the end, so the
# other suites run meanwhile. Bounded at 50 minutes.
arm64_log=$(mktemp)
nice -n 10 timeout 3000 tests/container/run.sh --arch arm64 >"$arm64_log" 2>&1 &
arm64_pid=$!
arm64_started=$(date +%s)
arm64_suite() {
  local status=0
  wait "$arm64_pid" || status=$?
  cat "$arm64_log"
  rm -f "$arm64_log"
  echo "(linux/arm64 container suite: $(($(date +%s) - arm64_started)) s in the background; status $status)"
  return "$status"
}

suite "adding a tool as the README says: one new file, built, listed with its schema, called" node --test tests/node/add-a-tool.test.mjs
suite "the core cannot include h2o (the HTTP front door's flags are its own)" tests/core-boundary.sh "$build"
suite "C unit tests" unit_tests "$build"
suite "C unit tests (ASan+UBSan)" unit_tests "$asan"
suite "Runtime API emulator and API Gateway shim" node --test tests/lambda/emulator.test.mjs
suite "Lambda front door, invocation by invocation: init errors, bad events, request ids, deadlines" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/lambda/server-lambda.test.mjs
suite "Lambda front door, invocation by invocation (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" node --test tests/lambda/server-lambda.test.mjs
suite "Lambda front door through the shim: SDK client and conformance (0.1.16, 2025-11-25, 2026-07-28), every event format" node tests/lambda/mcp-through-shim.mjs "$build"
suite "secrets from Secrets Manager (SigV4-verifying shim): token digests and request-state keys, rotated mid-run" env MCP_SERVER_BIN="$build/mcp-server" MCP_AUTHORIZER_BIN="$build/mcp-authorizer" node --test tests/lambda/secrets.test.mjs
suite "secrets from Secrets Manager (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" MCP_AUTHORIZER_BIN="$asan/mcp-authorizer" node --test tests/lambda/secrets.test.mjs
suite "authorizer through the Lambda emulator" tests/authorizer/run.sh "$build"
suite "authorizer through the Lambda emulator (ASan+UBSan)" tests/authorizer/run.sh "$asan"
suite "OAuth resource server end to end: oidc-provider, SDK client (authorization code + PKCE), mcp-client (client credentials), bad tokens, key rotation" tests/oauth/run.sh "$build"
suite "OAuth resource server end to end (ASan+UBSan)" tests/oauth/run.sh "$asan"
fuzz_seconds=${FUZZ_SECONDS:-30}
[ "$fuzz_seconds" -ge 30 ] 2>/dev/null || fuzz_seconds=30
suite "fuzzing every parser: 8 libFuzzer targets (mcp_handle, JSON, schema, API Gateway events, request state, HTTP response, SSE, authorizer), $fuzz_seconds s each, two at a time, crash regressions replayed (ASan+UBSan)" tests/fuzz/run.sh -j 2 "$fuzz_seconds"
suite "bad-input table" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/node/badinput.test.mjs
suite "bad-input table (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" node --test tests/node/badinput.test.mjs
suite "hostile clients and overload: hang-ups, bounds, overflow, CORS" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/node/hostile.test.mjs
suite "hostile clients and overload (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" node --test tests/node/hostile.test.mjs
suite "ThreadSanitizer: the core's tests, parallel sampling and elicitation, hang-ups mid-wait, SIGTERM during load" tests/tsan/run.sh build-tsan
suite "end-to-end with the TypeScript SDK client" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/node/e2e.test.mjs
suite "conformance 0.1.16 --suite all" env MCP_SERVER_BIN="$build/mcp-server" node tests/node/conformance.mjs
suite "conformance 0.2.0-alpha.12 --requirements 2025-11-25" env MCP_SERVER_BIN="$build/mcp-server" node tests/node/conformance.mjs --requirements 2025-11-25
suite "conformance 0.2.0-alpha.12 --requirements 2026-07-28" env MCP_SERVER_BIN="$build/mcp-server" node tests/node/conformance.mjs --requirements 2026-07-28 --allowed-failures tests/node/conformance-2026-07-28.yml
suite "sessions and state handles over HTTP (memory; DynamoDB shared by two servers), counters, expiry, the HTTP+SSE transport" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/node/sessions.test.mjs
suite "sessions and state handles over HTTP (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" node --test tests/node/sessions.test.mjs
suite "tasks extension: cancellation stops the tool, another principal's task is invisible, expiry, Mcp-Name" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/node/tasks.test.mjs
suite "tasks extension (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" node --test tests/node/tasks.test.mjs
suite "tasks on Lambda: work after the response until /next, past the integration timeout, the deadline ends a task failed; two instances sharing dynalite (get, cancel, update from the other)" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/lambda/tasks.test.mjs
suite "tasks on Lambda (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" node --test tests/lambda/tasks.test.mjs
suite "conformance 0.2.0-alpha.12 --requirements 2025-11-25 with sessions on: server-session-lifecycle must run and pass" env MCP_SERVER_BIN="$build/mcp-server" SERVER_ARGS="--sessions memory" node tests/node/conformance.mjs --requirements 2025-11-25 --require-passed server-session-lifecycle
suite "sessions on the Lambda front door: two instances sharing dynalite, every event format, conformance, 2026-07-28 handles" node tests/lambda/sessions-through-shim.mjs "$build"
suite "aws tools: count_s3_buckets against s3rver behind a SigV4-verifying proxy (pages, AccessDenied)" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/node/aws-tools.test.mjs
suite "aws tools (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" node --test tests/node/aws-tools.test.mjs
suite "registered Lambda tools over HTTP: dynalite registry, SigV4-verifying Invoke shim, Python and Node.js handlers, errors, timeouts, throttling" env MCP_SERVER_BIN="$build/mcp-server" node --test tests/node/lambda-tools.test.mjs
suite "registered Lambda tools over HTTP (ASan+UBSan)" env MCP_SERVER_BIN="$asan/mcp-server" node --test tests/node/lambda-tools.test.mjs
suite "the registry admin API (mcp-admin) behind a Function URL with AWS_IAM: create/read/list/update/delete, 400/403/404/409/412, races, allow-list" env MCP_BUILD_DIR="$build" MCP_SERVER_BIN="$build/mcp-server" node --test tests/lambda/registry-admin.test.mjs
suite "the registry admin API (ASan+UBSan)" env MCP_BUILD_DIR="$asan" MCP_SERVER_BIN="$asan/mcp-server" node --test tests/lambda/registry-admin.test.mjs
suite "registered Lambda tools on the Lambda front door (REST events, authorizer identity, the invocation's deadline)" env MCP_BUILD_DIR="$build" node --test tests/lambda/lambda-tools-through-shim.test.mjs
suite "registered Lambda tools on the Lambda front door (ASan+UBSan)" env MCP_BUILD_DIR="$asan" node --test tests/lambda/lambda-tools-through-shim.test.mjs
suite "CDK app: assertions, cdk-nag, cdk synth dev/qas/prod" bash -c 'cd cdk && npm test'
suite "GitHub Actions workflows: actionlint, shellcheck, deploy policy, deploy scripts" env MCP_BUILD_DIR="$build" bash -c 'cd tests/workflows && npm test'
suite "container images, linux/amd64 (podman: build, contents, read-only and non-root as Lambda runs them, SDK client, conformance, Lambda emulator)" tests/container/run.sh --arch amd64
suite "mcp-client against live servers" tests/client/run.sh "$build"
suite "mcp-client against live servers (ASan+UBSan)" tests/client/run.sh "$asan"
suite "IAM front door: mcp-client --aws-sigv4 and admin against peers that verify SigV4, AgentCore session headers" tests/iam/run.sh "$build"
suite "IAM front door (ASan+UBSan)" tests/iam/run.sh "$asan"
suite "mcp-client proxy driven by the SDK's stdio client (IAM and bearer front doors, sessions)" env MCP_BUILD_DIR="$build" node --test tests/iam/proxy.test.mjs
suite "mcp-client proxy driven by the SDK's stdio client (ASan+UBSan)" env MCP_BUILD_DIR="$asan" node --test tests/iam/proxy.test.mjs
suite "conformance 0.1.16 --suite all through mcp-client proxy to the IAM front door" node tests/iam/conformance-through-proxy.mjs "$build"
suite "container images, linux/arm64 under QEMU (SDK client, the authorizer's emulator suite, Lambda emulator)" arm64_suite

echo
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
