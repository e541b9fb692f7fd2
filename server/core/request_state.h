/*
 * request_state.h: the requestState a 2026-07-28 client carries between the rounds of a multi
 * round-trip request (input_required.h), sealed with HMAC-SHA256 so that the server keeps nothing.
 */
#ifndef MCP_REQUEST_STATE_H
#define MCP_REQUEST_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

#define REQUEST_STATE_MALFORMED -1 /* not base64url, too short, or an unknown format */
#define REQUEST_STATE_FORGED -2    /* the MAC does not match: tampered, another key, or another request */
#define REQUEST_STATE_EXPIRED -3
/*
 * What a requestState is bound to: a SHA-256 of the method, the name (tool, prompt) or uri, the
 * arguments and the caller's identity, with objects' members in sorted order so that a client's
 * re-serialisation does not matter. arguments and identity may be NULL.
 */
void request_state_binding(const char *method, const char *name, const json_value_t *arguments, const json_value_t *identity,
                           unsigned char out[32]);
/* Appends base64url(format, expiry, payload, HMAC(key, format | expiry | payload | binding)) to out. */
void request_state_seal(const unsigned char *key, size_t key_len, const unsigned char binding[32], int64_t expires_ms,
                        const char *payload, size_t payload_len, buf_t *out);
/* Verifies a state and appends its payload to out. Returns 0 or a REQUEST_STATE_* code. */
int request_state_open(const unsigned char *key, size_t key_len, const unsigned char binding[32], int64_t now_ms, const char *state,
                       size_t state_len, buf_t *out);

#endif
