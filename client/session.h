/*
 * session: MCP over Streamable HTTP, from the client's side, in both eras.
 *
 * mcpc_session_connect() finds the newest revision the server and mcp-client share (negotiate.h). It
 * first probes with server/discover under the newest modern revision; a modern server answers with what
 * it supports, and the session speaks the modern era: no handshake, every request carries its revision,
 * the client's capabilities and identity in params._meta, and the metadata headers (headers.h). Any
 * answer a legacy-only server gives instead makes it fall back to the legacy era, as before: initialize
 * (offering the newest legacy revision) and notifications/initialized, then every request carries
 * MCP-Protocol-Version and the Mcp-Session-Id the server assigned, if it did. --protocol-version skips
 * the probe and speaks the revision given, in its era.
 *
 * A response may be application/json or text/event-stream; on a stream, notifications are handed to
 * on_notification as they arrive. In the legacy era a server's ping is answered and its other requests
 * (sampling, elicitation, roots) are declined with a JSON-RPC error, each answer being a separate POST;
 * in the modern era a server asks with an input_required result instead, and mcpc_session_request()
 * answers it and retries (mrtr.h).
 *
 * Errors are negative MCPC_ERR_* codes with a message from mcpc_session_error(); MCPC_ERR_AUTH also
 * leaves the server's WWW-Authenticate challenges in mcpc_session_challenges().
 */
#ifndef MCPC_SESSION_H
#define MCPC_SESSION_H

#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "http_client.h"
#include "json.h"
#include "mrtr.h"
#include "negotiate.h"

#define MCPC_MAX_MESSAGE_BYTES (32u * 1024 * 1024) /* one JSON-RPC message from the server */
#define MCPC_MAX_PAGES 1000                        /* pages of one listing */

/* A notification from the server (borrowed for the call). */
typedef void (*mcpc_on_notification_cb)(void *data, const json_value_t *message);

typedef struct st_mcpc_session_config_t {
    const char *url;
    const char *token;           /* sent as "Authorization: Bearer <token>"; NULL: none */
    const char *oauth_client_id; /* with a secret: tokens by the client credentials grant (oauth.h); NULL: none */
    const char *oauth_client_secret;
    const char *oauth_issuer;   /* the one authorization server the credentials may go to; NULL: the server's first */
    const char *const *headers; /* extra "Name: value" fields (--header) */
    size_t num_headers;
    const char *cacert; /* see http_client.h */
    int timeout_ms;
    const char *protocol_version; /* speak this revision (one of mcpc_protocol_versions); NULL: negotiate */
    const char *log_level;     /* ask for log messages at this level and above; NULL: modern: none, legacy: the server's default */
    mcpc_input_policy_t input; /* how to answer a modern server's input requests */
    FILE *trace;               /* --verbose, see http_client.h; NULL: none */
    const mcpc_http_signer_t *signer; /* --aws-sigv4 (sigv4.h); NULL: requests are not signed */
    FILE *diag;                       /* notes for the user (a declined server request, input answered); never NULL */
    mcpc_on_notification_cb on_notification;
    void *cb_data;
} mcpc_session_config_t;

typedef struct st_mcpc_session_t mcpc_session_t;

/* Returns 0, or MCPC_ERR_USAGE (a bad URL, header or --cacert) / MCPC_ERR_NOMEM with a reason in err. */
int mcpc_session_new(const mcpc_session_config_t *config, mcpc_session_t **out, char *err, size_t err_len);
/* Ends the server's session with DELETE if it assigned one (errors ignored), then frees everything. */
void mcpc_session_free(mcpc_session_t *s);

/* Negotiates the era and revision (and, in the legacy era, initializes). */
int mcpc_session_connect(mcpc_session_t *s);
/* After mcpc_session_connect(): the era, the revision, and what the server said about itself (the
 * initialize result, or the server/discover result), all owned by the session. */
mcpc_era_t mcpc_session_era(const mcpc_session_t *s);
const char *mcpc_session_version(const mcpc_session_t *s);
const json_value_t *mcpc_session_server(const mcpc_session_t *s);

/* Flags of a request. */
#define MCPC_REQUEST_PROGRESS 1 /* ask for progress notifications (params._meta.progressToken) */

typedef struct st_mcpc_request_t {
    const char *method;
    const char *params; /* a JSON object, or NULL */
    int flags;          /* MCPC_REQUEST_* */
    const json_value_t
        *input_schema; /* tools/call: the tool's inputSchema, whose x-mcp-header arguments become headers; NULL: none */
} mcpc_request_t;

/*
 * Sends a request and waits for its result, parsed into arena. In the modern era an input_required
 * result is answered and the request sent again, up to MCPC_MRTR_MAX_ROUNDS times. A JSON-RPC error
 * response returns MCPC_ERR_RPC (its code and message in the error text); in the modern era so does a
 * 4xx that carries one, except an unsupported revision (MCPC_ERR_VERSION) and a header mismatch
 * (MCPC_ERR_HTTP_STATUS).
 */
int mcpc_session_request(mcpc_session_t *s, const mcpc_request_t *req, arena_t *arena, const json_value_t **result);
/* A list method (tools/list, ...) followed through every nextCursor; *items is an array of every page's key member. */
int mcpc_session_list(mcpc_session_t *s, const char *method, const char *key, arena_t *arena, const json_value_t **items);

const char *mcpc_session_error(const mcpc_session_t *s);

/*
 * A --header option ("Name: value") as a header field borrowing line: a token for a name, no line break, not one
 * of the fields the client frames requests with (Host, Content-Length, Transfer-Encoding, Connection). Returns 0,
 * or MCPC_ERR_USAGE with the reason in err. (The proxy parses its options the same way.)
 */
int mcpc_parse_header_option(const char *line, mcpc_http_header_t *out, char *err, size_t err_len);
/* "Bearer <token>" (malloc'd into *out), or MCPC_ERR_USAGE for an empty token or one with a line break. */
int mcpc_bearer_authorization(const char *token, char **out, char *err, size_t err_len);
/* After MCPC_ERR_AUTH: each WWW-Authenticate value the server sent, cleaned, one per line ("" if none). */
const char *mcpc_session_challenges(const mcpc_session_t *s);
/* After MCPC_ERR_AUTH: the HTTP status that refused (401 or 403); 0 when the refusal came from the authorization server. */
int mcpc_session_auth_status(const mcpc_session_t *s);

#endif
