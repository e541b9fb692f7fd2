/*
 * negotiate: the protocol revisions mcp-client speaks, and how it picks one for a server.
 *
 * mcpc_protocol_versions[] is the one place that lists the revisions, newest first, each with its era:
 *   legacy  2025-03-26 .. 2025-11-25: an initialize handshake, then requests (and maybe a session);
 *   modern  2026-07-28 on: no handshake, every request carries its revision and the client's
 *           capabilities in params._meta, and server/discover says what the server supports.
 * Adding a revision is one row.
 *
 * A command starts by probing with server/discover under the newest modern revision. How the server
 * answers decides the era (mcpc_negotiate_discover()): a DiscoverResult or a modern error naming a
 * revision we share means modern; anything a legacy server answers (404, -32601, a 400 that is not a
 * modern error, a 2xx without a response, ...) means falling back to initialize exactly as a legacy-only
 * client would. These
 * decisions are pure functions of the answer, so they are unit-tested with canned answers.
 */
#ifndef MCPC_NEGOTIATE_H
#define MCPC_NEGOTIATE_H

#include "json.h"

typedef enum en_mcpc_era_t {
    MCPC_ERA_LEGACY,
    MCPC_ERA_MODERN,
} mcpc_era_t;

/*
 * A row of the revision table.
 *   version  the revision's date, as sent on the wire
 *   era      how it is spoken
 */
typedef struct st_mcpc_protocol_version_t {
    const char *version;
    mcpc_era_t era;
} mcpc_protocol_version_t;

extern const mcpc_protocol_version_t mcpc_protocol_versions[]; /* newest first; ends with a row whose version is NULL */

/* The row of version, or NULL if mcp-client does not speak it. */
const mcpc_protocol_version_t *mcpc_protocol_find(const char *version);
/* The newest revision of era, or NULL if the table has none. */
const char *mcpc_protocol_newest(mcpc_era_t era);
/* "legacy" or "modern". */
const char *mcpc_era_name(mcpc_era_t era);
/* The newest revision of era (in the table) that supported, a JSON array of strings, lists; NULL if none. */
const char *mcpc_protocol_pick(const json_value_t *supported, mcpc_era_t era);

/* JSON-RPC error codes the client sends or looks at. */
#define MCPC_JSONRPC_METHOD_NOT_FOUND -32601
#define MCPC_MCP_HEADER_MISMATCH -32020
#define MCPC_MCP_MISSING_CAPABILITY -32021
#define MCPC_MCP_UNSUPPORTED_VERSION -32022

typedef enum en_mcpc_probe_outcome_t {
    MCPC_PROBE_MODERN,       /* speak version (the answer was a DiscoverResult for it) */
    MCPC_PROBE_RETRY,        /* the server is modern but wants another revision: probe again with version */
    MCPC_PROBE_LEGACY,       /* the server is legacy-only: fall back to initialize */
    MCPC_PROBE_NO_VERSION,   /* the server is modern but shares no revision with us */
    MCPC_PROBE_MODERN_ERROR, /* the server is modern but refused the probe (header mismatch, ...) */
    MCPC_PROBE_SERVER_ERROR, /* a 5xx, a 3xx, or a 2xx result that is not an object: no era can be told */
} mcpc_probe_outcome_t;

typedef struct st_mcpc_probe_t {
    mcpc_probe_outcome_t outcome;
    const char *version; /* MODERN, RETRY: an entry of mcpc_protocol_versions */
    const char *reason;  /* a short, fixed explanation (for --verbose and error messages) */
} mcpc_probe_t;

/*
 * Classifies the answer to a server/discover probe sent with revision offered. status is the HTTP
 * status; response the parsed JSON-RPC response (an object with result or error), or NULL when the
 * body held none (a 2xx stream or body that ended without a response too). Authentication failures and
 * transport errors never get here.
 */
void mcpc_negotiate_discover(int status, const json_value_t *response, const char *offered, mcpc_probe_t *out);

#endif
