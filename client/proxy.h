/*
 * proxy: `mcp-client proxy`, a bridge between an MCP host that launches stdio servers (desktop assistants,
 * IDEs) and a Streamable HTTP endpoint that wants a bearer token or SigV4 (the C counterpart of AWS's
 * mcp-proxy-for-aws).
 *
 * Each line on stdin is one JSON-RPC message from the host; it is POSTed as it is, with the headers the
 * transport wants, signed or given the token per request, and every message the server sends back (the
 * response, notifications, and its own requests: sampling, elicitation, roots, ping) is written to stdout,
 * one per line, as it arrives. The host's answers to those requests are POSTed in turn. Messages are handled
 * concurrently, each on its own connection, so a tool's stream stays open while its elicitation is answered.
 *
 * Both eras pass through untouched. Legacy: the initialize result gives the revision sent as
 * MCP-Protocol-Version, and an Mcp-Session-Id the server assigns is sent back, listened on with GET when
 * the server allows it, and ended with DELETE at exit. 2026-07-28: a message's own
 * _meta["io.modelcontextprotocol/protocolVersion"] gives MCP-Protocol-Version, and Mcp-Method, Mcp-Name and
 * the x-mcp-header Mcp-Param-* headers are derived from it (a tool's inputSchema from the tools/list results
 * that pass through, or fetched when missing); input_required results are forwarded like any result.
 *
 * A request the endpoint cannot answer (network error, timeout, HTTP error, 401/403) is answered on stdout
 * with a JSON-RPC error for its id, so the host never waits for nothing. --read-only hides tools not
 * annotated readOnlyHint: true from tools/list and refuses to call them. stdin closing (or SIGTERM/SIGINT)
 * ends the proxy with status 0 after in-flight requests finish (at most a few seconds).
 */
#ifndef MCPC_PROXY_H
#define MCPC_PROXY_H

#include <stdio.h>

#include "http_client.h"

typedef struct st_mcpc_proxy_config_t {
    const char *url;
    const char *token;          /* "Authorization: Bearer <token>"; NULL: none */
    const char *const *headers; /* extra "Name: value" fields */
    size_t num_headers;
    const char *cacert;
    int timeout_ms;                   /* connecting and each wait, for every request but tools/call */
    int tool_timeout_ms;              /* each wait of a tools/call (a tool may be silent while it works) */
    int read_only;                    /* only tools annotated readOnlyHint: true */
    const mcpc_http_signer_t *signer; /* SigV4; NULL: none */
    FILE *trace;                      /* --verbose: request and response heads, credentials redacted */
    FILE *in, *out, *diag;
} mcpc_proxy_config_t;

#define MCPC_PROXY_DEFAULT_TOOL_TIMEOUT_MS 300000
#define MCPC_PROXY_MAX_IN_FLIGHT 64 /* messages being handled at once; stdin is read no further beyond it */

/* Runs until stdin ends. Returns 0, or a negative MCPC_ERR_* when it could not start (bad URL, header, --cacert). */
int mcpc_proxy_run(const mcpc_proxy_config_t *config, char *err, size_t err_len);

#endif
