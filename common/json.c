#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "asan.h"
#include "hex.h"

const char *
json_strerror(int err)
{
    switch (err) {
#define JSON_ERR_CASE(name, code, text)                                                                                            \
    case name:                                                                                                                     \
        return text;
        JSON_ERRORS(JSON_ERR_CASE)
#undef JSON_ERR_CASE
    }
    return "unknown error";
}

int
json_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + len;
    while (s != end) {
        /* ASCII, nearly all of any MCP message, is passed eight bytes at a time */
        uint64_t word;
        while (end - s >= 8 && (memcpy(&word, s, 8), (word & UINT64_C(0x8080808080808080)) == 0))
            s += 8;
        if (s == end)
            break;
        unsigned c = *s;
        if (c < 0x80) {
            ++s;
            continue;
        }
        size_t n;
        unsigned min;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1, min = 0x80;
            c &= 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2, min = 0x800;
            c &= 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3, min = 0x10000;
            c &= 0x07;
        } else {
            return 0;
        }
        if ((size_t)(end - s) <= n)
            return 0;
        for (size_t i = 1; i <= n; ++i) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            c = c << 6 | (s[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return 0;
        s += n + 1;
    }
    return 1;
}

/*
 * The tree is built from yajl's callbacks. Open containers keep their children on a shared stack of
 * pointers (and object keys on a parallel stack) until they close, when the children are copied into
 * the arena in one block of the exact size.
 */
typedef struct st_frame_t {
    json_value_t *value;
    int is_object;
    size_t first; /* index of the first child on the stack */
} frame_t;

typedef struct st_builder_t {
    arena_t *arena;
    unsigned max_depth;
    unsigned frames_cap; /* frames has room for this many open containers; grown up to max_depth */
    int lenient;         /* strings may hold U+0000 */
    int error;
    frame_t *frames;
    unsigned depth;
    json_value_t **stack; /* children of the open containers */
    json_member_t *keys;  /* for objects: key of the matching stack slot */
    size_t stack_len, stack_cap;
    json_value_t *small_stack[32]; /* the first stack and keys, inline: a small document never calls malloc */
    json_member_t small_keys[32];
    frame_t small_frames[32]; /* likewise the first open containers */
    const char *pending_key;
    size_t pending_key_len;
    json_value_t *root;
    uintptr_t src, src_end; /* the text yajl parses, whose every byte parse() has already checked */
} builder_t;

static int
fail(builder_t *b, int err)
{
    if (b->error == 0)
        b->error = err;
    return 0; /* tells yajl to stop */
}

static int
check_string(builder_t *b, const unsigned char *s, size_t len)
{
    /*
     * A string without escapes comes as a slice of the text itself, which parse() found free of NUL bytes and valid
     * UTF-8 before yajl saw it; only strings yajl decoded (into its own buffer) need looking at.
     */
    if ((uintptr_t)s >= b->src && (uintptr_t)s <= b->src_end && len <= b->src_end - (uintptr_t)s)
        return 1;
    if (!b->lenient && memchr(s, '\0', len) != NULL)
        return fail(b, JSON_ERR_NUL);
    /*
     * Unpaired surrogate escapes are caught (or replaced) in the source, before yajl decodes them; a
     * decoded string that is not valid UTF-8 would mean yajl passed something invalid through.
     */
    if (!json_utf8_valid((const char *)s, len))
        return fail(b, JSON_ERR_UTF8);
    return 1;
}

static json_value_t *
new_value(builder_t *b, json_type_t type)
{
    json_value_t *v = arena_alloc(b->arena, sizeof(*v));
    if (v == NULL) {
        fail(b, JSON_ERR_NOMEM);
        return NULL;
    }
    v->type = type;
    return v;
}

static int
add(builder_t *b, json_value_t *v)
{
    if (v == NULL)
        return 0;
    if (b->depth == 0) {
        b->root = v;
        return 1;
    }
    if (b->stack_len == b->stack_cap) {
        size_t cap = b->stack_cap * 2;
        int inline_stack = b->stack == b->small_stack;
        json_value_t **stack = realloc(inline_stack ? NULL : b->stack, cap * sizeof(*stack));
        if (stack == NULL)
            return fail(b, JSON_ERR_NOMEM);
        if (inline_stack)
            memcpy(stack, b->small_stack, b->stack_len * sizeof(*stack));
        b->stack = stack;
        json_member_t *keys = realloc(inline_stack ? NULL : b->keys, cap * sizeof(*keys));
        if (keys == NULL)
            return fail(b, JSON_ERR_NOMEM); /* b->keys is still the inline array or the old block */
        if (inline_stack)
            memcpy(keys, b->small_keys, b->stack_len * sizeof(*keys));
        b->keys = keys;
        b->stack_cap = cap;
    }
    if (b->frames[b->depth - 1].is_object) {
        b->keys[b->stack_len].key = b->pending_key;
        b->keys[b->stack_len].key_len = b->pending_key_len;
    }
    b->stack[b->stack_len++] = v;
    return 1;
}

static int
on_null(void *ctx)
{
    builder_t *b = ctx;
    return add(b, new_value(b, JSON_NULL));
}

static int
on_boolean(void *ctx, int value)
{
    builder_t *b = ctx;
    return add(b, new_value(b, value ? JSON_TRUE : JSON_FALSE));
}

static int
on_number(void *ctx, const char *s, size_t len)
{
    builder_t *b = ctx;
    json_value_t *v = new_value(b, JSON_NUMBER);
    if (v == NULL)
        return 0;
    if ((v->u.num.raw = arena_strndup(b->arena, s, len)) == NULL)
        return fail(b, JSON_ERR_NOMEM);
    v->u.num.len = len;
    return add(b, v);
}

static int
on_string(void *ctx, const unsigned char *s, size_t len)
{
    builder_t *b = ctx;
    if (!check_string(b, s, len))
        return 0;
    json_value_t *v = new_value(b, JSON_STRING);
    if (v == NULL)
        return 0;
    if ((v->u.str.ptr = arena_strndup(b->arena, (const char *)s, len)) == NULL)
        return fail(b, JSON_ERR_NOMEM);
    v->u.str.len = len;
    return add(b, v);
}

static int
on_key(void *ctx, const unsigned char *s, size_t len)
{
    builder_t *b = ctx;
    if (!check_string(b, s, len))
        return 0;
    if ((b->pending_key = arena_strndup(b->arena, (const char *)s, len)) == NULL)
        return fail(b, JSON_ERR_NOMEM);
    b->pending_key_len = len;
    return 1;
}

static int
open_container(builder_t *b, int is_object)
{
    if (b->depth == b->max_depth)
        return fail(b, JSON_ERR_DEPTH);
    if (b->depth == b->frames_cap) {
        /* deeper than the inline frames: the rest come from malloc, doubling up to max_depth */
        unsigned cap = b->frames_cap * 2 < b->max_depth ? b->frames_cap * 2 : b->max_depth;
        frame_t *frames = malloc(cap * sizeof(*frames));
        if (frames == NULL)
            return fail(b, JSON_ERR_NOMEM);
        memcpy(frames, b->frames, b->depth * sizeof(*frames));
        if (b->frames != b->small_frames)
            free(b->frames);
        b->frames = frames;
        b->frames_cap = cap;
    }
    json_value_t *v = new_value(b, is_object ? JSON_OBJECT : JSON_ARRAY);
    if (!add(b, v))
        return 0;
    b->frames[b->depth].value = v;
    b->frames[b->depth].is_object = is_object;
    b->frames[b->depth].first = b->stack_len;
    ++b->depth;
    return 1;
}

static int
close_container(builder_t *b)
{
    frame_t *f = &b->frames[--b->depth];
    size_t n = b->stack_len - f->first;
    json_value_t *v = f->value;
    if (f->is_object) {
        json_member_t *items = n != 0 ? arena_alloc(b->arena, n * sizeof(*items)) : NULL;
        if (n != 0 && items == NULL)
            return fail(b, JSON_ERR_NOMEM);
        for (size_t i = 0; i != n; ++i) {
            items[i] = b->keys[f->first + i];
            items[i].value = b->stack[f->first + i];
        }
        v->u.obj.items = items;
        v->u.obj.len = n;
    } else {
        json_value_t **items = n != 0 ? arena_alloc(b->arena, n * sizeof(*items)) : NULL;
        if (n != 0 && items == NULL)
            return fail(b, JSON_ERR_NOMEM);
        if (n != 0)
            memcpy(items, b->stack + f->first, n * sizeof(*items));
        v->u.arr.items = items;
        v->u.arr.len = n;
    }
    b->stack_len = f->first;
    return 1;
}

static int
on_start_map(void *ctx)
{
    return open_container(ctx, 1);
}

static int
on_end_map(void *ctx)
{
    return close_container(ctx);
}

static int
on_start_array(void *ctx)
{
    return open_container(ctx, 0);
}

static int
on_end_array(void *ctx)
{
    return close_container(ctx);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

/*
 * yajl's own memory (its handle, lexer, state stack and decoding buffer) comes from a scratch area on parse()'s stack
 * while it lasts, then from malloc: a small document costs no malloc and no free. Each block starts with a header
 * holding its size, which realloc needs; blocks in the scratch area are not freed one by one (the area goes when
 * parse() returns). Under AddressSanitizer the area not handed out, and each block once freed, is poisoned, as malloc's
 * would be.
 */
#define SCRATCH_BYTES 3072
#define SCRATCH_HEADER 16 /* the size, padded so that blocks stay aligned as malloc's are */

typedef struct st_scratch_t {
    size_t used;
    _Alignas(16) unsigned char area[SCRATCH_BYTES];
} scratch_t;

static void *
scratch_malloc(void *ctx, size_t size)
{
    scratch_t *sc = ctx;
    if (size > SIZE_MAX - 2 * SCRATCH_HEADER)
        return NULL;
    size_t need = SCRATCH_HEADER + ((size + SCRATCH_HEADER - 1) & ~(size_t)(SCRATCH_HEADER - 1));
    unsigned char *block;
    if (need <= SCRATCH_BYTES - sc->used) {
        block = sc->area + sc->used;
        sc->used += need;
        ASAN_UNPOISON(block, SCRATCH_HEADER + size);
    } else if ((block = malloc(SCRATCH_HEADER + size)) == NULL) {
        return NULL;
    }
    memcpy(block, &size, sizeof(size));
    return block + SCRATCH_HEADER;
}

static size_t
block_size(const void *p)
{
    size_t size;
    memcpy(&size, (const unsigned char *)p - SCRATCH_HEADER, sizeof(size));
    return size;
}

static void
scratch_free(void *ctx, void *p)
{
    if (p == NULL)
        return;
    scratch_t *sc = ctx;
    unsigned char *block = (unsigned char *)p - SCRATCH_HEADER;
    if (block >= sc->area && block < sc->area + SCRATCH_BYTES)
        ASAN_POISON(p, block_size(p));
    else
        free(block);
}

static void *
scratch_realloc(void *ctx, void *p, size_t size)
{
    if (p == NULL)
        return scratch_malloc(ctx, size);
    size_t old = block_size(p);
    void *moved = scratch_malloc(ctx, size);
    if (moved == NULL)
        return NULL;
    memcpy(moved, p, old < size ? old : size);
    scratch_free(ctx, p);
    return moved;
}

/*
 * yajl decodes an unpaired UTF-16 surrogate escape to '?' (and a high one followed by another escape to a
 * wrong character), so such escapes are found in the source: the offset of the backslash of the first one
 * at or after from, or len when there is none. from must not be inside an escape. Documents without a
 * backslash never get here.
 */
static size_t
next_unpaired_surrogate(const char *s, size_t len, size_t from)
{
    for (size_t i = from; i + 6 <= len; ++i) {
        if (s[i] != '\\')
            continue;
        if (s[i + 1] != 'u') {
            ++i; /* skip the escaped character, so "\\\\u" is not read as an escape */
            continue;
        }
        uint32_t v, w;
        if (hex_parse(s + i + 2, 4, &v) != 0)
            return len; /* a malformed escape, which yajl reports */
        if (v >= 0xd800 && v <= 0xdbff) {
            /* must be followed by a low surrogate escape */
            if (i + 12 > len || s[i + 6] != '\\' || s[i + 7] != 'u' || hex_parse(s + i + 8, 4, &w) != 0 || w < 0xdc00 || w > 0xdfff)
                return i;
            i += 11;
        } else if (v >= 0xdc00 && v <= 0xdfff) {
            return i;
        } else {
            i += 5;
        }
    }
    return len;
}

static int
parse(arena_t *arena, const char *buf, size_t len, unsigned max_depth, int lenient, json_value_t **out)
{
    *out = NULL;
    size_t ws = 0;
    while (ws < len && (buf[ws] == ' ' || buf[ws] == '\t' || buf[ws] == '\r' || buf[ws] == '\n'))
        ++ws;
    if (ws == len)
        return JSON_ERR_EMPTY;
    /* yajl stops at a NUL byte outside strings without complaint; no valid JSON text contains one */
    if (memchr(buf, '\0', len) != NULL)
        return JSON_ERR_SYNTAX;
    if (!json_utf8_valid(buf, len))
        return JSON_ERR_UTF8;
    char *repaired = NULL;
    size_t at = memchr(buf, '\\', len) != NULL ? next_unpaired_surrogate(buf, len, 0) : len;
    if (at != len) {
        if (!lenient)
            return JSON_ERR_SURROGATE;
        /* "\\uFFFD" is as long as the escape it replaces, so offsets into buf stay offsets into the copy */
        if ((repaired = malloc(len)) == NULL)
            return JSON_ERR_NOMEM;
        memcpy(repaired, buf, len);
        for (; at != len; at = next_unpaired_surrogate(buf, len, at + 6))
            memcpy(repaired + at, "\\ufffd", 6);
        buf = repaired;
    }
    if (max_depth == 0)
        max_depth = 1;

    /* member by member: the inline arrays need no zeroing */
    builder_t b;
    b.arena = arena;
    b.max_depth = max_depth;
    b.lenient = lenient;
    b.error = 0;
    b.depth = 0;
    b.stack_len = 0;
    b.pending_key = NULL;
    b.pending_key_len = 0;
    b.root = NULL;
    b.src = (uintptr_t)buf;
    b.src_end = (uintptr_t)buf + len;
    b.stack = b.small_stack;
    b.keys = b.small_keys;
    b.stack_cap = sizeof(b.small_stack) / sizeof(b.small_stack[0]);
    b.frames = b.small_frames;
    b.frames_cap = sizeof(b.small_frames) / sizeof(b.small_frames[0]);
    int ret = 0;
    scratch_t scratch;
    scratch.used = 0;
    ASAN_POISON(scratch.area, SCRATCH_BYTES);
    yajl_alloc_funcs funcs = {.malloc = scratch_malloc, .realloc = scratch_realloc, .free = scratch_free, .ctx = &scratch};
    yajl_handle h = yajl_alloc(&callbacks, &funcs, &b);
    if (h == NULL) {
        ret = JSON_ERR_NOMEM;
        goto exit;
    }
    /* the whole text was found valid UTF-8 above, and strings yajl decodes are checked in check_string */
    yajl_config(h, yajl_dont_validate_strings, 1);
    yajl_status st = yajl_parse(h, (const unsigned char *)buf, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (b.error != 0)
        ret = b.error;
    else if (st != yajl_status_ok || b.root == NULL || b.depth != 0)
        ret = JSON_ERR_SYNTAX;
    else
        *out = b.root;
    yajl_free(h);
exit:
    ASAN_UNPOISON(scratch.area, SCRATCH_BYTES); /* the stack is used again after this function returns */
    if (b.frames != b.small_frames)
        free(b.frames);
    if (b.stack != b.small_stack)
        free(b.stack);
    if (b.keys != b.small_keys)
        free(b.keys);
    free(repaired);
    return ret;
}

int
json_parse(arena_t *arena, const char *buf, size_t len, unsigned max_depth, json_value_t **out)
{
    return parse(arena, buf, len, max_depth, 0, out);
}

int
json_parse_lenient(arena_t *arena, const char *buf, size_t len, unsigned max_depth, json_value_t **out)
{
    return parse(arena, buf, len, max_depth, 1, out);
}

const json_value_t *
json_getn(const json_value_t *obj, const char *key, size_t key_len)
{
    if (obj == NULL || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = obj->u.obj.len; i-- != 0;) {
        const json_member_t *m = &obj->u.obj.items[i];
        /* the first byte settles most mismatches of equal length without a call */
        if (m->key_len == key_len && (key_len == 0 || (m->key[0] == key[0] && memcmp(m->key, key, key_len) == 0)))
            return m->value;
    }
    return NULL;
}

const char *
json_string(const json_value_t *v)
{
    return v != NULL && v->type == JSON_STRING ? v->u.str.ptr : NULL;
}

int
json_double(const json_value_t *v, double *out)
{
    if (v == NULL || v->type != JSON_NUMBER)
        return -1;
    errno = 0;
    char *end;
    double d = strtod(v->u.num.raw, &end);
    if (*end != '\0')
        return -1;
    *out = d; /* overflow gives +-HUGE_VAL, which compares as expected */
    return 0;
}

int
json_int64(const json_value_t *v, int64_t *out)
{
    if (v == NULL || v->type != JSON_NUMBER)
        return -1;
    const char *raw = v->u.num.raw;
    if (strpbrk(raw, ".eE") == NULL) {
        errno = 0;
        char *end;
        long long n = strtoll(raw, &end, 10);
        if (errno != 0 || *end != '\0')
            return -1;
        *out = n;
        return 0;
    }
    double d;
    if (json_double(v, &d) != 0 || d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return -1;
    *out = (int64_t)d;
    return 0;
}

int
json_is_integer(const json_value_t *v)
{
    if (v == NULL || v->type != JSON_NUMBER)
        return 0;
    if (strpbrk(v->u.num.raw, ".eE") == NULL)
        return 1;
    double d;
    return json_double(v, &d) == 0 && isfinite(d) && d == floor(d);
}

int
json_equal(const json_value_t *a, const json_value_t *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case JSON_NULL:
    case JSON_TRUE:
    case JSON_FALSE:
        return 1;
    case JSON_NUMBER: {
        if (a->u.num.len == b->u.num.len && memcmp(a->u.num.raw, b->u.num.raw, a->u.num.len) == 0)
            return 1;
        double x, y;
        return json_double(a, &x) == 0 && json_double(b, &y) == 0 && x == y;
    }
    case JSON_STRING:
        return a->u.str.len == b->u.str.len && memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) == 0;
    case JSON_ARRAY:
        if (a->u.arr.len != b->u.arr.len)
            return 0;
        for (size_t i = 0; i != a->u.arr.len; ++i)
            if (!json_equal(a->u.arr.items[i], b->u.arr.items[i]))
                return 0;
        return 1;
    case JSON_OBJECT:
        /* read as json_get() reads them, the last member of a name counting, so duplicate names compare as one */
        for (size_t i = 0; i != a->u.obj.len; ++i) {
            const json_member_t *m = &a->u.obj.items[i];
            if (!json_equal(json_getn(a, m->key, m->key_len), json_getn(b, m->key, m->key_len)))
                return 0;
        }
        for (size_t i = 0; i != b->u.obj.len; ++i)
            if (json_getn(a, b->u.obj.items[i].key, b->u.obj.items[i].key_len) == NULL)
                return 0;
        return 1;
    }
    return 0;
}

json_value_t *
json_copy(arena_t *arena, const json_value_t *v)
{
    json_value_t *c = arena_alloc(arena, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->type = v->type;
    switch (v->type) {
    case JSON_NULL:
    case JSON_TRUE:
    case JSON_FALSE:
        break;
    case JSON_NUMBER:
        if ((c->u.num.raw = arena_strndup(arena, v->u.num.raw, v->u.num.len)) == NULL)
            return NULL;
        c->u.num.len = v->u.num.len;
        break;
    case JSON_STRING:
        if ((c->u.str.ptr = arena_strndup(arena, v->u.str.ptr, v->u.str.len)) == NULL)
            return NULL;
        c->u.str.len = v->u.str.len;
        break;
    case JSON_ARRAY:
        c->u.arr.len = v->u.arr.len;
        c->u.arr.items = NULL;
        if (v->u.arr.len == 0)
            break;
        if ((c->u.arr.items = arena_alloc(arena, v->u.arr.len * sizeof(*c->u.arr.items))) == NULL)
            return NULL;
        for (size_t i = 0; i != v->u.arr.len; ++i)
            if ((c->u.arr.items[i] = json_copy(arena, v->u.arr.items[i])) == NULL)
                return NULL;
        break;
    case JSON_OBJECT:
        c->u.obj.len = v->u.obj.len;
        c->u.obj.items = NULL;
        if (v->u.obj.len == 0)
            break;
        if ((c->u.obj.items = arena_alloc(arena, v->u.obj.len * sizeof(*c->u.obj.items))) == NULL)
            return NULL;
        for (size_t i = 0; i != v->u.obj.len; ++i) {
            const json_member_t *m = &v->u.obj.items[i];
            c->u.obj.items[i].key_len = m->key_len;
            if ((c->u.obj.items[i].key = arena_strndup(arena, m->key, m->key_len)) == NULL ||
                (c->u.obj.items[i].value = json_copy(arena, m->value)) == NULL)
                return NULL;
        }
        break;
    }
    return c;
}
