/*
 * authz_bearer: the token in an Authorization field value, as RFC 6750 section 2.1 defines it:
 *
 *     credentials = "Bearer" 1*SP b64token
 *     b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * The scheme is case-insensitive (RFC 9110 11.1); nothing else is. The only leniency is the optional whitespace
 * (SP, HTAB) before and after the whole value, which RFC 9110 5.5 says is not part of a field value and which an HTTP
 * parser strips anyway. So: several spaces after the scheme are accepted (1*SP), a tab there is not, nor a space or
 * anything else inside or after the token, nor any byte outside the b64token set (non-ASCII included).
 */
#ifndef AUTHORIZER_AUTHZ_BEARER_H
#define AUTHORIZER_AUTHZ_BEARER_H

#include <stddef.h>

/*
 * Finds the token in value[0..len). Returns 0 with *token (pointing into value) and *token_len, or AUTHZ_ERR_MISSING
 * (nothing but whitespace), AUTHZ_ERR_SCHEME (not Bearer), AUTHZ_ERR_EMPTY_TOKEN, AUTHZ_ERR_TOKEN_TOO_LONG (over
 * AUTHZ_MAX_TOKEN_BYTES) or AUTHZ_ERR_TOKEN_SYNTAX.
 */
int authz_bearer_token(const char *value, size_t len, const char **token, size_t *token_len);

#endif
