/*
 * state.h: the scopes of state (mcp.h's mcp_state_*()) as the rest of the core uses them: whether a session
 * or handle is still live, judged the one way the API and the session checks share.
 *
 * A scope is live while it is not ended, its last use is less than its idle timeout ago, and it began less
 * than its lifetime cap ago. A scope without a row (nothing written yet) counts as last used when it began.
 * Using a scope slides its expiry: the row's last use is rewritten whenever it is older than a tenth of the
 * idle timeout, so a scope lives between 0.9 and 1 times its idle timeout after its last use, at one write
 * per tenth of that timeout at most (none for a client whose session is short and that never stores
 * anything). Times are whole seconds (they travel in tokens and rows), so each bound may come up to a second
 * sooner: a scope with an idle timeout of 1 s may end milliseconds after its last use.
 */
#ifndef MCP_STATE_H
#define MCP_STATE_H

#include "core.h"
#include "state_token.h"

/* Mints a session for the caller (nothing is stored). Returns 0 or -1 (no randomness). */
int state_session_new(mcp_server_t *s, const json_value_t *identity, state_token_t *out);
/* Verifies a session id presented by the caller. Returns 0 or MCP_STATE_EINVALID. */
int state_session_open(mcp_server_t *s, const json_value_t *identity, const char *text, size_t len, state_token_t *out);
/* Whether the scope is live, and with slide, its expiry slid when due. Returns 0 or a negative MCP_STATE_E* code. */
int state_check(mcp_server_t *s, const state_token_t *tok, int slide);
/* Ends the scope (a tombstone until the scope's cap). Returns 0 or a negative MCP_STATE_E* code. */
int state_end(mcp_server_t *s, const state_token_t *tok);

#endif
