#!/usr/bin/env bash
# ci-token.sh SECRET_ARN LABEL: keeps the deploy pipeline's own entry in the stage's token-digest secret.
#
#   MCP_AUTH_TOKEN   the pipeline's bearer token (the environment's secret), from the environment only: it is
#                    never an argument, never printed, and only its SHA-256 digest leaves this script.
#
# The secret is a JSON object {"<label>": "<sha256 hex>", ...} (cdk/lib/auth-tokens-secret.ts). The pipeline owns
# exactly one entry, LABEL (ci-github-<stage>); clients' entries are never touched, and the entry that admits nobody
# (what the stack creates) is dropped once a real one exists. The token must be at least 32 characters of RFC 6750
# token68 (what API Gateway's validation regex lets through): a digest of a short token could be brute-forced.
# Prints "changed" when it wrote a new version of the secret, "unchanged" otherwise.
set -euo pipefail

arn=${1:?usage: ci-token.sh SECRET_ARN LABEL}
label=${2:?usage: ci-token.sh SECRET_ARN LABEL}
MIN_LENGTH=32
if [ -z "${MCP_AUTH_TOKEN:-}" ]; then
    echo "::error::no MCP_AUTH_TOKEN (the environment's secret)"
    exit 1
fi
printf '::add-mask::%s\n' "$MCP_AUTH_TOKEN"
token68='^[-0-9A-Za-z._~+/]+=*$'
if ! [[ $MCP_AUTH_TOKEN =~ $token68 ]]; then
    echo "::error::MCP_AUTH_TOKEN is not a bearer token (RFC 6750 token68 characters only)"
    exit 1
fi
if [ "${#MCP_AUTH_TOKEN}" -lt "$MIN_LENGTH" ]; then
    echo "::error::MCP_AUTH_TOKEN is shorter than $MIN_LENGTH characters; make one with: openssl rand -base64 32 | tr '+/' '-_' | tr -d '='"
    exit 1
fi
[[ $label =~ ^[A-Za-z0-9._-]{1,64}$ ]] || { echo "::error::bad label $label"; exit 1; }
digest=$(printf '%s' "$MCP_AUTH_TOKEN" | sha256sum | cut -d' ' -f1)
printf '::add-mask::%s\n' "$digest"

current=$(aws secretsmanager get-secret-value --secret-id "$arn" --query SecretString --output text)
if ! printf '%s' "$current" | jq -e 'type == "object" and all(.[]; type == "string")' >/dev/null 2>&1; then
    echo "::error::the secret is not a JSON object of label: digest (fix it by hand: docs/deploy.md, Tokens)"
    exit 1
fi
next=$(printf '%s' "$current" | jq -c --arg name "$label" --arg digest "$digest" \
    '. + {($name): $digest} | del(."placeholder-admits-nobody")')
if [ "$(printf '%s' "$current" | jq -cS .)" = "$(printf '%s' "$next" | jq -cS .)" ]; then
    echo unchanged
    exit 0
fi
printf '%s' "$next" | aws secretsmanager put-secret-value --secret-id "$arn" --secret-string file:///dev/stdin >/dev/null
echo changed
