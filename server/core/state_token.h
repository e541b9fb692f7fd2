/*
 * state_token.h: the ids of sessions (Mcp-Session-Id, 2025 revisions) and of state handles (2026-07-28), one
 * format for both. A token says, under an HMAC the server alone can make, which row of the state store it
 * names, whom it belongs to, when it was made and how long it may live: so the server can tell an id it issued
 * from any other, and refuse it to another caller, without a store lookup and without writing anything when it
 * issues one (rows are made lazily, by the first write).
 *
 * Layout before base64url (67 characters of [A-Za-z0-9_-], visible ASCII as Mcp-Session-Id must be):
 *   format (1 byte) | kind ('S' session, 'H' handle) | random (16 bytes) | created, s since the epoch (8 bytes,
 *   big-endian) | idle timeout, s (4) | lifetime cap, s (4) | HMAC-SHA256(key, all of the above | owner)[0..16)
 * The owner is not in the token: it is recomputed from the caller's identity and enters the MAC, so a token
 * presented by anyone else simply fails to verify. The random part names the row ("S:<hex>"), so the store
 * never holds a usable token.
 */
#ifndef MCP_STATE_TOKEN_H
#define MCP_STATE_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define STATE_TOKEN_SESSION 'S'
#define STATE_TOKEN_HANDLE 'H'
#define STATE_TOKEN_LEN 67     /* characters of a token */
#define STATE_TOKEN_ROW_LEN 34 /* "S:" and 32 hex digits */

typedef struct st_state_token_t {
    char kind;                         /* STATE_TOKEN_SESSION or STATE_TOKEN_HANDLE */
    char row[STATE_TOKEN_ROW_LEN + 1]; /* the store's key of the token's row */
    int64_t created_s;
    uint32_t idle_s;                /* the scope ends this long after its last use ... */
    uint32_t max_s;                 /* ... and this long after it was made, at the latest */
    char text[STATE_TOKEN_LEN + 1]; /* the token itself */
} state_token_t;

/*
 * What a token is bound to: a SHA-256 of the caller's principal, taken from the identity the front door
 * established: its issuer and subject (OAuth), else principalId, principal or userArn, else the whole identity;
 * a NULL identity (no authenticating front door) is one anonymous owner.
 */
void state_token_owner(const json_value_t *identity, unsigned char out[32]);
/* Makes a new token (random from the system's CSPRNG). Returns 0, or -1 when no randomness or crypto is available. */
int state_token_mint(const unsigned char *key, size_t key_len, char kind, const unsigned char owner[32], int64_t created_s,
                     uint32_t idle_s, uint32_t max_s, state_token_t *out);
/* Verifies text as a token of that kind for that owner and fills *out. Returns 0, or -1 for anything else. */
int state_token_open(const unsigned char *key, size_t key_len, char kind, const unsigned char owner[32], const char *text,
                     size_t len, state_token_t *out);

#endif
