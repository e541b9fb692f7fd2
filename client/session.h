/*
 * session: MCP over Streamable HTTP, from the client's side.
 *
 * mcpc_session_initialize() negotiates the protocol revision (offering the newest in
 * mcpc_protocol_versions, or the one asked for, and accepting any revision in that list) and sends
 * notifications/initialized. Every later request carries MCP-Protocol-Version, the Mcp-Session-Id the
 * server assigned (if it did: a stateless server does not), the bearer token and the extra headers.
 * A response may be application/json or text/event-stream; on a stream, notifications are handed to
 * on_notification as they arrive, a server's ping is answered, and other server requests (sampling,
 * elicitation, roots) are declined with a JSON-RPC error, each answer being a separate POST.
 *
 * Errors are negative MCPC_ERR_* codes with a message from mcpc_session_error(); MCPC_ERR_AUTH also
 * leaves the server's WWW-Authenticate challenges in mcpc_session_challenges().
 */
#ifndef MCPC_SESSION_H
#define MCPC_SESSION_H

#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "json.h"

/* The protocol revisions mcp-client speaks, newest first, NULL-terminated. A new revision is one more line. */
extern const char *const mcpc_protocol_versions[];

#define MCPC_MAX_MESSAGE_BYTES (32u * 1024 * 1024) /* one JSON-RPC message from the server */
#define MCPC_MAX_PAGES 1000                        /* pages of one listing */

/* A notification from the server (borrowed for the call). */
typedef void (*mcpc_on_notification_cb)(void *data, const json_value_t *message);

typedef struct st_mcpc_session_config_t {
    const char *url;
    const char *token;          /* sent as "Authorization: Bearer <token>"; NULL: none */
    const char *const *headers; /* extra "Name: value" fields (--header) */
    size_t num_headers;
    const char *cacert; /* see http.h */
    int timeout_ms;
    const char *protocol_version; /* the revision to offer; NULL: the newest */
    FILE *trace;                  /* --verbose, see http.h; NULL: none */
    FILE *diag;                   /* warnings (a declined server request); never NULL */
    mcpc_on_notification_cb on_notification;
    void *cb_data;
} mcpc_session_config_t;

typedef struct st_mcpc_session_t mcpc_session_t;

/* Flags for mcpc_session_request(). */
#define MCPC_REQUEST_PROGRESS 1 /* ask for progress notifications (params._meta.progressToken) */

/* Returns 0, or MCPC_ERR_USAGE (a bad URL, header or --cacert) / MCPC_ERR_NOMEM with a reason in err. */
int mcpc_session_new(const mcpc_session_config_t *config, mcpc_session_t **out, char *err, size_t err_len);
/* Ends the server's session with DELETE if it assigned one (errors ignored), then frees everything. */
void mcpc_session_free(mcpc_session_t *s);

int mcpc_session_initialize(mcpc_session_t *s);
/* After mcpc_session_initialize(): the initialize result and the negotiated revision (owned by the session). */
const json_value_t *mcpc_session_server(const mcpc_session_t *s);
const char *mcpc_session_version(const mcpc_session_t *s);

/*
 * Sends a request and waits for its response. params_json is a JSON object or NULL; the result is
 * parsed into arena. A JSON-RPC error response returns MCPC_ERR_RPC (its code and message in the error text).
 */
int mcpc_session_request(mcpc_session_t *s, const char *method, const char *params_json, int flags, arena_t *arena,
                         const json_value_t **result);
/* A list method (tools/list, ...) followed through every nextCursor; *items is an array of every page's key member. */
int mcpc_session_list(mcpc_session_t *s, const char *method, const char *key, arena_t *arena, const json_value_t **items);

const char *mcpc_session_error(const mcpc_session_t *s);
/* After MCPC_ERR_AUTH: each WWW-Authenticate value the server sent, cleaned, one per line ("" if none). */
const char *mcpc_session_challenges(const mcpc_session_t *s);

#endif
