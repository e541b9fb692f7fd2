/*
 * jsonw: a JSON writer appending to a buf_t.
 *
 * Commas and colons are placed automatically; strings are escaped (control characters, quote,
 * backslash, and U+2028/U+2029 so the output is also safe inside an SSE data line or JavaScript).
 * Errors (too deep, buffer limit) are sticky and read once with jsonw_failed().
 */
#ifndef COMMON_JSONW_H
#define COMMON_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

#define JSONW_MAX_DEPTH 64

typedef struct st_jsonw_t {
    buf_t *out;
    unsigned depth;
    int failed;
    unsigned char need_comma[JSONW_MAX_DEPTH + 1];
    unsigned char after_key;
} jsonw_t;

void jsonw_init(jsonw_t *w, buf_t *out);
/* For members added to an object whose '{' and at least one member are already in out (a log line's fixed part). */
void jsonw_init_in_object(jsonw_t *w, buf_t *out);
void jsonw_object_begin(jsonw_t *w);
void jsonw_object_end(jsonw_t *w);
void jsonw_array_begin(jsonw_t *w);
void jsonw_array_end(jsonw_t *w);
void jsonw_key(jsonw_t *w, const char *key); /* key must be a literal-safe string; escaped anyway */
void jsonw_keyn(jsonw_t *w, const char *key, size_t len);
void jsonw_string(jsonw_t *w, const char *s);
void jsonw_stringn(jsonw_t *w, const char *s, size_t len);
void jsonw_int(jsonw_t *w, int64_t v);
/* v / 10^decimals with exactly that many decimals (1234567, 3 gives 1234.567); decimals at most 18. */
void jsonw_fixed(jsonw_t *w, int64_t v, unsigned decimals);
void jsonw_double(jsonw_t *w, double v); /* non-finite values are written as null */
void jsonw_bool(jsonw_t *w, int v);
void jsonw_null(jsonw_t *w);
/*
 * Opens an object with its first members already serialised (trusted: "{\"a\":1,\"b\":"): when the text ends with
 * ':', the writer is left after that key, waiting for its value.
 */
void jsonw_object_begin_raw(jsonw_t *w, const char *json, size_t len);
/* Inserts already-serialised JSON (trusted to be valid) as one value. */
void jsonw_raw(jsonw_t *w, const char *json, size_t len);
/* Writes a parsed value back out. */
void jsonw_value(jsonw_t *w, const json_value_t *v);
/* Base64 (RFC 4648, padded) of data, as a JSON string. */
void jsonw_base64(jsonw_t *w, const void *data, size_t len);
/* The length of NUL-terminated s when none of its bytes needs escaping (one pass, strlen included), else -1. */
ptrdiff_t jsonw_plain_length(const char *s);
/* Appends the escaped body of a string without quotes (for composing strings piecewise). */
void jsonw_escape_into(buf_t *out, const char *s, size_t len);
static inline int
jsonw_failed(const jsonw_t *w)
{
    return w->failed || buf_failed(w->out);
}

/* Shorthands for "key": value members. */
void jsonw_kv_string(jsonw_t *w, const char *key, const char *value);
void jsonw_kv_int(jsonw_t *w, const char *key, int64_t value);
void jsonw_kv_bool(jsonw_t *w, const char *key, int value);
void jsonw_kv_raw(jsonw_t *w, const char *key, const char *json);

#endif
