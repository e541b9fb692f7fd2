/*
 * authz_issuers: the OAuth part of the configuration: MCP_OAUTH_ISSUERS (a JSON array, one object per authorization
 * server whose JWT access tokens are accepted), MCP_OAUTH_RESOURCE and the key cache settings. Like the rest of the
 * configuration, a mistake is an initialisation error whose message names the variable, the issuer's position and
 * the member; member names and URLs are not secret, but values are never echoed beyond that.
 */
#ifndef AUTHORIZER_AUTHZ_ISSUERS_H
#define AUTHORIZER_AUTHZ_ISSUERS_H

#include <stddef.h>

#include "authz.h"

#define AUTHZ_OAUTH_ISSUERS_VAR "MCP_OAUTH_ISSUERS"
#define AUTHZ_OAUTH_RESOURCE_VAR "MCP_OAUTH_RESOURCE"
#define AUTHZ_OAUTH_CA_FILE_VAR "MCP_OAUTH_CA_FILE"
#define AUTHZ_OAUTH_REFRESH_VAR "MCP_OAUTH_JWKS_REFRESH_SECONDS"
#define AUTHZ_OAUTH_MAX_AGE_VAR "MCP_OAUTH_JWKS_MAX_AGE_SECONDS"
#define AUTHZ_OAUTH_MIN_INTERVAL_VAR "MCP_OAUTH_JWKS_MIN_INTERVAL_SECONDS"
#define AUTHZ_OAUTH_FETCH_TIMEOUT_VAR "MCP_OAUTH_FETCH_TIMEOUT_MS"

/* Fills c->oauth from s (c->jwt already parsed: an OAuth issuer may not be the HS256 issuer). 0, or -1 with err. */
int authz_issuers_parse(authz_config_t *c, const authz_settings_t *s, char *err, size_t err_len);

/* Whether the header's typ value[0..len) is one the issuer accepts (RFC 7515 4.1.9: "application/" may be left out). */
int authz_issuer_typ_ok(const authz_issuer_t *iss, const char *value, size_t len);

#endif
