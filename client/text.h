/*
 * text: making text that came from the server safe to show in a terminal or a one-line message.
 *
 * A server controls tool output, error messages and header values; printed raw, an escape sequence in
 * them could rewrite the user's terminal. Control characters (other than those a caller keeps) become
 * '?', and invalid UTF-8 bytes too.
 */
#ifndef MCPC_TEXT_H
#define MCPC_TEXT_H

#include <stddef.h>

#include "buf.h"
#include "http_response.h"

/* Appends s[0..len) to out with control characters replaced; keep_newlines keeps LF and TAB (for multi-line text). */
void mcpc_text_clean(buf_t *out, const char *s, size_t len, int keep_newlines);
/* One line for a message: s[0..len), cleaned, cut to max bytes (on a character boundary) with "..." added. */
void mcpc_text_snippet(buf_t *out, const char *s, size_t len, size_t max);

/*
 * The reason an error body gives, cleaned, as one line: AWS's {"message"} or {"Message"}, a JSON-RPC error's
 * message, or (not JSON) the body's first line; nothing when the body says nothing.
 */
void mcpc_text_error_message(buf_t *out, const char *body, size_t len);
/* AWS's error type of a response (x-amzn-ErrorType, without its ":<url>" tail), cleaned into out; "" without one. */
void mcpc_text_error_type(char *out, size_t out_len, const mcpc_http_response_t *res);

#endif
