#!/usr/bin/env bash
#
# bench/authorizer.sh [bench/authorizer.mjs options]: the token authorizer's cold start and decisions per second
# through the Lambda Runtime API emulator, 127.0.0.1 only: static digests, HS256, and OAuth access tokens (ES256,
# RS256) verified with keys fetched from an OpenID issuer on 127.0.0.1. Builds mcp-authorizer (Release) in build-bench/ first, as
# bench/run.sh does for the server; --no-build uses what is there. Prints figures; asserts nothing but correct answers.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
if [ "${1:-}" = --no-build ]; then
    shift
else
    echo "bench: building mcp-authorizer (Release) in $BUILD_DIR" >&2
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target mcp-authorizer >/dev/null
fi
[ -x "$BUILD_DIR/mcp-authorizer" ] || { echo "bench: $BUILD_DIR/mcp-authorizer is missing" >&2; exit 1; }
# a CA and a certificate for the OpenID issuer the OAuth figures are measured against (127.0.0.1 only)
tls=$(mktemp -d)
trap 'rm -rf "$tls"' EXIT
"$ROOT/tests/oauth/make-ca.sh" "$tls"
node "$ROOT/bench/authorizer.mjs" --bin "$BUILD_DIR/mcp-authorizer" --tls-dir "$tls" "$@"
