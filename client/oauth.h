/*
 * oauth: mcp-client as an OAuth 2.1 client of an MCP server's authorization server, for machines: the client
 * credentials grant (--oauth-client-credentials), and plain words for a 401 or 403.
 *
 * The metadata chain, from the server's own 401 (MCP authorization, RFC 9728, RFC 8414):
 *   1. the challenge: WWW-Authenticate: Bearer resource_metadata="<URL>", scope="<scopes>";
 *   2. the protected resource metadata at that URL: its "resource" must be the endpoint (same origin, a path the
 *      endpoint's starts with), and "authorization_servers" names where tokens come from;
 *   3. the authorization server's metadata: RFC 8414 (https://host/.well-known/oauth-authorization-server<path>),
 *      else OpenID Connect discovery (<issuer>/.well-known/openid-configuration); its "issuer" must be the server's
 *      URL exactly, and its "token_endpoint" an https URL;
 *   4. POST grant_type=client_credentials, the scope (the challenge's, else the metadata's scopes_supported) and the
 *      resource (RFC 8707) to the token endpoint, authenticated with client_secret_basic (or client_secret_post when
 *      that is all the server supports).
 * The client secret only ever goes to an https token endpoint, and only of the authorization server named by
 * MCP_OAUTH_ISSUER when that is set (credentials are bound to their issuer; without it, a server could point the
 * client at an authorization server of its choosing). The token is kept in memory for the life of the process, until
 * 30 seconds before expires_in runs out; nothing is written to disk. Neither the secret nor a token is ever printed.
 */
#ifndef MCPC_OAUTH_H
#define MCPC_OAUTH_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

#define MCPC_OAUTH_MAX_URL 2048
#define MCPC_OAUTH_MAX_SCOPE 1024

/* One Bearer challenge's parameters (RFC 6750 3, RFC 9728 5.1); "" when absent. */
typedef struct st_mcpc_challenge_t {
    char resource_metadata[MCPC_OAUTH_MAX_URL + 1];
    char scope[MCPC_OAUTH_MAX_SCOPE + 1];
    char error[64];
    char error_description[256];
} mcpc_challenge_t;

/*
 * The Bearer challenge among the challenges of one or more WWW-Authenticate values (lines of text, as
 * mcpc_session_challenges() gives them). Returns 0, or -1 when none is a Bearer challenge.
 */
int mcpc_challenge_parse(const char *text, mcpc_challenge_t *out);

typedef struct st_mcpc_oauth_config_t {
    const char *endpoint;      /* the MCP endpoint's URL */
    const char *client_id;     /* MCP_OAUTH_CLIENT_ID */
    const char *client_secret; /* MCP_OAUTH_CLIENT_SECRET */
    const char *issuer;        /* MCP_OAUTH_ISSUER, the only authorization server to use; NULL: the first the server names */
    const char *cacert;
    int timeout_ms;
    FILE *trace; /* --verbose: the requests and response heads, credentials redacted */
} mcpc_oauth_config_t;

typedef struct st_mcpc_oauth_t mcpc_oauth_t;

/* Returns 0 or MCPC_ERR_NOMEM. The strings are copied. */
int mcpc_oauth_new(const mcpc_oauth_config_t *config, mcpc_oauth_t **out);
/* Frees everything, wiping the secret and the token. */
void mcpc_oauth_free(mcpc_oauth_t *o);

/* "Bearer <token>" while the token is valid, NULL before there is one or once it expired. */
const char *mcpc_oauth_authorization(mcpc_oauth_t *o);
/*
 * Gets a token, following the chain from the challenges of a 401. Returns 0, or MCPC_ERR_AUTH (the server or the
 * authorization server refused: the message names which and why) or another MCPC_ERR_* for a transport failure,
 * with the message in err.
 */
int mcpc_oauth_fetch(mcpc_oauth_t *o, const char *challenges, char *err, size_t err_len);

/*
 * What a refused request asks for, in words, appended to out one "mcp-client: ..." line at a time: the error, the
 * scope to ask for, and the authorization servers (read from the protected resource metadata the challenge names,
 * when it can be had within timeout_ms), and with suggest a hint on getting a token. Nothing when there is no Bearer
 * challenge.
 */
void mcpc_oauth_describe(const char *challenges, int status, const char *endpoint, const char *cacert, int timeout_ms, int suggest,
                         buf_t *out);

#endif
