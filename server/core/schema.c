/*
 * schema: JSON Schema (2020-12 subset) checking and validation; see schema.h for the contract.
 *
 * schema_check() walks a schema once at start-up against a table of the keywords this file enforces,
 * so that schema_validate() can trust every keyword value it meets and a tool cannot ship a keyword
 * the server would silently ignore. schema_validate() walks schema and instance together. Numbers are
 * compared as exact decimals read from their literals, so bounds and multipleOf behave for 0.1 steps
 * and for integers beyond double precision. Patterns are ECMA-262's, rewritten for PCRE2 where the two
 * differ. Messages name the instance position by the property names the schema lists and by array
 * indices only, so nothing a client sends is ever echoed.
 */
#include "schema.h"

#include <math.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hex.h"

#define SCHEMA_MAX_REF_CHAIN 32    /* $refs followed without stepping into the instance: a loop */
#define SCHEMA_MAX_NESTING 512     /* validate() frames on the stack at once (a few hundred bytes each) */
#define SCHEMA_MAX_CHECK_DEPTH 256 /* schema objects nested inside each other, for schema_check() */
/* Work budget per validation: subschema applications (anyOf over recursive $refs can be exponential). */
#define SCHEMA_STEPS_BASE 1000000
#define SCHEMA_STEPS_PER_NODE 64
#define SCHEMA_PATH_STEPS 96  /* path steps kept; instances are at most 64 deep (the parser's limit) */
#define SCHEMA_PATH_SHOWN 120 /* bytes of a path shown in a message; a longer one loses its middle */
#define SCHEMA_PATH_HEAD 40
#define SCHEMA_REF_NAME_SIZE 512          /* a $ref's fragment, decoded */
#define SCHEMA_UNIQUE_ON_STACK 32         /* uniqueItems hashes kept on the stack; longer arrays use the heap */
#define SCHEMA_PATTERN_MATCH_LIMIT 100000 /* PCRE2 backtracking steps per match: a runaway pattern fails, never hangs */
#define SCHEMA_PATTERN_DEPTH_LIMIT 1000
#define SCHEMA_DIALECT "https://json-schema.org/draft/2020-12/schema"

/* ---- messages ---- */

/* Cuts a UTF-8 sequence left incomplete at the end of s[0..len) by truncation; returns the new length. */
static size_t
utf8_trim_tail(const char *s, size_t len)
{
    size_t i = len, cont = 0;
    while (i != 0 && cont < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
        --i;
        ++cont;
    }
    if (i == 0)
        return len;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
    if (lead < 0x80 || cont >= need)
        return len;
    return i - 1;
}

/* Appends to err at *pos, truncating; err_len must be non-zero. */
static void
msg_vappend(char *err, size_t err_len, size_t *pos, const char *fmt, va_list ap)
{
    if (*pos + 1 >= err_len)
        return;
    int n = vsnprintf(err + *pos, err_len - *pos, fmt, ap);
    if (n < 0) {
        err[*pos] = '\0';
        return;
    }
    *pos += (size_t)n < err_len - *pos ? (size_t)n : err_len - *pos - 1;
}

__attribute__((format(printf, 4, 5))) static void
msg_append(char *err, size_t err_len, size_t *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vappend(err, err_len, pos, fmt, ap);
    va_end(ap);
}

static void
msg_finish(char *err, size_t pos)
{
    err[utf8_trim_tail(err, pos)] = '\0';
}

/* ---- paths: a JSON pointer into the schema, or "address.street" / "tags[2]" into the instance ---- */

/*
 * A path is a stack of steps pointing into the trees, so descending costs no copying; it is only
 * rendered when a message is written. A long path keeps its head and its tail with "..." between, so
 * the message after it always fits in a modest buffer.
 */
typedef struct st_path_step_t {
    const char *name; /* NULL: an array index */
    size_t len;
    size_t index;
} path_step_t;

typedef struct st_path_t {
    int pointer;  /* render as a JSON pointer ("/properties/a~1b/0") rather than "a/b[0]" */
    size_t depth; /* may exceed SCHEMA_PATH_STEPS: the deeper steps are not kept */
    path_step_t steps[SCHEMA_PATH_STEPS];
} path_t;

static void
path_push(path_t *p, const char *name, size_t len, size_t index)
{
    if (p->depth < SCHEMA_PATH_STEPS)
        p->steps[p->depth] = (path_step_t){name, len, index};
    ++p->depth;
}

static void
path_pop(path_t *p)
{
    --p->depth;
}

/* Writes up to cap - 1 bytes to out (which may be NULL when cap is 0), counting every byte in len. */
typedef struct st_emitter_t {
    char *out;
    size_t cap;
    size_t len;
} emitter_t;

static void
emit(emitter_t *e, const char *s, size_t n)
{
    for (size_t i = 0; i != n; ++i, ++e->len)
        if (e->len + 1 < e->cap)
            e->out[e->len] = s[i];
}

static void
emit_finish(emitter_t *e)
{
    if (e->cap == 0)
        return;
    size_t n = e->len < e->cap ? e->len : e->cap - 1;
    e->out[utf8_trim_tail(e->out, n)] = '\0';
}

/* One step with its separator; control characters become '?'. */
static void
emit_step(emitter_t *e, const path_t *p, size_t i, int separator)
{
    const path_step_t *step = &p->steps[i];
    if (step->name == NULL) {
        char tmp[32];
        int n = snprintf(tmp, sizeof(tmp), p->pointer ? "/%zu" : "[%zu]", step->index);
        emit(e, tmp, (size_t)n);
        return;
    }
    if (separator)
        emit(e, p->pointer ? "/" : ".", 1);
    for (size_t k = 0; k != step->len; ++k) {
        unsigned char ch = (unsigned char)step->name[k];
        if (p->pointer && (ch == '~' || ch == '/'))
            emit(e, ch == '~' ? "~0" : "~1", 2);
        else if (ch < 0x20 || ch == 0x7f)
            emit(e, "?", 1);
        else
            emit(e, step->name + k, 1);
    }
}

static int
needs_separator(const path_t *p, size_t i)
{
    return p->pointer || i != 0;
}

static size_t
step_length(const path_t *p, size_t i)
{
    emitter_t e = {NULL, 0, 0};
    emit_step(&e, p, i, needs_separator(p, i));
    return e.len;
}

/* Renders the path into out (SCHEMA_PATH_SHOWN + 8 bytes at least). */
static void
path_render(const path_t *p, char *out, size_t out_len)
{
    size_t n = p->depth < SCHEMA_PATH_STEPS ? p->depth : SCHEMA_PATH_STEPS, total = 0;
    emitter_t e = {out, out_len, 0};
    for (size_t i = 0; i != n; ++i)
        total += step_length(p, i);
    if (p->depth == n && total <= SCHEMA_PATH_SHOWN) {
        for (size_t i = 0; i != n; ++i)
            emit_step(&e, p, i, needs_separator(p, i));
        emit_finish(&e);
        return;
    }
    size_t head = 0, head_len = 0, tail = n, tail_len = 0;
    while (head != n && head_len + step_length(p, head) <= SCHEMA_PATH_HEAD)
        head_len += step_length(p, head++);
    if (p->depth == n)
        while (tail != head && tail_len + step_length(p, tail - 1) <= SCHEMA_PATH_SHOWN - SCHEMA_PATH_HEAD)
            tail_len += step_length(p, --tail);
    /* when even the last step alone is too long, its beginning is shown */
    int oversize = tail == n && head != n && p->depth == n;
    size_t skipped_to = oversize ? n - 1 : tail;
    int skipped = skipped_to > head || p->depth != n;
    for (size_t i = 0; i != head; ++i)
        emit_step(&e, p, i, needs_separator(p, i));
    if (skipped)
        emit(&e, "...", 3);
    for (size_t i = tail; i != n; ++i)
        emit_step(&e, p, i, p->pointer || (i != 0 && (i != tail || !skipped)));
    if (oversize) {
        char cut[SCHEMA_PATH_SHOWN - SCHEMA_PATH_HEAD + 1];
        emitter_t c = {cut, sizeof(cut), 0};
        emit_step(&c, p, n - 1, p->pointer || (!skipped && head != 0));
        emit_finish(&c);
        emit(&e, cut, strlen(cut));
        emit(&e, "...", 3);
    }
    emit_finish(&e);
}

/* ---- exact decimals read from number literals ---- */

/*
 * A number literal seen as its digit string: the integer digits followed by the fraction digits, with
 * value 0.D x 10^exp where D is the digits from first to last (both non-zero). Exponents are clamped
 * far beyond anything meaningful so the arithmetic cannot overflow.
 */
typedef struct st_decimal_t {
    const char *int_digits, *frac_digits;
    size_t int_len, frac_len;
    size_t first, last;
    int64_t exp;
    int negative;
    int zero;
} decimal_t;

#define DECIMAL_EXP_CLAMP 1000000000000000LL

static char
decimal_digit(const decimal_t *d, size_t i)
{
    return i < d->int_len ? d->int_digits[i] : d->frac_digits[i - d->int_len];
}

static size_t
decimal_ndigits(const decimal_t *d)
{
    return d->last - d->first + 1;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Parses a JSON number literal; returns 0 or -1 if it is not one. */
static int
decimal_parse(const char *s, size_t len, decimal_t *d)
{
    const char *p = s, *end = s + len;
    memset(d, 0, sizeof(*d));
    if (p != end && *p == '-') {
        d->negative = 1;
        ++p;
    }
    d->int_digits = p;
    while (p != end && is_digit(*p))
        ++p;
    d->int_len = (size_t)(p - d->int_digits);
    if (d->int_len == 0)
        return -1;
    d->frac_digits = p;
    if (p != end && *p == '.') {
        d->frac_digits = ++p;
        while (p != end && is_digit(*p))
            ++p;
        d->frac_len = (size_t)(p - d->frac_digits);
        if (d->frac_len == 0)
            return -1;
    }
    int64_t e = 0;
    if (p != end && (*p == 'e' || *p == 'E')) {
        int e_negative = 0;
        if (++p != end && (*p == '+' || *p == '-'))
            e_negative = *p++ == '-';
        if (p == end || !is_digit(*p))
            return -1;
        for (; p != end && is_digit(*p); ++p)
            if (e < DECIMAL_EXP_CLAMP)
                e = e * 10 + (*p - '0');
        if (e_negative)
            e = -e;
    }
    if (p != end)
        return -1;

    size_t n = d->int_len + d->frac_len;
    for (d->first = 0; d->first != n && decimal_digit(d, d->first) == '0'; ++d->first)
        ;
    if (d->first == n) {
        d->zero = 1;
        return 0;
    }
    for (d->last = n - 1; decimal_digit(d, d->last) == '0'; --d->last)
        ;
    d->exp = (int64_t)d->int_len - (int64_t)d->first + e;
    return 0;
}

static int
decimal_of(const json_value_t *v, decimal_t *d)
{
    if (v == NULL || v->type != JSON_NUMBER)
        return -1;
    return decimal_parse(v->u.num.raw, v->u.num.len, d);
}

static int
decimal_sign(const decimal_t *d)
{
    return d->zero ? 0 : d->negative ? -1 : 1;
}

/* -1, 0 or 1 as a is less than, equal to or greater than b. */
static int
decimal_cmp(const decimal_t *a, const decimal_t *b)
{
    int sa = decimal_sign(a), sb = decimal_sign(b);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    int magnitude = 0;
    if (a->exp != b->exp) {
        magnitude = a->exp > b->exp ? 1 : -1;
    } else {
        size_t na = decimal_ndigits(a), nb = decimal_ndigits(b);
        for (size_t k = 0; magnitude == 0 && (k < na || k < nb); ++k) {
            char da = k < na ? decimal_digit(a, a->first + k) : '0';
            char db = k < nb ? decimal_digit(b, b->first + k) : '0';
            if (da != db)
                magnitude = da > db ? 1 : -1;
        }
    }
    return sa * magnitude;
}

static int
decimal_is_integer(const decimal_t *d)
{
    return d->zero || d->exp >= (int64_t)decimal_ndigits(d);
}

/* A non-negative integer as a count, saturating at SIZE_MAX; -1 if d is not one. */
static int
decimal_to_count(const decimal_t *d, size_t *out)
{
    *out = 0;
    if (d->zero)
        return 0;
    if (d->negative || !decimal_is_integer(d))
        return -1;
    if (d->exp > 40) {
        *out = SIZE_MAX;
        return 0;
    }
    size_t n = decimal_ndigits(d), value = 0;
    for (int64_t k = 0; k < d->exp; ++k) {
        unsigned digit = (size_t)k < n ? (unsigned)(decimal_digit(d, d->first + (size_t)k) - '0') : 0;
        if (value > (SIZE_MAX - digit) / 10) {
            *out = SIZE_MAX;
            return 0;
        }
        value = value * 10 + digit;
    }
    *out = value;
    return 0;
}

/* (a * b) mod m for a, b < m < 2^62, without 128-bit arithmetic. */
static uint64_t
mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    for (; b != 0; b >>= 1) {
        if (b & 1)
            r = (r + a) % m;
        a = (a * 2) % m;
    }
    return r;
}

static uint64_t
pow10mod(uint64_t e, uint64_t m)
{
    uint64_t r = 1 % m, base = 10 % m;
    for (; e != 0; e >>= 1) {
        if (e & 1)
            r = mulmod(r, base, m);
        base = mulmod(base, base, m);
    }
    return r;
}

/*
 * Whether v is an integral multiple of m (m > 0). With v = A x 10^a and m = B x 10^b for integers A and
 * B without trailing zeros: if a < b, v/m = A / (B x 10^(b-a)) is not an integer since A does not end in
 * 0; otherwise check A x 10^(a-b) mod B == 0. B must fit in 18 digits; wider divisors fall back to doubles.
 */
static int
decimal_is_multiple(const decimal_t *v, const decimal_t *m, const json_value_t *v_json, const json_value_t *m_json)
{
    if (v->zero)
        return 1;
    size_t nv = decimal_ndigits(v), nm = decimal_ndigits(m);
    if (nm > 18) {
        double x, y;
        if (json_double(v_json, &x) != 0 || json_double(m_json, &y) != 0 || y == 0)
            return 0;
        double q = x / y;
        return isfinite(q) && q == floor(q);
    }
    int64_t a = v->exp - (int64_t)nv, b = m->exp - (int64_t)nm;
    if (a < b)
        return 0;
    uint64_t divisor = 0, r = 0;
    for (size_t k = 0; k != nm; ++k)
        divisor = divisor * 10 + (uint64_t)(decimal_digit(m, m->first + k) - '0');
    for (size_t k = 0; k != nv; ++k)
        r = (r * 10 + (uint64_t)(decimal_digit(v, v->first + k) - '0')) % divisor;
    r = mulmod(r, pow10mod((uint64_t)(a - b), divisor), divisor);
    return r == 0;
}

/* ---- types ---- */

enum {
    T_NULL = 1 << 0,
    T_BOOLEAN = 1 << 1,
    T_OBJECT = 1 << 2,
    T_ARRAY = 1 << 3,
    T_NUMBER = 1 << 4,
    T_INTEGER = 1 << 5,
    T_STRING = 1 << 6,
    T_ALL = (1 << 7) - 1,
};

/* In the order used in messages. */
static const struct st_type_name_t {
    const char *name;
    unsigned bit;
} type_names[] = {
    {"object", T_OBJECT},   {"array", T_ARRAY},     {"string", T_STRING}, {"number", T_NUMBER},
    {"integer", T_INTEGER}, {"boolean", T_BOOLEAN}, {"null", T_NULL},
};

static unsigned
type_bit(const json_value_t *name)
{
    if (name == NULL || name->type != JSON_STRING)
        return 0;
    for (size_t i = 0; i != sizeof(type_names) / sizeof(type_names[0]); ++i)
        if (strcmp(name->u.str.ptr, type_names[i].name) == 0)
            return type_names[i].bit;
    return 0;
}

/* The set of types a "type" value allows (integral numbers also carry T_NUMBER); 0 if malformed. */
static unsigned
type_mask(const json_value_t *t)
{
    unsigned mask = 0;
    if (t->type == JSON_STRING) {
        mask = type_bit(t);
    } else if (t->type == JSON_ARRAY) {
        for (size_t i = 0; i != t->u.arr.len; ++i) {
            unsigned bit = type_bit(t->u.arr.items[i]);
            if (bit == 0)
                return 0;
            mask |= bit;
        }
    }
    return mask;
}

/* The types an instance has: an integral number is both a number and an integer. */
static unsigned
instance_types(const json_value_t *v)
{
    switch (v->type) {
    case JSON_NULL:
        return T_NULL;
    case JSON_TRUE:
    case JSON_FALSE:
        return T_BOOLEAN;
    case JSON_NUMBER: {
        decimal_t d;
        int integral = decimal_of(v, &d) == 0 ? decimal_is_integer(&d) : json_is_integer(v);
        return integral ? T_NUMBER | T_INTEGER : T_NUMBER;
    }
    case JSON_STRING:
        return T_STRING;
    case JSON_ARRAY:
        return T_ARRAY;
    case JSON_OBJECT:
        return T_OBJECT;
    }
    return 0;
}

/* "string", "string or null", "object, string or null". */
static void
format_types(unsigned mask, char *out, size_t out_len)
{
    if (mask & T_NUMBER)
        mask &= ~(unsigned)T_INTEGER;
    size_t count = 0, total = 0, pos = 0;
    for (size_t i = 0; i != sizeof(type_names) / sizeof(type_names[0]); ++i)
        total += (mask & type_names[i].bit) != 0;
    out[0] = '\0';
    for (size_t i = 0; i != sizeof(type_names) / sizeof(type_names[0]); ++i) {
        if ((mask & type_names[i].bit) == 0)
            continue;
        const char *sep = count == 0 ? "" : count + 1 == total ? " or " : ", ";
        msg_append(out, out_len, &pos, "%s%s", sep, type_names[i].name);
        ++count;
    }
}

/* ---- objects and $ref ---- */

/* The last member named key[0..len), like json_get() but for names that are not NUL-terminated. */
static const json_value_t *
member(const json_value_t *obj, const char *key, size_t len)
{
    if (obj == NULL || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = obj->u.obj.len; i-- != 0;) {
        const json_member_t *m = &obj->u.obj.items[i];
        if (m->key_len == len && memcmp(m->key, key, len) == 0)
            return m->value;
    }
    return NULL;
}

/* The 2020-12 syntax of an anchor name: ^[A-Za-z_][-A-Za-z0-9._]*$ */
static int
is_anchor_name(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i != len; ++i) {
        char ch = s[i];
        int starts = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
        if (!starts && (i == 0 || !(is_digit(ch) || ch == '-' || ch == '.')))
            return 0;
    }
    return 1;
}

/*
 * The anchors of a schema, sorted by name and then by document order, so that the first of a repeated
 * name (which schema_check() reports) comes first. The table is built on first use by walking the places
 * schema_check() reads as subschemas, so an "$anchor" inside const, default, enum, examples or a vendor
 * extension is not one.
 */
typedef struct st_anchor_t {
    const json_value_t *name;   /* the $anchor string */
    const json_value_t *schema; /* the subschema it names */
    size_t order;
} anchor_t;

enum { ANCHORS_UNBUILT, ANCHORS_READY, ANCHORS_NO_MEMORY };

typedef struct st_anchors_t {
    anchor_t *items;
    size_t len, cap;
    int state;
} anchors_t;

static int anchors_ready(anchors_t *a, const json_value_t *root);

static int
anchors_add(anchors_t *a, const json_value_t *name, const json_value_t *schema)
{
    if (a->len == a->cap) {
        size_t cap = a->cap != 0 ? a->cap * 2 : 8;
        anchor_t *items = realloc(a->items, cap * sizeof(*items));
        if (items == NULL)
            return -1;
        a->items = items;
        a->cap = cap;
    }
    a->items[a->len] = (anchor_t){name, schema, a->len};
    ++a->len;
    return 0;
}

static int
compare_names(const char *a, size_t a_len, const char *b, size_t b_len)
{
    int cmp = memcmp(a, b, a_len < b_len ? a_len : b_len);
    if (cmp != 0)
        return cmp;
    return a_len < b_len ? -1 : a_len > b_len;
}

static int
compare_anchor(const void *x, const void *y)
{
    const anchor_t *a = x, *b = y;
    int cmp = compare_names(a->name->u.str.ptr, a->name->u.str.len, b->name->u.str.ptr, b->name->u.str.len);
    if (cmp != 0)
        return cmp;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The first anchor, in document order, named name[0..len); NULL if there is none. */
static const anchor_t *
anchors_find(const anchors_t *a, const char *name, size_t len)
{
    size_t lo = 0, hi = a->len;
    while (lo != hi) {
        size_t mid = lo + (hi - lo) / 2;
        const json_value_t *n = a->items[mid].name;
        if (compare_names(n->u.str.ptr, n->u.str.len, name, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == a->len)
        return NULL;
    const json_value_t *n = a->items[lo].name;
    return compare_names(n->u.str.ptr, n->u.str.len, name, len) == 0 ? &a->items[lo] : NULL;
}

static void
anchors_dispose(anchors_t *a)
{
    free(a->items);
    *a = (anchors_t){NULL};
}

enum { REF_OK, REF_UNSUPPORTED, REF_MISSING, REF_NO_MEMORY };

/* ---- schema_check ---- */

/*
 * The keywords schema_check() accepts. kind says what the value must be; every kind but the annotation
 * ones is enforced by validate_keywords() below. Names starting with "x-" are vendor extensions and are
 * accepted anywhere without looking at their value.
 */
typedef enum en_keyword_kind_t {
    KW_ANY,               /* annotation with any value: default, const is enforced but takes any value too */
    KW_STRING,            /* annotation that must be a string */
    KW_BOOLEAN,           /* deprecated, readOnly, writeOnly, uniqueItems */
    KW_ARRAY,             /* any array: enum, examples */
    KW_ROOT_ID,           /* $id: a string, at the root only, since a nested $id would change what "#" means */
    KW_DIALECT,           /* $schema: at the root only, and only 2020-12's meta-schema (another dialect means other rules) */
    KW_ANNOTATION_SCHEMA, /* contentSchema: a schema that is only an annotation, never applied */
    KW_TYPE,              /* a type name or a non-empty array of distinct type names */
    KW_NUMBER,            /* minimum, maximum, exclusiveMinimum, exclusiveMaximum */
    KW_POSITIVE,          /* multipleOf */
    KW_COUNT,             /* a non-negative integer: minLength, maxItems, ... */
    KW_NAMES,             /* required: an array of distinct strings */
    KW_SCHEMA,            /* additionalProperties, not, if, then, else */
    KW_ITEMS,             /* a schema; the pre-2020 array form gets a hint towards prefixItems */
    KW_SCHEMA_LIST,       /* a non-empty array of schemas: prefixItems, allOf, anyOf, oneOf */
    KW_SCHEMA_MAP,        /* an object of schemas: properties, $defs, definitions */
    KW_REF,               /* a local reference that resolves */
    KW_ANCHOR,            /* $anchor: a plain name for "#NAME" references, unique within the schema */
    KW_PATTERN,           /* pattern: a regular expression that compiles */
} keyword_kind_t;

typedef struct st_keyword_t {
    const char *name;
    keyword_kind_t kind;
} keyword_t;

static const keyword_t keywords[] = {
    {"$schema", KW_DIALECT},
    {"$id", KW_ROOT_ID},
    {"$comment", KW_STRING},
    {"title", KW_STRING},
    {"description", KW_STRING},
    {"default", KW_ANY},
    {"examples", KW_ARRAY},
    {"format", KW_STRING},
    {"deprecated", KW_BOOLEAN},
    {"readOnly", KW_BOOLEAN},
    {"writeOnly", KW_BOOLEAN},
    {"contentMediaType", KW_STRING},
    {"contentEncoding", KW_STRING},
    {"contentSchema", KW_ANNOTATION_SCHEMA},
    {"$defs", KW_SCHEMA_MAP},
    {"definitions", KW_SCHEMA_MAP},
    {"$ref", KW_REF},
    {"$anchor", KW_ANCHOR},
    {"type", KW_TYPE},
    {"enum", KW_ARRAY},
    {"const", KW_ANY},
    {"minimum", KW_NUMBER},
    {"maximum", KW_NUMBER},
    {"exclusiveMinimum", KW_NUMBER},
    {"exclusiveMaximum", KW_NUMBER},
    {"multipleOf", KW_POSITIVE},
    {"minLength", KW_COUNT},
    {"maxLength", KW_COUNT},
    {"pattern", KW_PATTERN},
    {"items", KW_ITEMS},
    {"prefixItems", KW_SCHEMA_LIST},
    {"minItems", KW_COUNT},
    {"maxItems", KW_COUNT},
    {"uniqueItems", KW_BOOLEAN},
    {"properties", KW_SCHEMA_MAP},
    {"required", KW_NAMES},
    {"additionalProperties", KW_SCHEMA},
    {"minProperties", KW_COUNT},
    {"maxProperties", KW_COUNT},
    {"allOf", KW_SCHEMA_LIST},
    {"anyOf", KW_SCHEMA_LIST},
    {"oneOf", KW_SCHEMA_LIST},
    {"not", KW_SCHEMA},
    {"if", KW_SCHEMA},
    {"then", KW_SCHEMA},
    {"else", KW_SCHEMA},
};

typedef struct st_check_ctx_t {
    const json_value_t *root;
    anchors_t anchors;
    char *err;
    size_t err_len;
    path_t path;
} check_ctx_t;

__attribute__((format(printf, 2, 3))) static int
check_fail(check_ctx_t *c, const char *fmt, ...)
{
    if (c->err_len == 0)
        return -1;
    size_t pos = 0;
    char where[SCHEMA_PATH_SHOWN + 8];
    path_render(&c->path, where, sizeof(where));
    msg_append(c->err, c->err_len, &pos, "%s: ", c->path.depth == 0 ? "(root)" : where);
    va_list ap;
    va_start(ap, fmt);
    msg_vappend(c->err, c->err_len, &pos, fmt, ap);
    va_end(ap);
    msg_finish(c->err, pos);
    return -1;
}

static const keyword_t *
find_keyword(const char *name)
{
    for (size_t i = 0; i != sizeof(keywords) / sizeof(keywords[0]); ++i)
        if (strcmp(keywords[i].name, name) == 0)
            return &keywords[i];
    return NULL;
}

/* A JSON pointer read into its tokens. */
typedef struct st_pointer_t {
    char tokens[SCHEMA_REF_NAME_SIZE]; /* the tokens, each NUL-terminated, ~0 and ~1 undone */
    size_t count;
    uint16_t offset[SCHEMA_REF_NAME_SIZE / 2];
    uint16_t len[SCHEMA_REF_NAME_SIZE / 2];
} pointer_t;

static int
is_array_index(const char *s, size_t len, size_t *out)
{
    if (len == 0 || len > 9 || (len > 1 && s[0] == '0'))
        return 0;
    size_t v = 0;
    for (size_t i = 0; i != len; ++i) {
        if (!is_digit(s[i]))
            return 0;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return 1;
}

/*
 * Follows the pointer from the root. Each token must name a keyword holding schemas, followed for a list (allOf,
 * prefixItems, ...) by an index and for a map (properties, $defs, ...) by a name, so a pointer can only reach a
 * subschema, one that schema_check() checks as such; a pointer into enum, default or an extension is unsupported.
 */
static int
pointer_walk(const json_value_t *root, const pointer_t *p, const json_value_t **out)
{
    const json_value_t *s = root;
    for (size_t i = 0; i != p->count; ++i) {
        const char *token = p->tokens + p->offset[i];
        const keyword_t *kw = s->type == JSON_OBJECT && strlen(token) == p->len[i] ? find_keyword(token) : NULL;
        if (kw == NULL)
            return REF_UNSUPPORTED;
        const json_value_t *v = member(s, token, p->len[i]);
        switch (kw->kind) {
        case KW_SCHEMA:
        case KW_ITEMS:
            s = v;
            break;
        case KW_SCHEMA_LIST: {
            size_t index;
            if (++i == p->count || !is_array_index(p->tokens + p->offset[i], p->len[i], &index))
                return REF_UNSUPPORTED;
            s = v != NULL && v->type == JSON_ARRAY && index < v->u.arr.len ? v->u.arr.items[index] : NULL;
            break;
        }
        case KW_SCHEMA_MAP:
            if (++i == p->count)
                return REF_UNSUPPORTED;
            s = member(v, p->tokens + p->offset[i], p->len[i]);
            break;
        default:
            return REF_UNSUPPORTED;
        }
        if (s == NULL)
            return REF_MISSING;
    }
    *out = s;
    return REF_OK;
}

/* Reads "/a/b~1c/0" (percent-decoded already) into tokens; -1 when too long or malformed. */
static int
pointer_parse(const char *s, size_t len, pointer_t *p)
{
    size_t n = 0;
    p->count = 0;
    for (size_t i = 0; i != len;) {
        if (s[i] != '/' || p->count == sizeof(p->offset) / sizeof(p->offset[0]))
            return -1;
        p->offset[p->count] = (uint16_t)n;
        for (++i; i != len && s[i] != '/'; ++i) {
            char c = s[i];
            if (c == '~') {
                if (i + 1 == len || (s[i + 1] != '0' && s[i + 1] != '1'))
                    return -1;
                c = s[++i] == '0' ? '~' : '/';
            }
            if (n + 1 >= sizeof(p->tokens))
                return -1;
            p->tokens[n++] = c;
        }
        p->len[p->count] = (uint16_t)(n - p->offset[p->count]);
        ++p->count;
        if (n + 1 >= sizeof(p->tokens))
            return -1;
        p->tokens[n++] = '\0';
    }
    return 0;
}

/*
 * Resolves a $ref against root: "#" (the root), "#/..." (a JSON pointer to any subschema: percent-decoded, then read
 * as RFC 6901 says, each step through a keyword that holds schemas), or "#NAME" (the subschema whose $anchor is NAME;
 * anchors builds the lookup table on first use). Each may be preceded by the root's own $id exactly as written,
 * which names the same document. Anything else (another document, a relative URI) is REF_UNSUPPORTED. Kept out
 * of line so its buffers are not part of the recursive validate() frames.
 */
__attribute__((noinline)) static int
resolve_ref(const json_value_t *root, anchors_t *anchors, const json_value_t *ref, const json_value_t **out)
{
    *out = NULL;
    if (ref == NULL || ref->type != JSON_STRING)
        return REF_UNSUPPORTED;
    const char *s = ref->u.str.ptr;
    size_t len = ref->u.str.len;
    const json_value_t *id = member(root, "$id", 3);
    if (len != 0 && s[0] != '#' && id != NULL && id->type == JSON_STRING && id->u.str.len != 0) {
        size_t id_len = id->u.str.len - (id->u.str.ptr[id->u.str.len - 1] == '#'); /* an empty fragment names nothing more */
        if (id_len == 0 || len < id_len || memcmp(s, id->u.str.ptr, id_len) != 0 || (len != id_len && s[id_len] != '#'))
            return REF_UNSUPPORTED;
        s += id_len;
        len -= id_len;
    }
    if (len == 0 || (len == 1 && s[0] == '#')) {
        *out = root;
        return REF_OK;
    }
    if (len < 2 || s[0] != '#')
        return REF_UNSUPPORTED;
    if (s[1] != '/') {
        if (!is_anchor_name(s + 1, len - 1))
            return REF_UNSUPPORTED;
        if (anchors_ready(anchors, root) != 0)
            return REF_NO_MEMORY;
        const anchor_t *found = anchors_find(anchors, s + 1, len - 1);
        if (found == NULL)
            return REF_MISSING;
        *out = found->schema;
        return REF_OK;
    }
    char decoded[SCHEMA_REF_NAME_SIZE];
    size_t n = 0;
    for (size_t i = 1; i < len; ++i) {
        char c = s[i];
        if (c == '%') {
            uint32_t byte;
            if (i + 2 >= len || hex_parse(s + i + 1, 2, &byte) != 0 || byte == 0)
                return REF_UNSUPPORTED;
            c = (char)byte;
            i += 2;
        }
        if (n == sizeof(decoded))
            return REF_UNSUPPORTED;
        decoded[n++] = c;
    }
    pointer_t pointer;
    if (pointer_parse(decoded, n, &pointer) != 0)
        return REF_UNSUPPORTED;
    return pointer_walk(root, &pointer, out);
}

/* Collects the string $anchors of s and its subschemas, to the depth schema_check() allows. */
static int
anchors_collect(anchors_t *a, const json_value_t *s, unsigned depth)
{
    if (s->type != JSON_OBJECT || depth > SCHEMA_MAX_CHECK_DEPTH)
        return 0;
    for (size_t i = 0; i != s->u.obj.len; ++i) {
        const json_value_t *v = s->u.obj.items[i].value;
        const keyword_t *kw = find_keyword(s->u.obj.items[i].key);
        int ret = 0;
        if (kw == NULL)
            continue;
        switch (kw->kind) {
        case KW_ANCHOR:
            if (v->type == JSON_STRING)
                ret = anchors_add(a, v, s);
            break;
        case KW_SCHEMA:
        case KW_ITEMS:
            ret = anchors_collect(a, v, depth + 1);
            break;
        case KW_SCHEMA_LIST:
            for (size_t k = 0; ret == 0 && v->type == JSON_ARRAY && k != v->u.arr.len; ++k)
                ret = anchors_collect(a, v->u.arr.items[k], depth + 1);
            break;
        case KW_SCHEMA_MAP:
            for (size_t k = 0; ret == 0 && v->type == JSON_OBJECT && k != v->u.obj.len; ++k)
                ret = anchors_collect(a, v->u.obj.items[k].value, depth + 1);
            break;
        default:
            break;
        }
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* Builds the table of root's anchors unless it is built already; 0, or -1 when out of memory. */
static int
anchors_ready(anchors_t *a, const json_value_t *root)
{
    if (a->state == ANCHORS_UNBUILT) {
        a->state = anchors_collect(a, root, 0) == 0 ? ANCHORS_READY : ANCHORS_NO_MEMORY;
        if (a->state == ANCHORS_READY && a->len > 1)
            qsort(a->items, a->len, sizeof(a->items[0]), compare_anchor);
    }
    return a->state == ANCHORS_READY ? 0 : -1;
}

/* Index of the first member before index i with the same key as member i, or i if there is none. */
static size_t
earlier_duplicate(const json_value_t *obj, size_t i)
{
    const json_member_t *m = &obj->u.obj.items[i];
    for (size_t j = 0; j != i; ++j)
        if (obj->u.obj.items[j].key_len == m->key_len && memcmp(obj->u.obj.items[j].key, m->key, m->key_len) == 0)
            return j;
    return i;
}

static int
earlier_equal_string(const json_value_t *arr, size_t i)
{
    for (size_t j = 0; j != i; ++j)
        if (json_equal(arr->u.arr.items[j], arr->u.arr.items[i]))
            return 1;
    return 0;
}

static int check_schema(check_ctx_t *c, const json_value_t *s, unsigned depth);

/* ---- patterns: ECMA-262 (with the u flag, as JSON Schema means it) for PCRE2 ---- */

/*
 * PCRE2 in UTF mode, with ECMAScript's \u escapes (ALT_BSUX) and empty classes, reads most of ECMA-262 as ECMA-262
 * means it; what differs is rewritten before compiling:
 *   \s, \S          ECMA-262's WhiteSpace and LineTerminator code points. PCRE2's \s is ASCII without UCP, and UCP
 *                   would also make \d, \w and \b Unicode-aware, which ECMA-262's are not.
 *   .               anything but a LineTerminator (PCRE2's excludes only \n)
 *   \p{...}, \P{...} General_Category values by their long names and aliases (Letter, digit, punct, ...) and the
 *                   General_Category= and gc= forms, which PCRE2 10.42 knows only by their short names; Script= and
 *                   sc= as sc:, Script_Extensions= and scx= as scx:; Assigned as the complement of Cn. Binary
 *                   properties (ASCII, Alphabetic, Any, ...) PCRE2 knows by their names already.
 *   \uD83D\uDE00    a surrogate pair spelled as two escapes is the code point it encodes (PCRE2 refuses surrogates)
 *   [ in a class    a literal [, never the start of a POSIX class as PCRE2 would read "[[:alpha:]]"
 * Everything else passes through; what PCRE2 then cannot compile is refused by schema_check().
 */
#define ECMA_SPACE "\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
#define ECMA_NON_SPACE                                                                                                             \
    "\\u0000-\\u0008\\u000e-\\u001f\\u0021-\\u009f\\u00a1-\\u167f\\u1681-\\u1fff\\u200b-\\u2027\\u202a-\\u202e\\u2030-\\u205e"     \
    "\\u2060-\\u2fff\\u3001-\\ufefe\\u{ff00}-\\u{10ffff}"

/* ECMA-262's General_Category values (long name, short name, other alias) and PCRE2's name for each. */
static const struct st_general_category_t {
    const char *names[3];
    const char *pcre2;
} general_categories[] = {
    {{"Cased_Letter", "LC"}, "L&"},
    {{"Close_Punctuation", "Pe"}, "Pe"},
    {{"Connector_Punctuation", "Pc"}, "Pc"},
    {{"Control", "Cc", "cntrl"}, "Cc"},
    {{"Currency_Symbol", "Sc"}, "Sc"},
    {{"Dash_Punctuation", "Pd"}, "Pd"},
    {{"Decimal_Number", "Nd", "digit"}, "Nd"},
    {{"Enclosing_Mark", "Me"}, "Me"},
    {{"Final_Punctuation", "Pf"}, "Pf"},
    {{"Format", "Cf"}, "Cf"},
    {{"Initial_Punctuation", "Pi"}, "Pi"},
    {{"Letter", "L"}, "L"},
    {{"Letter_Number", "Nl"}, "Nl"},
    {{"Line_Separator", "Zl"}, "Zl"},
    {{"Lowercase_Letter", "Ll"}, "Ll"},
    {{"Mark", "M", "Combining_Mark"}, "M"},
    {{"Math_Symbol", "Sm"}, "Sm"},
    {{"Modifier_Letter", "Lm"}, "Lm"},
    {{"Modifier_Symbol", "Sk"}, "Sk"},
    {{"Nonspacing_Mark", "Mn"}, "Mn"},
    {{"Number", "N"}, "N"},
    {{"Open_Punctuation", "Ps"}, "Ps"},
    {{"Other", "C"}, "C"},
    {{"Other_Letter", "Lo"}, "Lo"},
    {{"Other_Number", "No"}, "No"},
    {{"Other_Punctuation", "Po"}, "Po"},
    {{"Other_Symbol", "So"}, "So"},
    {{"Paragraph_Separator", "Zp"}, "Zp"},
    {{"Private_Use", "Co"}, "Co"},
    {{"Punctuation", "P", "punct"}, "P"},
    {{"Separator", "Z"}, "Z"},
    {{"Space_Separator", "Zs"}, "Zs"},
    {{"Spacing_Mark", "Mc"}, "Mc"},
    {{"Surrogate", "Cs"}, "Cs"},
    {{"Symbol", "S"}, "S"},
    {{"Titlecase_Letter", "Lt"}, "Lt"},
    {{"Unassigned", "Cn"}, "Cn"},
    {{"Uppercase_Letter", "Lu"}, "Lu"},
};

static const char *
general_category(const char *name, size_t len)
{
    for (size_t i = 0; i != sizeof(general_categories) / sizeof(general_categories[0]); ++i)
        for (size_t k = 0; k != 3 && general_categories[i].names[k] != NULL; ++k)
            if (strlen(general_categories[i].names[k]) == len && memcmp(general_categories[i].names[k], name, len) == 0)
                return general_categories[i].pcre2;
    return NULL;
}

static int
has_prefix(const char *s, size_t len, const char *prefix, size_t *prefix_len)
{
    *prefix_len = strlen(prefix);
    return len > *prefix_len && memcmp(s, prefix, *prefix_len) == 0;
}

/* \p{body} or \P{body} (negated) in PCRE2's words. */
static void
translate_property(buf_t *out, int negated, const char *body, size_t len)
{
    static const struct {
        const char *ecma, *pcre2; /* a "Name=" prefix and what PCRE2 writes for it */
    } prefixes[] = {{"General_Category=", ""},      {"gc=", ""},     {"Script=", "sc:"}, {"sc=", "sc:"},
                    {"Script_Extensions=", "scx:"}, {"scx=", "scx:"}};
    const char *pcre2_prefix = NULL, *category;
    size_t skip;
    for (size_t i = 0; pcre2_prefix == NULL && i != sizeof(prefixes) / sizeof(prefixes[0]); ++i)
        if (has_prefix(body, len, prefixes[i].ecma, &skip)) {
            pcre2_prefix = prefixes[i].pcre2;
            body += skip;
            len -= skip;
        }
    if (len == 8 && memcmp(body, "Assigned", 8) == 0 && pcre2_prefix == NULL) {
        buf_append_str(out, negated ? "\\p{Cn}" : "\\P{Cn}");
        return;
    }
    buf_append_str(out, negated ? "\\P{" : "\\p{");
    if ((pcre2_prefix == NULL || pcre2_prefix[0] == '\0') && (category = general_category(body, len)) != NULL) {
        buf_append_str(out, category);
    } else {
        if (pcre2_prefix != NULL)
            buf_append_str(out, pcre2_prefix);
        buf_append(out, body, len);
    }
    buf_append_char(out, '}');
}

/* The value of \uHHHH at s (six characters), or -1. */
static int
u_escape(const char *s, size_t len)
{
    if (len < 6 || s[0] != '\\' || s[1] != 'u')
        return -1;
    uint32_t v;
    return hex_parse(s + 2, 4, &v) == 0 ? (int)v : -1;
}

/*
 * Rewrites the ECMA-262 pattern s[0..len) for PCRE2 into out; at[i] is where input byte i's rewrite begins in out
 * (for error offsets), at[len] the end.
 */
static void
ecma_to_pcre2(const char *s, size_t len, buf_t *out, size_t *at)
{
    int in_class = 0;
    for (size_t i = 0; i < len; ++i) {
        at[i] = out->len;
        char c = s[i];
        if (c == '\\' && i + 1 < len) {
            char e = s[i + 1];
            int high = u_escape(s + i, len - i), low = high >= 0xd800 && high <= 0xdbff ? u_escape(s + i + 6, len - i - 6) : -1;
            const char *close;
            if (e == 's' || e == 'S') {
                if (in_class)
                    buf_append_str(out, e == 's' ? ECMA_SPACE : ECMA_NON_SPACE);
                else
                    buf_append_str(out, e == 's' ? "[" ECMA_SPACE "]" : "[^" ECMA_SPACE "]");
            } else if ((e == 'p' || e == 'P') && i + 2 < len && s[i + 2] == '{' &&
                       (close = memchr(s + i + 3, '}', len - i - 3)) != NULL) {
                translate_property(out, e == 'P', s + i + 3, (size_t)(close - (s + i + 3)));
                for (size_t k = i + 1; k <= (size_t)(close - s); ++k)
                    at[k] = at[i];
                i = (size_t)(close - s);
                continue;
            } else if (low >= 0xdc00 && low <= 0xdfff) {
                buf_printf(out, "\\u{%x}", 0x10000 + ((unsigned)(high - 0xd800) << 10) + (unsigned)(low - 0xdc00));
                for (size_t k = i + 1; k != i + 12; ++k)
                    at[k] = at[i];
                i += 11;
                continue;
            } else {
                /* any other escape is copied whole, so an escaped [, ], . or \ keeps its meaning */
                buf_append(out, s + i, 2);
            }
            ++i;
            at[i] = at[i - 1];
            continue;
        }
        if (in_class) {
            if (c == '[') {
                buf_append(out, "\\[", 2);
                continue;
            }
            in_class = c != ']';
            buf_append(out, &c, 1);
        } else if (c == '.') {
            buf_append_str(out, "[^\\n\\r\\u2028\\u2029]");
        } else {
            if (c == '[') {
                in_class = 1;
                if (i + 1 < len && s[i + 1] == '^') {
                    buf_append(out, "[^", 2);
                    ++i;
                    at[i] = at[i - 1];
                    continue;
                }
            }
            buf_append(out, &c, 1);
        }
    }
    at[len] = out->len;
}

/*
 * A pattern compiled the way JSON Schema means it: an ECMA-262 regular expression with the u flag, over code points,
 * unanchored; NULL with the reason (and the offset in the pattern as written) in why.
 */
static pcre2_code *
compile_pattern(const json_value_t *pattern, char *why, size_t why_len)
{
    int code;
    PCRE2_SIZE offset;
    size_t len = pattern->u.str.len;
    buf_t rewritten = BUF_INIT(0);
    size_t *at = malloc((len + 1) * sizeof(*at));
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    pcre2_code *re = NULL;
    if (at == NULL || cc == NULL) {
        snprintf(why, why_len, "out of memory");
        goto exit;
    }
    ecma_to_pcre2(pattern->u.str.ptr, len, &rewritten, at);
    if (buf_failed(&rewritten)) {
        snprintf(why, why_len, "out of memory");
        goto exit;
    }
    pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
    re = pcre2_compile((PCRE2_SPTR)(rewritten.data != NULL ? rewritten.data : ""), rewritten.len,
                       PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY | PCRE2_ALLOW_EMPTY_CLASS, &code, &offset, cc);
    if (re == NULL) {
        PCRE2_UCHAR text[96];
        pcre2_get_error_message(code, text, sizeof(text));
        size_t where = 0; /* the last byte of the pattern whose rewrite starts at or before PCRE2's offset */
        for (size_t i = 0; i <= len; ++i)
            if (at[i] <= (size_t)offset)
                where = i;
        snprintf(why, why_len, "%s at offset %zu", (const char *)text, where);
    }
exit:
    pcre2_compile_context_free(cc);
    free(at);
    buf_dispose(&rewritten);
    return re;
}

static int
check_type_keyword(check_ctx_t *c, const json_value_t *v)
{
    if (v->type == JSON_STRING) {
        if (type_bit(v) == 0)
            return check_fail(c, "unknown type '%s'", v->u.str.ptr);
        return 0;
    }
    if (v->type != JSON_ARRAY || v->u.arr.len == 0)
        return check_fail(c, "must be a type name or a non-empty array of type names");
    for (size_t i = 0; i != v->u.arr.len; ++i) {
        const json_value_t *name = v->u.arr.items[i];
        if (name->type != JSON_STRING)
            return check_fail(c, "must be a type name or a non-empty array of type names");
        if (type_bit(name) == 0)
            return check_fail(c, "unknown type '%s'", name->u.str.ptr);
        if (earlier_equal_string(v, i))
            return check_fail(c, "duplicate type '%s'", name->u.str.ptr);
    }
    return 0;
}

static int
check_keyword(check_ctx_t *c, const keyword_t *kw, const json_value_t *v, unsigned depth)
{
    decimal_t d;
    size_t count;
    switch (kw->kind) {
    case KW_ANY:
        return 0;
    case KW_STRING:
        return v->type == JSON_STRING ? 0 : check_fail(c, "must be a string");
    case KW_BOOLEAN:
        return v->type == JSON_TRUE || v->type == JSON_FALSE ? 0 : check_fail(c, "must be a boolean");
    case KW_ARRAY:
        return v->type == JSON_ARRAY ? 0 : check_fail(c, "must be an array");
    case KW_ROOT_ID:
        if (depth != 0)
            return check_fail(c, "'$id' is only supported at the root");
        return v->type == JSON_STRING ? 0 : check_fail(c, "must be a string");
    case KW_DIALECT:
        if (v->type != JSON_STRING)
            return check_fail(c, "must be a string");
        if (depth != 0)
            return check_fail(c, "'$schema' is only supported at the root");
        if (strcmp(v->u.str.ptr, SCHEMA_DIALECT) != 0 && strcmp(v->u.str.ptr, SCHEMA_DIALECT "#") != 0)
            return check_fail(c, "unsupported dialect (only JSON Schema 2020-12, " SCHEMA_DIALECT ")");
        return 0;
    case KW_ANNOTATION_SCHEMA:
        return v->type == JSON_OBJECT || v->type == JSON_TRUE || v->type == JSON_FALSE ? 0 : check_fail(c, "must be a schema");
    case KW_TYPE:
        return check_type_keyword(c, v);
    case KW_PATTERN: {
        if (v->type != JSON_STRING)
            return check_fail(c, "must be a string");
        char why[128];
        pcre2_code *re = compile_pattern(v, why, sizeof(why));
        if (re == NULL)
            return check_fail(c, "not a regular expression this server can run: %s", why);
        pcre2_code_free(re);
        return 0;
    }
    case KW_NUMBER:
        return decimal_of(v, &d) == 0 ? 0 : check_fail(c, "must be a number");
    case KW_POSITIVE:
        return decimal_of(v, &d) == 0 && decimal_sign(&d) > 0 ? 0 : check_fail(c, "must be a number greater than 0");
    case KW_COUNT:
        return decimal_of(v, &d) == 0 && decimal_to_count(&d, &count) == 0 ? 0 : check_fail(c, "must be a non-negative integer");
    case KW_NAMES:
        if (v->type != JSON_ARRAY)
            return check_fail(c, "must be an array of strings");
        for (size_t i = 0; i != v->u.arr.len; ++i) {
            if (v->u.arr.items[i]->type != JSON_STRING)
                return check_fail(c, "must be an array of strings");
            if (earlier_equal_string(v, i))
                return check_fail(c, "duplicate name '%s'", v->u.arr.items[i]->u.str.ptr);
        }
        return 0;
    case KW_ITEMS:
        if (v->type == JSON_ARRAY)
            return check_fail(c, "must be a schema (use 'prefixItems' for a list of schemas)");
        return check_schema(c, v, depth + 1);
    case KW_SCHEMA:
        return check_schema(c, v, depth + 1);
    case KW_SCHEMA_LIST:
        if (v->type != JSON_ARRAY || v->u.arr.len == 0)
            return check_fail(c, "must be a non-empty array of schemas");
        for (size_t i = 0; i != v->u.arr.len; ++i) {
            path_push(&c->path, NULL, 0, i);
            int ret = check_schema(c, v->u.arr.items[i], depth + 1);
            path_pop(&c->path);
            if (ret != 0)
                return ret;
        }
        return 0;
    case KW_SCHEMA_MAP:
        if (v->type != JSON_OBJECT)
            return check_fail(c, "must be an object of schemas");
        for (size_t i = 0; i != v->u.obj.len; ++i) {
            const json_member_t *m = &v->u.obj.items[i];
            if (earlier_duplicate(v, i) != i)
                return check_fail(c, "duplicate name '%s'", m->key);
            path_push(&c->path, m->key, m->key_len, 0);
            int ret = check_schema(c, m->value, depth + 1);
            path_pop(&c->path);
            if (ret != 0)
                return ret;
        }
        return 0;
    case KW_REF: {
        const json_value_t *target;
        if (v->type != JSON_STRING)
            return check_fail(c, "must be a string");
        switch (resolve_ref(c->root, &c->anchors, v, &target)) {
        case REF_OK:
            return 0;
        case REF_MISSING:
            return check_fail(c, "'%s' does not resolve", v->u.str.ptr);
        case REF_NO_MEMORY:
            return check_fail(c, "out of memory");
        default:
            return check_fail(c, "unsupported reference '%s' (only within this schema: '#', '#/pointer' or '#ANCHOR')",
                              v->u.str.ptr);
        }
    }
    case KW_ANCHOR: {
        if (v->type != JSON_STRING)
            return check_fail(c, "must be a string");
        if (!is_anchor_name(v->u.str.ptr, v->u.str.len))
            return check_fail(c, "must be a letter or '_' followed by letters, digits, '-', '.' or '_'");
        if (anchors_ready(&c->anchors, c->root) != 0)
            return check_fail(c, "out of memory");
        const anchor_t *first = anchors_find(&c->anchors, v->u.str.ptr, v->u.str.len);
        if (first != NULL && first->name != v)
            return check_fail(c, "duplicate anchor '%s'", v->u.str.ptr);
        return 0;
    }
    }
    return check_fail(c, "internal error");
}

static int
check_schema(check_ctx_t *c, const json_value_t *s, unsigned depth)
{
    if (s->type == JSON_TRUE || s->type == JSON_FALSE)
        return 0;
    if (s->type != JSON_OBJECT)
        return check_fail(c, "a schema must be an object or a boolean");
    if (depth > SCHEMA_MAX_CHECK_DEPTH)
        return check_fail(c, "schema nested too deeply");
    for (size_t i = 0; i != s->u.obj.len; ++i) {
        const json_member_t *m = &s->u.obj.items[i];
        if (earlier_duplicate(s, i) != i)
            return check_fail(c, "duplicate keyword '%s'", m->key);
        if (strncmp(m->key, "x-", 2) == 0)
            continue;
        const keyword_t *kw = find_keyword(m->key);
        if (kw == NULL)
            return check_fail(c, "unsupported keyword '%s'", m->key);
        path_push(&c->path, m->key, m->key_len, 0);
        int ret = check_keyword(c, kw, m->value, depth);
        path_pop(&c->path);
        if (ret != 0)
            return ret;
    }
    return 0;
}

int
schema_check(const json_value_t *schema, char *err, size_t err_len)
{
    check_ctx_t c = {.root = schema, .err = err, .err_len = err != NULL ? err_len : 0, .path.pointer = 1};
    if (c.err_len != 0)
        err[0] = '\0';
    if (schema == NULL)
        return check_fail(&c, "no schema");
    int ret = check_schema(&c, schema, 0);
    anchors_dispose(&c.anchors);
    return ret;
}

/* ---- uniqueItems ---- */

static uint64_t
mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t
hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i != n; ++i)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    return h;
}

/* A hash consistent with json_equal(): equal values hash alike (numbers by double value, members in any order). */
static uint64_t
hash_value(const json_value_t *v)
{
    uint64_t h = mix64((uint64_t)v->type + 1);
    switch (v->type) {
    case JSON_NULL:
    case JSON_TRUE:
    case JSON_FALSE:
        return h;
    case JSON_NUMBER: {
        double d;
        if (json_double(v, &d) != 0)
            return h ^ hash_bytes(v->u.num.raw, v->u.num.len);
        if (d == 0)
            d = 0; /* -0 equals 0 */
        uint64_t bits;
        memcpy(&bits, &d, sizeof(bits));
        return h ^ mix64(bits);
    }
    case JSON_STRING:
        return h ^ hash_bytes(v->u.str.ptr, v->u.str.len);
    case JSON_ARRAY:
        for (size_t i = 0; i != v->u.arr.len; ++i)
            h = mix64(h ^ hash_value(v->u.arr.items[i]));
        return h;
    case JSON_OBJECT: {
        uint64_t sum = 0, n = 0;
        for (size_t i = 0; i != v->u.obj.len; ++i) {
            const json_member_t *m = &v->u.obj.items[i];
            if (json_getn(v, m->key, m->key_len) != m->value)
                continue; /* a name given again later: json_equal() reads only the last */
            sum += mix64(hash_bytes(m->key, m->key_len) ^ mix64(hash_value(m->value) + 1));
            ++n;
        }
        return h ^ mix64(sum + n);
    }
    }
    return h;
}

typedef struct st_item_hash_t {
    uint64_t hash;
    size_t index;
} item_hash_t;

static int
compare_item_hash(const void *a, const void *b)
{
    const item_hash_t *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * 1 if two items of arr are equal, 0 if not, -1 if out of memory. Sorting hashes keeps this O(n log n),
 * since a client controls the array's length. Kept out of line so its buffer is not part of the
 * recursive validate() frames.
 */
__attribute__((noinline)) static int
has_duplicate(const json_value_t *arr)
{
    size_t n = arr->u.arr.len;
    if (n < 2)
        return 0;
    item_hash_t on_stack[SCHEMA_UNIQUE_ON_STACK], *h = on_stack;
    if (n > SCHEMA_UNIQUE_ON_STACK && (h = malloc(n * sizeof(*h))) == NULL)
        return -1;
    for (size_t i = 0; i != n; ++i) {
        h[i].hash = hash_value(arr->u.arr.items[i]);
        h[i].index = i;
    }
    qsort(h, n, sizeof(*h), compare_item_hash);
    int found = 0;
    for (size_t run = 0; run != n && !found;) {
        size_t end = run + 1;
        while (end != n && h[end].hash == h[run].hash)
            ++end;
        for (size_t i = run; i != end && !found; ++i)
            for (size_t j = i + 1; j != end && !found; ++j)
                found = json_equal(arr->u.arr.items[h[i].index], arr->u.arr.items[h[j].index]);
        run = end;
    }
    if (h != on_stack)
        free(h);
    return found;
}

/* ---- schema_validate ---- */

enum { V_OK = 0, V_INVALID = -1, V_ABORT = -2 /* not a verdict on the instance: stop everything */ };

typedef struct st_validate_ctx_t {
    const json_value_t *root;
    anchors_t anchors; /* built by the first "#ANCHOR" reference followed */
    char *err;
    size_t err_len;
    unsigned quiet;     /* > 0 while trying alternatives (anyOf, oneOf, not, if), whose failures are not reported */
    unsigned ref_chain; /* $refs followed since the last step into the instance */
    unsigned nesting;
    size_t steps_left;
    path_t path; /* into the instance */
} validate_ctx_t;

static void
write_subject(validate_ctx_t *c, size_t *pos)
{
    char where[SCHEMA_PATH_SHOWN + 8];
    path_render(&c->path, where, sizeof(where));
    if (c->path.depth == 0)
        msg_append(c->err, c->err_len, pos, "arguments: ");
    else
        msg_append(c->err, c->err_len, pos, "argument '%s': ", where);
}

static void
vreport(validate_ctx_t *c, const char *fmt, va_list ap)
{
    size_t pos = 0;
    write_subject(c, &pos);
    msg_vappend(c->err, c->err_len, &pos, fmt, ap);
    msg_finish(c->err, pos);
}

/* The instance fails the schema: "argument 'PATH': MESSAGE". */
__attribute__((format(printf, 2, 3))) static int
invalid(validate_ctx_t *c, const char *fmt, ...)
{
    if (c->quiet == 0 && c->err_len != 0) {
        va_list ap;
        va_start(ap, fmt);
        vreport(c, fmt, ap);
        va_end(ap);
    }
    return V_INVALID;
}

/* Validation cannot go on (a $ref loop, the work budget, a malformed schema); reported even when quiet. */
__attribute__((format(printf, 2, 3))) static int
give_up(validate_ctx_t *c, const char *fmt, ...)
{
    if (c->err_len != 0) {
        va_list ap;
        va_start(ap, fmt);
        vreport(c, fmt, ap);
        va_end(ap);
    }
    return V_ABORT;
}

static int
invalid_schema(validate_ctx_t *c)
{
    return give_up(c, "the schema is invalid");
}

/* Message builders are kept out of line so their buffers do not grow the recursive frames. */
__attribute__((noinline)) static int
expected_types(validate_ctx_t *c, unsigned mask)
{
    char names[96];
    format_types(mask, names, sizeof(names));
    return invalid(c, "expected %s", names);
}

__attribute__((noinline)) static int
missing_required(validate_ctx_t *c, const json_value_t *name)
{
    if (c->quiet == 0 && c->err_len != 0) {
        char where[SCHEMA_PATH_SHOWN + 8];
        size_t pos = 0;
        path_push(&c->path, name->u.str.ptr, name->u.str.len, 0);
        path_render(&c->path, where, sizeof(where));
        path_pop(&c->path);
        msg_append(c->err, c->err_len, &pos, "missing required argument '%s'", where);
        msg_finish(c->err, pos);
    }
    return V_INVALID;
}

static const char *
plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static int validate(validate_ctx_t *c, const json_value_t *s, const json_value_t *v);

/*
 * The keywords validation reads. Each schema object is scanned once for which of them it has (present_keywords), and
 * only those are looked up: most schemas hold a few of the 29, and each lookup would otherwise walk all its members.
 */
typedef enum {
    VK_TYPE,
    VK_CONST,
    VK_ENUM,
    VK_MINIMUM,
    VK_MAXIMUM,
    VK_EXCLUSIVE_MINIMUM,
    VK_EXCLUSIVE_MAXIMUM,
    VK_MULTIPLE_OF,
    VK_MIN_LENGTH,
    VK_MAX_LENGTH,
    VK_PATTERN,
    VK_MIN_ITEMS,
    VK_MAX_ITEMS,
    VK_UNIQUE_ITEMS,
    VK_PREFIX_ITEMS,
    VK_ITEMS,
    VK_REQUIRED,
    VK_MIN_PROPERTIES,
    VK_MAX_PROPERTIES,
    VK_PROPERTIES,
    VK_ADDITIONAL_PROPERTIES,
    VK_ALL_OF,
    VK_ANY_OF,
    VK_ONE_OF,
    VK_NOT,
    VK_IF,
    VK_THEN,
    VK_ELSE,
    VK_REF,
    VK_COUNT
} vkeyword_t;

#define VK(id, str) [id] = {str, sizeof(str) - 1}
static const struct st_vkeyword_name_t {
    const char *name;
    size_t len;
} vkeywords[VK_COUNT] = {
    VK(VK_TYPE, "type"),
    VK(VK_CONST, "const"),
    VK(VK_ENUM, "enum"),
    VK(VK_MINIMUM, "minimum"),
    VK(VK_MAXIMUM, "maximum"),
    VK(VK_EXCLUSIVE_MINIMUM, "exclusiveMinimum"),
    VK(VK_EXCLUSIVE_MAXIMUM, "exclusiveMaximum"),
    VK(VK_MULTIPLE_OF, "multipleOf"),
    VK(VK_MIN_LENGTH, "minLength"),
    VK(VK_MAX_LENGTH, "maxLength"),
    VK(VK_PATTERN, "pattern"),
    VK(VK_MIN_ITEMS, "minItems"),
    VK(VK_MAX_ITEMS, "maxItems"),
    VK(VK_UNIQUE_ITEMS, "uniqueItems"),
    VK(VK_PREFIX_ITEMS, "prefixItems"),
    VK(VK_ITEMS, "items"),
    VK(VK_REQUIRED, "required"),
    VK(VK_MIN_PROPERTIES, "minProperties"),
    VK(VK_MAX_PROPERTIES, "maxProperties"),
    VK(VK_PROPERTIES, "properties"),
    VK(VK_ADDITIONAL_PROPERTIES, "additionalProperties"),
    VK(VK_ALL_OF, "allOf"),
    VK(VK_ANY_OF, "anyOf"),
    VK(VK_ONE_OF, "oneOf"),
    VK(VK_NOT, "not"),
    VK(VK_IF, "if"),
    VK(VK_THEN, "then"),
    VK(VK_ELSE, "else"),
    VK(VK_REF, "$ref"),
};
#undef VK
_Static_assert(VK_COUNT <= 32, "a keyword's bit fits in a uint32_t");

/* The validation keywords schema object s has, one bit (1 << vkeyword_t) each. */
static uint32_t
present_keywords(const json_value_t *s)
{
    uint32_t kw = 0;
    for (size_t i = 0; i != s->u.obj.len; ++i) {
        const json_member_t *m = &s->u.obj.items[i];
        for (unsigned k = 0; k != VK_COUNT; ++k) {
            if (m->key_len == vkeywords[k].len && m->key[0] == vkeywords[k].name[0] &&
                memcmp(m->key, vkeywords[k].name, m->key_len) == 0) {
                kw |= 1u << k;
                break;
            }
        }
    }
    return kw;
}

/* Keyword k of schema s (whose present keywords are kw), or NULL when s does not have it. */
static const json_value_t *
kw_get(const json_value_t *s, uint32_t kw, vkeyword_t k)
{
    return kw & (1u << k) ? json_getn(s, vkeywords[k].name, vkeywords[k].len) : NULL;
}

/* Validates a member or item of the current instance; the caller has extended the path. */
static int
validate_child(validate_ctx_t *c, const json_value_t *s, const json_value_t *v)
{
    unsigned saved = c->ref_chain;
    c->ref_chain = 0;
    int ret = validate(c, s, v);
    c->ref_chain = saved;
    return ret;
}

static int
count_keyword(validate_ctx_t *c, const json_value_t *s, uint32_t kw, vkeyword_t k, size_t *out)
{
    decimal_t d;
    const json_value_t *v = kw_get(s, kw, k);
    if (v == NULL)
        return 0;
    if (decimal_of(v, &d) != 0 || decimal_to_count(&d, out) != 0)
        return invalid_schema(c);
    return 1;
}

static const struct st_bound_t {
    vkeyword_t keyword;
    int sign_fails[3]; /* indexed by comparison + 1: instance below, equal to, above the bound */
    const char *relation;
} bounds[] = {
    {VK_MINIMUM, {1, 0, 0}, "at least"},
    {VK_MAXIMUM, {0, 0, 1}, "at most"},
    {VK_EXCLUSIVE_MINIMUM, {1, 1, 0}, "greater than"},
    {VK_EXCLUSIVE_MAXIMUM, {0, 1, 1}, "less than"},
};

static int
validate_number(validate_ctx_t *c, const json_value_t *s, uint32_t kw, const json_value_t *v)
{
    decimal_t d, bound;
    if (decimal_of(v, &d) != 0)
        return give_up(c, "not a valid number");
    for (size_t i = 0; i != sizeof(bounds) / sizeof(bounds[0]); ++i) {
        const json_value_t *b = kw_get(s, kw, bounds[i].keyword);
        if (b == NULL)
            continue;
        if (decimal_of(b, &bound) != 0)
            return invalid_schema(c);
        if (bounds[i].sign_fails[decimal_cmp(&d, &bound) + 1])
            return invalid(c, "must be %s %s", bounds[i].relation, b->u.num.raw);
    }
    const json_value_t *m = kw_get(s, kw, VK_MULTIPLE_OF);
    if (m != NULL) {
        if (decimal_of(m, &bound) != 0 || decimal_sign(&bound) <= 0)
            return invalid_schema(c);
        if (!decimal_is_multiple(&d, &bound, v, m))
            return invalid(c, "must be a multiple of %s", m->u.num.raw);
    }
    return V_OK;
}

/* A string matches the schema's pattern somewhere (patterns are not anchored); bounded work against runaway backtracking. */
static int
match_pattern(validate_ctx_t *c, const json_value_t *pattern, const json_value_t *v)
{
    char why[128];
    pcre2_code *re = compile_pattern(pattern, why, sizeof(why));
    if (re == NULL)
        return invalid_schema(c);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    int rc = PCRE2_ERROR_NOMEMORY;
    if (md != NULL && mc != NULL) {
        pcre2_set_match_limit(mc, SCHEMA_PATTERN_MATCH_LIMIT);
        pcre2_set_depth_limit(mc, SCHEMA_PATTERN_DEPTH_LIMIT);
        rc = pcre2_match(re, (PCRE2_SPTR)v->u.str.ptr, v->u.str.len, 0, 0, md, mc);
    }
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    if (rc >= 0)
        return V_OK;
    if (rc == PCRE2_ERROR_NOMATCH)
        return invalid(c, "does not match the pattern %s", pattern->u.str.len <= 64 ? pattern->u.str.ptr : "(long)");
    return invalid(c, "could not be matched against its pattern in the time allowed");
}

static int
validate_string(validate_ctx_t *c, const json_value_t *s, uint32_t kw, const json_value_t *v)
{
    size_t limit, length = 0;
    int has;
    for (size_t i = 0; i != v->u.str.len; ++i)
        length += ((unsigned char)v->u.str.ptr[i] & 0xc0) != 0x80;
    if ((has = count_keyword(c, s, kw, VK_MIN_LENGTH, &limit)) < 0)
        return has;
    if (has && length < limit)
        return invalid(c, "must be at least %zu character%s long", limit, plural(limit, "", "s"));
    if ((has = count_keyword(c, s, kw, VK_MAX_LENGTH, &limit)) < 0)
        return has;
    if (has && length > limit)
        return invalid(c, "must be at most %zu character%s long", limit, plural(limit, "", "s"));
    const json_value_t *pattern = kw_get(s, kw, VK_PATTERN);
    if (pattern != NULL)
        return match_pattern(c, pattern, v);
    return V_OK;
}

static int
validate_array(validate_ctx_t *c, const json_value_t *s, uint32_t kw, const json_value_t *v)
{
    size_t n = v->u.arr.len, limit;
    int has;
    if ((has = count_keyword(c, s, kw, VK_MIN_ITEMS, &limit)) < 0)
        return has;
    if (has && n < limit)
        return invalid(c, "must have at least %zu item%s", limit, plural(limit, "", "s"));
    if ((has = count_keyword(c, s, kw, VK_MAX_ITEMS, &limit)) < 0)
        return has;
    if (has && n > limit)
        return invalid(c, "must have at most %zu item%s", limit, plural(limit, "", "s"));

    const json_value_t *unique = kw_get(s, kw, VK_UNIQUE_ITEMS);
    if (unique != NULL && unique->type == JSON_TRUE) {
        int dup = has_duplicate(v);
        if (dup < 0)
            return give_up(c, "too large to validate");
        if (dup)
            return invalid(c, "must not contain duplicate items");
    }

    const json_value_t *prefix = kw_get(s, kw, VK_PREFIX_ITEMS), *items = kw_get(s, kw, VK_ITEMS);
    size_t num_prefix = 0;
    if (prefix != NULL) {
        if (prefix->type != JSON_ARRAY)
            return invalid_schema(c);
        num_prefix = prefix->u.arr.len;
    }
    if (items != NULL && items->type == JSON_FALSE && n > num_prefix)
        return invalid(c, "must have at most %zu item%s", num_prefix, plural(num_prefix, "", "s"));
    for (size_t i = 0; i != n; ++i) {
        const json_value_t *item_schema = i < num_prefix ? prefix->u.arr.items[i] : items;
        if (item_schema == NULL)
            break;
        path_push(&c->path, NULL, 0, i);
        int ret = validate_child(c, item_schema, v->u.arr.items[i]);
        path_pop(&c->path);
        if (ret != V_OK)
            return ret;
    }
    return V_OK;
}

static int
has_member(const json_value_t *obj, const char *key, size_t len)
{
    return member(obj, key, len) != NULL;
}

static int
validate_object(validate_ctx_t *c, const json_value_t *s, uint32_t kw, const json_value_t *v)
{
    const json_value_t *required = kw_get(s, kw, VK_REQUIRED);
    if (required != NULL) {
        if (required->type != JSON_ARRAY)
            return invalid_schema(c);
        for (size_t i = 0; i != required->u.arr.len; ++i) {
            const json_value_t *name = required->u.arr.items[i];
            if (name->type != JSON_STRING)
                return invalid_schema(c);
            if (!has_member(v, name->u.str.ptr, name->u.str.len))
                return missing_required(c, name);
        }
    }

    size_t n = v->u.obj.len, limit;
    int has;
    if ((has = count_keyword(c, s, kw, VK_MIN_PROPERTIES, &limit)) < 0)
        return has;
    if (has && n < limit)
        return invalid(c, "must have at least %zu propert%s", limit, plural(limit, "y", "ies"));
    if ((has = count_keyword(c, s, kw, VK_MAX_PROPERTIES, &limit)) < 0)
        return has;
    if (has && n > limit)
        return invalid(c, "must have at most %zu propert%s", limit, plural(limit, "y", "ies"));

    const json_value_t *properties = kw_get(s, kw, VK_PROPERTIES), *additional = kw_get(s, kw, VK_ADDITIONAL_PROPERTIES);
    if (properties != NULL && properties->type != JSON_OBJECT)
        return invalid_schema(c);
    for (size_t i = 0; i != n; ++i) {
        const json_member_t *m = &v->u.obj.items[i];
        const json_value_t *sub = member(properties, m->key, m->key_len);
        if (sub != NULL) {
            path_push(&c->path, m->key, m->key_len, 0);
        } else if (additional == NULL) {
            continue;
        } else if (additional->type == JSON_FALSE) {
            /* the name came from the client: never repeat it */
            if (c->path.depth != 0)
                return invalid(c, "unexpected property");
            if (c->quiet == 0 && c->err_len != 0)
                snprintf(c->err, c->err_len, "unexpected argument");
            return V_INVALID;
        } else {
            sub = additional;
            path_push(&c->path, "*", 1, 0);
        }
        int ret = validate_child(c, sub, m->value);
        path_pop(&c->path);
        if (ret != V_OK)
            return ret;
    }
    return V_OK;
}

/* The types a subschema can accept at most, judged from its type, const or enum (following $refs). */
static unsigned
schema_types(validate_ctx_t *c, const json_value_t *s)
{
    for (unsigned hops = 0; hops != SCHEMA_MAX_REF_CHAIN; ++hops) {
        if (s->type == JSON_FALSE)
            return 0;
        if (s->type != JSON_OBJECT)
            return T_ALL;
        const json_value_t *t = json_get(s, "type"), *k = json_get(s, "const"), *e = json_get(s, "enum"), *ref;
        if (t != NULL)
            return type_mask(t);
        if (k != NULL)
            return instance_types(k);
        if (e != NULL && e->type == JSON_ARRAY) {
            unsigned mask = 0;
            for (size_t i = 0; i != e->u.arr.len; ++i)
                mask |= instance_types(e->u.arr.items[i]);
            return mask;
        }
        if ((ref = json_get(s, "$ref")) == NULL || resolve_ref(c->root, &c->anchors, ref, &s) != REF_OK)
            return T_ALL;
    }
    return T_ALL;
}

/*
 * No alternative of anyOf/oneOf matched. When the instance's type rules out all of them, say which types
 * would do; when it rules out all but one, that one's own complaint is the useful one.
 */
static int
no_alternative_matched(validate_ctx_t *c, const json_value_t *list, const json_value_t *v)
{
    if (c->quiet != 0 || c->err_len == 0)
        return V_INVALID;
    unsigned have = instance_types(v), allowed = 0;
    size_t compatible = 0;
    const json_value_t *candidate = NULL;
    for (size_t i = 0; i != list->u.arr.len; ++i) {
        unsigned types = schema_types(c, list->u.arr.items[i]);
        allowed |= types;
        if (types & have) {
            ++compatible;
            candidate = list->u.arr.items[i];
        }
    }
    if (compatible == 0 && allowed != 0)
        return expected_types(c, allowed);
    if (compatible == 1) {
        int ret = validate(c, candidate, v);
        if (ret != V_OK)
            return ret;
    }
    return invalid(c, "does not match any of the allowed schemas");
}

/* Runs subschema s on the instance without reporting; V_ABORT still stops everything. */
static int
try_schema(validate_ctx_t *c, const json_value_t *s, const json_value_t *v)
{
    ++c->quiet;
    int ret = validate(c, s, v);
    --c->quiet;
    return ret;
}

/*
 * if/then/else: the outcome of "if" (tried without reporting) picks "then" or "else", whose own complaint
 * is the message. An "if" with neither is not even tried, and "then" or "else" without "if" does nothing.
 */
static int
validate_conditional(validate_ctx_t *c, const json_value_t *s, uint32_t kw, const json_value_t *v)
{
    const json_value_t *if_schema = kw_get(s, kw, VK_IF);
    if (if_schema == NULL)
        return V_OK;
    const json_value_t *then_schema = kw_get(s, kw, VK_THEN), *else_schema = kw_get(s, kw, VK_ELSE);
    if (then_schema == NULL && else_schema == NULL)
        return V_OK;
    int ret = try_schema(c, if_schema, v);
    if (ret == V_ABORT)
        return ret;
    const json_value_t *branch = ret == V_OK ? then_schema : else_schema;
    return branch != NULL ? validate(c, branch, v) : V_OK;
}

static int
validate_applicators(validate_ctx_t *c, const json_value_t *s, uint32_t kw, const json_value_t *v)
{
    const json_value_t *list;
    int ret;
    if ((list = kw_get(s, kw, VK_ALL_OF)) != NULL) {
        if (list->type != JSON_ARRAY)
            return invalid_schema(c);
        for (size_t i = 0; i != list->u.arr.len; ++i)
            if ((ret = validate(c, list->u.arr.items[i], v)) != V_OK)
                return ret;
    }
    if ((list = kw_get(s, kw, VK_ANY_OF)) != NULL) {
        if (list->type != JSON_ARRAY)
            return invalid_schema(c);
        size_t i;
        for (i = 0; i != list->u.arr.len; ++i) {
            if ((ret = try_schema(c, list->u.arr.items[i], v)) == V_ABORT)
                return ret;
            if (ret == V_OK)
                break;
        }
        if (i == list->u.arr.len)
            return no_alternative_matched(c, list, v);
    }
    if ((list = kw_get(s, kw, VK_ONE_OF)) != NULL) {
        if (list->type != JSON_ARRAY)
            return invalid_schema(c);
        size_t matches = 0;
        for (size_t i = 0; i != list->u.arr.len && matches < 2; ++i) {
            if ((ret = try_schema(c, list->u.arr.items[i], v)) == V_ABORT)
                return ret;
            matches += ret == V_OK;
        }
        if (matches == 0)
            return no_alternative_matched(c, list, v);
        if (matches > 1)
            return invalid(c, "matches more than one of the allowed schemas");
    }
    const json_value_t *not_schema = kw_get(s, kw, VK_NOT);
    if (not_schema != NULL) {
        if ((ret = try_schema(c, not_schema, v)) == V_ABORT)
            return ret;
        if (ret == V_OK)
            return invalid(c, "is not allowed");
    }
    if ((ret = validate_conditional(c, s, kw, v)) != V_OK)
        return ret;
    const json_value_t *ref = kw_get(s, kw, VK_REF), *target;
    if (ref != NULL) {
        switch (resolve_ref(c->root, &c->anchors, ref, &target)) {
        case REF_OK:
            break;
        case REF_NO_MEMORY:
            return give_up(c, "out of memory");
        default:
            return invalid_schema(c);
        }
        if (c->ref_chain == SCHEMA_MAX_REF_CHAIN)
            return give_up(c, "schema references nest too deeply");
        ++c->ref_chain;
        ret = validate(c, target, v);
        --c->ref_chain;
        if (ret != V_OK)
            return ret;
    }
    return V_OK;
}

static int
validate_keywords(validate_ctx_t *c, const json_value_t *s, const json_value_t *v)
{
    if (s->type == JSON_TRUE)
        return V_OK;
    if (s->type == JSON_FALSE)
        return invalid(c, "is not allowed");
    if (s->type != JSON_OBJECT)
        return invalid_schema(c);

    uint32_t kw = present_keywords(s);
    const json_value_t *t = kw_get(s, kw, VK_TYPE), *k, *e;
    if (t != NULL) {
        unsigned mask = type_mask(t);
        if (mask == 0)
            return invalid_schema(c);
        if ((mask & instance_types(v)) == 0)
            return expected_types(c, mask);
    }
    if ((k = kw_get(s, kw, VK_CONST)) != NULL && !json_equal(k, v))
        return invalid(c, "must be equal to the allowed value");
    if ((e = kw_get(s, kw, VK_ENUM)) != NULL) {
        if (e->type != JSON_ARRAY)
            return invalid_schema(c);
        size_t i;
        for (i = 0; i != e->u.arr.len && !json_equal(e->u.arr.items[i], v); ++i)
            ;
        if (i == e->u.arr.len)
            return invalid(c, "must be one of the allowed values");
    }

    int ret = V_OK;
    switch (v->type) {
    case JSON_NUMBER:
        ret = validate_number(c, s, kw, v);
        break;
    case JSON_STRING:
        ret = validate_string(c, s, kw, v);
        break;
    case JSON_ARRAY:
        ret = validate_array(c, s, kw, v);
        break;
    case JSON_OBJECT:
        ret = validate_object(c, s, kw, v);
        break;
    default:
        break;
    }
    if (ret != V_OK)
        return ret;
    return validate_applicators(c, s, kw, v);
}

static int
validate(validate_ctx_t *c, const json_value_t *s, const json_value_t *v)
{
    if (c->steps_left == 0)
        return give_up(c, "too complex to validate");
    --c->steps_left;
    if (c->nesting == SCHEMA_MAX_NESTING)
        return give_up(c, "schema nested too deeply");
    ++c->nesting;
    int ret = validate_keywords(c, s, v);
    --c->nesting;
    return ret;
}

static size_t
count_nodes(const json_value_t *v)
{
    size_t n = 1;
    if (v->type == JSON_ARRAY)
        for (size_t i = 0; i != v->u.arr.len; ++i)
            n += count_nodes(v->u.arr.items[i]);
    else if (v->type == JSON_OBJECT)
        for (size_t i = 0; i != v->u.obj.len; ++i)
            n += count_nodes(v->u.obj.items[i].value);
    return n;
}

int
schema_validate(const json_value_t *schema, const json_value_t *instance, char *err, size_t err_len)
{
    /* member by member: zeroing the whole path (its steps are written as they are pushed) would cost more than validating */
    validate_ctx_t c;
    c.root = schema;
    c.anchors = (anchors_t){0};
    c.err = err;
    c.err_len = err != NULL ? err_len : 0;
    c.quiet = c.ref_chain = c.nesting = 0;
    c.path.pointer = 0;
    c.path.depth = 0;
    if (c.err_len != 0)
        err[0] = '\0';
    if (schema == NULL || instance == NULL) {
        if (c.err_len != 0)
            snprintf(err, c.err_len, "%s", schema == NULL ? "no schema" : "no arguments");
        return -1;
    }
    size_t nodes = count_nodes(instance);
    c.steps_left = nodes < (SIZE_MAX - SCHEMA_STEPS_BASE) / SCHEMA_STEPS_PER_NODE
                       ? SCHEMA_STEPS_BASE + nodes * SCHEMA_STEPS_PER_NODE
                       : SIZE_MAX;
    int ret = validate(&c, schema, instance);
    anchors_dispose(&c.anchors);
    if (ret == V_OK) {
        if (c.err_len != 0)
            err[0] = '\0';
        return 0;
    }
    return -1;
}
