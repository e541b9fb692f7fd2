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

/* Appends s[0..len) to out with control characters replaced; keep_newlines keeps LF and TAB (for multi-line text). */
void mcpc_text_clean(buf_t *out, const char *s, size_t len, int keep_newlines);
/* One line for a message: s[0..len), cleaned, cut to max bytes (on a character boundary) with "..." added. */
void mcpc_text_snippet(buf_t *out, const char *s, size_t len, size_t max);

#endif
