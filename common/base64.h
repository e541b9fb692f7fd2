/* base64: RFC 4648 encoding and strict decoding (standard and URL-safe alphabets). */
#ifndef COMMON_BASE64_H
#define COMMON_BASE64_H

#include <stddef.h>

#include "buf.h"

/* Appends the padded standard encoding of data to out. */
void base64_encode(buf_t *out, const void *data, size_t len);
/* Appends the unpadded URL-safe encoding of data to out. */
void base64url_encode(buf_t *out, const void *data, size_t len);
/*
 * Decodes src[0..len) into out. Standard alphabet, padding required when url is 0; URL-safe alphabet,
 * padding optional when url is 1. Whitespace and any other byte are errors. Returns 0 or -1.
 */
int base64_decode(buf_t *out, const char *src, size_t len, int url);

#endif
