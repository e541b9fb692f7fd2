/*
 * state_key_secret: the keys that seal requestState, read from AWS Secrets Manager instead of the environment.
 *
 *   MCP_REQUEST_STATE_KEY_SECRET   the secret's ARN; its SecretString is the key in base64 (32 to 256 bytes)
 *   MCP_SECRETS_REFRESH_SECONDS    how old the keys may get before the secret is read again (default 300)
 *   MCP_SECRETS_ENDPOINT           the Secrets Manager endpoint (tests); default: the region's public one
 *
 * AWSCURRENT seals and opens, AWSPREVIOUS only opens (mcp_server_set_state_keys), so `put-secret-value` with a new
 * key rotates it without a deploy and without refusing a state in flight. A state that verifies under neither key
 * makes the secret be read again at once (at most every 10 s): an instance that has not noticed a rotation yet
 * still opens a state sealed under the new key by one that has.
 */
#ifndef MCP_STATE_KEY_SECRET_H
#define MCP_STATE_KEY_SECRET_H

#include <stddef.h>

#include "core.h"

#define STATE_KEY_SECRET_VAR "MCP_REQUEST_STATE_KEY_SECRET"

/*
 * When MCP_REQUEST_STATE_KEY_SECRET is set: reads the secret, installs its keys and the refresh into s. Returns 0
 * (also when the variable is unset), or -1 with the reason in err: the secret cannot be read, its value is not a
 * base64 key of 32 to 256 bytes, or MCP_REQUEST_STATE_KEY is set as well.
 */
int state_key_secret_start(mcp_server_t *s, char *err, size_t err_len);
/* Frees what state_key_secret_start() created; only after mcp_server_free(), the server calls back until then. */
void state_key_secret_stop(void);

#endif
