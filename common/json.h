/*
 * json: a strict JSON parser into an arena-allocated tree, with accessors.
 *
 * yajl does the lexing; this layer adds what yajl's own tree API lacks: a depth limit enforced while
 * parsing (so nesting can never exhaust the stack, here or when the tree is walked), RFC 3629 UTF-8
 * validation of the whole input (yajl lets overlong forms and encoded surrogates through), rejection of
 * comments, of trailing data, of lone surrogate escapes and of U+0000 inside strings (C strings cannot
 * carry it), string lengths, and every number kept as the literal the sender wrote, so a JSON-RPC id is
 * echoed byte for byte. The input need not be NUL-terminated. The tree lives in the caller's arena.
 */
#ifndef COMMON_JSON_H
#define COMMON_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef enum en_json_type_t {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} json_type_t;

typedef struct st_json_value_t json_value_t;

typedef struct st_json_member_t {
    const char *key; /* NUL-terminated, UTF-8 */
    size_t key_len;
    json_value_t *value;
} json_member_t;

struct st_json_value_t {
    json_type_t type;
    union {
        struct {
            const char *ptr; /* NUL-terminated, valid UTF-8, no U+0000 */
            size_t len;
        } str;
        struct {
            const char *raw; /* the literal as written, NUL-terminated */
            size_t len;
        } num;
        struct {
            json_value_t **items;
            size_t len;
        } arr;
        struct {
            json_member_t *items; /* in document order */
            size_t len;
        } obj;
    } u;
};

/* Parse errors; each is a distinct negative value with a fixed description (json_strerror). */
#define JSON_ERRORS(X)                                                                                                             \
    X(JSON_ERR_SYNTAX, -1, "invalid JSON")                                                                                         \
    X(JSON_ERR_UTF8, -2, "invalid UTF-8")                                                                                          \
    X(JSON_ERR_DEPTH, -3, "nesting too deep")                                                                                      \
    X(JSON_ERR_NUL, -4, "U+0000 in a string")                                                                                      \
    X(JSON_ERR_SURROGATE, -5, "unpaired surrogate escape")                                                                         \
    X(JSON_ERR_NOMEM, -6, "document too large")                                                                                    \
    X(JSON_ERR_EMPTY, -7, "empty document")

enum {
#define JSON_ERR_ENUM(name, code, text) name = code,
    JSON_ERRORS(JSON_ERR_ENUM)
#undef JSON_ERR_ENUM
};

const char *json_strerror(int err);

/* Parses buf[0..len) into *out. Returns 0 or a JSON_ERR_* code. max_depth counts open arrays and objects. */
int json_parse(arena_t *arena, const char *buf, size_t len, unsigned max_depth, json_value_t **out);

/* RFC 3629 UTF-8 validity of s[0..len) (no overlongs, no surrogates, nothing above U+10FFFF). */
int json_utf8_valid(const char *s, size_t len);

/* Accessors; each accepts NULL and a value of the wrong type, returning NULL / 0 / the default. */
const json_value_t *json_get(const json_value_t *obj, const char *key); /* the last member of that name */
const char *json_string(const json_value_t *v);                         /* NULL unless a string */
int json_is_integer(const json_value_t *v);                             /* a number with an integral value */
/* The number as int64_t; returns 0 on success, -1 if not a number, not integral or out of range. */
int json_int64(const json_value_t *v, int64_t *out);
/* The number as double; returns 0 on success, -1 if not a number. */
int json_double(const json_value_t *v, double *out);
/* Compares two values structurally (numbers by value); 1 if equal. */
int json_equal(const json_value_t *a, const json_value_t *b);
/* A deep copy of v in arena (recursion as deep as v, which a parsed tree bounds); NULL when the arena is full. */
json_value_t *json_copy(arena_t *arena, const json_value_t *v);

#endif
