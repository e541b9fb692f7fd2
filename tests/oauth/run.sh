#!/usr/bin/env bash
# tests/oauth/run.sh [BUILD_DIR]: the OAuth 2.1 resource server end to end (tests/oauth/oauth.test.mjs): oidc-provider
# over HTTPS on 127.0.0.1 as the authorization server, and BUILD_DIR's mcp-authorizer and mcp-server (Lambda mode)
# behind the API Gateway shim, reached by the TypeScript SDK client and BUILD_DIR's mcp-client.
#
# A CA made here with the openssl CLI signs the authorization server's certificate; the authorizer trusts it through
# MCP_OAUTH_CA_FILE, mcp-client through --cacert and Node (the SDK client, fetch) through NODE_EXTRA_CA_CERTS, which
# Node only reads at start, hence this script. Needs `npm ci` in tests/oauth (make oauth-deps).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
for bin in mcp-authorizer mcp-server mcp-client; do
    if [ ! -x "$build/$bin" ]; then
        echo "tests/oauth/run.sh: $build/$bin is missing (make build, or make build-asan)" >&2
        exit 1
    fi
done
if [ ! -d tests/oauth/node_modules/oidc-provider ]; then
    echo "tests/oauth/run.sh: tests/oauth/node_modules is missing (make oauth-deps)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tests/oauth/make-ca.sh "$tmp"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
NODE_EXTRA_CA_CERTS="$tmp/ca.pem" MCP_TEST_TLS_DIR="$tmp" \
    MCP_AUTHORIZER_BIN=$(realpath "$build/mcp-authorizer") MCP_SERVER_BIN=$(realpath "$build/mcp-server") \
    MCP_CLIENT_BIN=$(realpath "$build/mcp-client") \
    node --test --test-concurrency=1 tests/oauth/oauth.test.mjs
