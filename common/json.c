#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The length of the UTF-8 sequence of a character above U+007F that starts at s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 when the bytes from s up to end are not one.
 */
static inline size_t
utf8_sequence(const unsigned char *s, const unsigned char *end)
{
    unsigned c = *s;
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
    return n + 1;
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
        if (*s < 0x80) {
            ++s;
            continue;
        }
        size_t n = utf8_sequence(s, end);
        if (n == 0)
            return 0;
        s += n;
    }
    return 1;
}

/*
 * The parser reads the text once, left to right, with a loop in place of recursion (the open containers are on a
 * stack of frames, so nesting costs no C stack). Open containers keep their children on a shared stack of pointers
 * (and object keys on a parallel stack) until they close, when the children are copied into the arena in one block
 * of the exact size. The first error in the text is the one reported.
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
    int lenient;         /* strings may hold U+0000, and unpaired surrogate escapes read as U+FFFD */
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
} builder_t;

static int
fail(builder_t *b, int err)
{
    if (b->error == 0)
        b->error = err;
    return 0;
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

static inline int
is_json_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The \uXXXX escape at s (s[0] is the backslash, and 6 bytes are there) as a UTF-16 code unit; -1 if malformed. */
static inline int32_t
u_escape(const unsigned char *s)
{
    uint32_t u;
    return s[1] == 'u' && hex_parse((const char *)s + 2, 4, &u) == 0 ? (int32_t)u : -1;
}

/* A high surrogate escape at s (6 bytes) followed, before end, by a low one: the character they encode, or 0. */
static inline uint32_t
surrogate_pair(const unsigned char *s, const unsigned char *end, uint32_t high)
{
    if (high < 0xd800 || high > 0xdbff || end - s < 12 || s[6] != '\\')
        return 0;
    int32_t low = u_escape(s + 6);
    if (low < 0xdc00 || low > 0xdfff)
        return 0;
    return 0x10000 + ((high - 0xd800) << 10) + ((uint32_t)low - 0xdc00);
}

static inline size_t
put_utf8(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12), out[1] = (char)(0x80 | (cp >> 6 & 0x3f)), out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18), out[1] = (char)(0x80 | (cp >> 12 & 0x3f)), out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * The string whose opening quote is just before *pp, in the parser's own copy of the text: checked in one pass
 * (control characters, UTF-8, escapes, and in the strict mode U+0000 and unpaired surrogates), then NUL-terminated
 * where it stands, its escapes decoded in place. Every escape is at least as long as what it decodes to (an unpaired
 * surrogate's six bytes give U+FFFD's three), so the writing never overtakes the reading, and the NUL goes at the
 * closing quote at the latest, which the parser has passed. On success *pp is past the closing quote.
 */
static int
read_string(builder_t *b, unsigned char **pp, const unsigned char *end, const char **out, size_t *out_len)
{
    unsigned char *start = *pp, *p = start;
    int escaped = 0;
    for (;;) {
        p = (unsigned char *)json_skip_plain_ascii(p, end);
        if (p == end)
            return fail(b, JSON_ERR_SYNTAX);
        if (*p == '"')
            break;
        if (*p == '\\') {
            escaped = 1;
            if (end - p < 2)
                return fail(b, JSON_ERR_SYNTAX);
            switch (p[1]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                p += 2;
                continue;
            case 'u':
                break;
            default:
                return fail(b, JSON_ERR_SYNTAX);
            }
            int32_t u = end - p >= 6 ? u_escape(p) : -1;
            if (u < 0)
                return fail(b, JSON_ERR_SYNTAX);
            if (surrogate_pair(p, end, (uint32_t)u) != 0) {
                p += 12;
                continue;
            }
            if (!b->lenient && u == 0)
                return fail(b, JSON_ERR_NUL);
            if (!b->lenient && u >= 0xd800 && u <= 0xdfff)
                return fail(b, JSON_ERR_SURROGATE);
            p += 6;
            continue;
        }
        if (*p < 0x20)
            return fail(b, JSON_ERR_SYNTAX);
        size_t n = utf8_sequence(p, end);
        if (n == 0)
            return fail(b, JSON_ERR_UTF8);
        p += n;
    }
    *pp = p + 1;
    if (!escaped) {
        *p = '\0';
        *out = (const char *)start, *out_len = (size_t)(p - start);
        return 1;
    }
    char *s = (char *)start;
    size_t n = 0;
    for (const unsigned char *q = start; q != p;) {
        if (*q != '\\') {
            s[n++] = (char)*q++;
            continue;
        }
        char c = (char)q[1];
        switch (c) {
        case 'b':
            c = '\b';
            break;
        case 'f':
            c = '\f';
            break;
        case 'n':
            c = '\n';
            break;
        case 'r':
            c = '\r';
            break;
        case 't':
            c = '\t';
            break;
        case 'u': {
            uint32_t u = (uint32_t)u_escape(q), cp = surrogate_pair(q, p, u);
            if (cp != 0) {
                q += 12;
            } else {
                cp = u >= 0xd800 && u <= 0xdfff ? 0xfffd : u; /* only the lenient mode gets here with a surrogate */
                q += 6;
            }
            n += put_utf8(cp, s + n);
            continue;
        }
        default:
            break; /* '"', '\\' and '/' stand for themselves */
        }
        s[n++] = c;
        q += 2;
    }
    s[n] = '\0';
    *out = s, *out_len = n;
    return 1;
}

/* The number at *pp, by JSON's grammar; kept as written. On success *pp is past it. */
static int
read_number(builder_t *b, unsigned char **pp, const unsigned char *end)
{
    unsigned char *start = *pp, *p = start;
    if (*p == '-')
        ++p;
    if (p == end || !(*p >= '0' && *p <= '9'))
        return fail(b, JSON_ERR_SYNTAX);
    if (*p++ != '0')
        while (p != end && *p >= '0' && *p <= '9')
            ++p;
    if (p != end && *p == '.') {
        if (++p == end || !(*p >= '0' && *p <= '9'))
            return fail(b, JSON_ERR_SYNTAX);
        while (p != end && *p >= '0' && *p <= '9')
            ++p;
    }
    if (p != end && (*p == 'e' || *p == 'E')) {
        if (++p != end && (*p == '+' || *p == '-'))
            ++p;
        if (p == end || !(*p >= '0' && *p <= '9'))
            return fail(b, JSON_ERR_SYNTAX);
        while (p != end && *p >= '0' && *p <= '9')
            ++p;
    }
    json_value_t *v = new_value(b, JSON_NUMBER);
    if (v == NULL)
        return 0;
    size_t len = (size_t)(p - start);
    if ((v->u.num.raw = arena_strndup(b->arena, (const char *)start, len)) == NULL)
        return fail(b, JSON_ERR_NOMEM);
    v->u.num.len = len;
    *pp = p;
    return add(b, v);
}

/* The literal word (true, false or null) at *pp, as a value of type. */
static int
read_literal(builder_t *b, unsigned char **pp, const unsigned char *end, const char *word, size_t len, json_type_t type)
{
    if ((size_t)(end - *pp) < len || memcmp(*pp, word, len) != 0)
        return fail(b, JSON_ERR_SYNTAX);
    *pp += len;
    return add(b, new_value(b, type));
}

/* The grammar: one value, then only whitespace. Returns 0 with b->root set, or the error. */
static int
read_document(builder_t *b, unsigned char *p, const unsigned char *end)
{
#define SKIP_SPACE()                                                                                                               \
    while (p != end && is_json_space(*p))                                                                                          \
    ++p
#define EXPECT(ok)                                                                                                                 \
    do {                                                                                                                           \
        if (!(ok))                                                                                                                 \
            return fail(b, JSON_ERR_SYNTAX), b->error;                                                                             \
    } while (0)
#define STEP(call)                                                                                                                 \
    do {                                                                                                                           \
        if (!(call))                                                                                                               \
            return b->error;                                                                                                       \
    } while (0)
value:
    SKIP_SPACE();
    EXPECT(p != end);
    switch (*p) {
    case '{':
    case '[': {
        int is_object = *p++ == '{';
        STEP(open_container(b, is_object));
        SKIP_SPACE();
        if (p != end && *p == (is_object ? '}' : ']')) {
            ++p;
            STEP(close_container(b));
            goto after_value;
        }
        if (is_object)
            goto member;
        goto value;
    }
    case '"': {
        ++p;
        const char *s;
        size_t len;
        STEP(read_string(b, &p, end, &s, &len));
        json_value_t *v = new_value(b, JSON_STRING);
        STEP(v != NULL);
        v->u.str.ptr = s, v->u.str.len = len;
        STEP(add(b, v));
        goto after_value;
    }
    case 't':
        STEP(read_literal(b, &p, end, "true", 4, JSON_TRUE));
        goto after_value;
    case 'f':
        STEP(read_literal(b, &p, end, "false", 5, JSON_FALSE));
        goto after_value;
    case 'n':
        STEP(read_literal(b, &p, end, "null", 4, JSON_NULL));
        goto after_value;
    default:
        STEP(read_number(b, &p, end));
        goto after_value;
    }
member: /* a key, its colon, then its value */
    EXPECT(p != end && *p == '"');
    ++p;
    STEP(read_string(b, &p, end, &b->pending_key, &b->pending_key_len));
    SKIP_SPACE();
    EXPECT(p != end && *p == ':');
    ++p;
    goto value;
after_value:
    SKIP_SPACE();
    if (b->depth == 0) {
        EXPECT(p == end);
        return 0;
    }
    EXPECT(p != end);
    int in_object = b->frames[b->depth - 1].is_object;
    if (*p == ',') {
        ++p;
        if (!in_object)
            goto value;
        SKIP_SPACE();
        goto member;
    }
    EXPECT(*p == (in_object ? '}' : ']'));
    ++p;
    STEP(close_container(b));
    goto after_value;
#undef SKIP_SPACE
#undef EXPECT
#undef STEP
}

static int
parse(arena_t *arena, const char *buf, size_t len, unsigned max_depth, int lenient, json_value_t **out)
{
    *out = NULL;
    if (len == 0)
        return JSON_ERR_EMPTY; /* buf may be NULL then (an event without a body), and NULL + 0 is undefined */
    const unsigned char *p = (const unsigned char *)buf, *end = p + len;
    while (p != end && is_json_space(*p))
        ++p;
    if (p == end)
        return JSON_ERR_EMPTY;
    /* the parser's own copy of the text, where strings are NUL-terminated and decoded in place: one copy, not one
     * per string */
    unsigned char *text = arena_alloc(arena, (size_t)(end - p));
    if (text == NULL)
        return JSON_ERR_NOMEM;
    memcpy(text, p, (size_t)(end - p));

    /* member by member: the inline arrays need no zeroing */
    builder_t b;
    b.arena = arena;
    b.max_depth = max_depth != 0 ? max_depth : 1;
    b.lenient = lenient;
    b.error = 0;
    b.depth = 0;
    b.stack_len = 0;
    b.pending_key = NULL;
    b.pending_key_len = 0;
    b.root = NULL;
    b.stack = b.small_stack;
    b.keys = b.small_keys;
    b.stack_cap = sizeof(b.small_stack) / sizeof(b.small_stack[0]);
    b.frames = b.small_frames;
    b.frames_cap = sizeof(b.small_frames) / sizeof(b.small_frames[0]);
    int ret = read_document(&b, text, text + (end - p));
    if (ret == 0)
        *out = b.root;
    if (b.frames != b.small_frames)
        free(b.frames);
    if (b.stack != b.small_stack)
        free(b.stack);
    if (b.keys != b.small_keys)
        free(b.keys);
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
