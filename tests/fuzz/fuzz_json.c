/*
 * fuzz_json: a libFuzzer target over the JSON parser (common/json.c), both modes, and the writer's
 * jsonw_value() that echoes parsed values back out. The input is the document. Checked on every input:
 *   - every result is 0 or a known JSON_ERR_* code, and the strict parser never accepts what the lenient one refuses,
 *     and both give equal trees when both accept;
 *   - a tree stays within the depth limit; every string and key is valid UTF-8 of its stated length, with no U+0000
 *     inside in the strict mode (so C string functions see all of it);
 *   - a tree written back out with jsonw_value() parses again (strictly, for a strict tree) into an equal tree, and so
 *     does its json_copy();
 *   - an arena limit gives JSON_ERR_NOMEM, never a partial tree;
 *   - yajl, the library the parser replaced, is the oracle: on any input that is valid UTF-8 without a NUL byte, a
 *     vertical tab or a form feed (yajl takes the last two for whitespace), the lenient parser accepts exactly what
 *     yajl accepts (unless past the depth limit), and a strict tree is, event by event, what yajl reads.
 * Build and run: tests/fuzz/run.sh SECONDS json.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "arena.h"
#include "json.h"
#include "jsonw.h"

#define MAX_DEPTH 16
#define SMALL_ARENA 2048 /* small enough that ordinary inputs cross it */

static void
require(int ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz_json: guarantee broken: %s\n", what);
    abort();
}

static int
known_result(int r)
{
    return r == 0 || strcmp(json_strerror(r), json_strerror(1)) != 0;
}

/* Walks the tree: depth, UTF-8 and lengths of strings and keys. */
static void
check_tree(const json_value_t *v, unsigned depth, int strict)
{
    switch (v->type) {
    case JSON_STRING:
        require(json_utf8_valid(v->u.str.ptr, v->u.str.len), "a string is valid UTF-8");
        require(v->u.str.ptr[v->u.str.len] == '\0', "a string is NUL-terminated");
        require(!strict || strlen(v->u.str.ptr) == v->u.str.len, "a strict string holds no U+0000");
        break;
    case JSON_NUMBER: {
        require(v->u.num.len != 0 && strlen(v->u.num.raw) == v->u.num.len, "a number keeps its literal");
        double d;
        int64_t i;
        require(json_double(v, &d) == 0, "a number reads as a double");
        require(json_int64(v, &i) != 0 || json_is_integer(v), "an int64 is integral");
        break;
    }
    case JSON_ARRAY:
        require(depth < MAX_DEPTH, "arrays within the depth limit");
        for (size_t i = 0; i != v->u.arr.len; ++i)
            check_tree(v->u.arr.items[i], depth + 1, strict);
        break;
    case JSON_OBJECT:
        require(depth < MAX_DEPTH, "objects within the depth limit");
        for (size_t i = 0; i != v->u.obj.len; ++i) {
            const json_member_t *m = &v->u.obj.items[i];
            require(json_utf8_valid(m->key, m->key_len) && m->key[m->key_len] == '\0', "a key is valid UTF-8");
            require(!strict || strlen(m->key) == m->key_len, "a strict key holds no U+0000");
            require(json_getn(v, m->key, m->key_len) != NULL, "a member is found by its name");
            require(!strict || json_get(v, m->key) != NULL, "a strict member is found by its C string name");
            check_tree(m->value, depth + 1, strict);
        }
        break;
    default:
        break;
    }
}

/* The tree written out parses again into an equal tree. */
static void
check_round_trip(const json_value_t *v, int strict)
{
    buf_t out = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &out);
    jsonw_value(&w, v);
    require(!jsonw_failed(&w), "the writer takes a parsed tree");
    arena_t arena;
    arena_init(&arena, 0);
    json_value_t *again;
    int r = strict ? json_parse(&arena, out.data, out.len, MAX_DEPTH, &again)
                   : json_parse_lenient(&arena, out.data, out.len, MAX_DEPTH, &again);
    require(r == 0, "what the writer wrote parses again");
    require(json_equal(v, again), "and is the same value");
    arena_dispose(&arena);
    buf_dispose(&out);
}

/* A reading of the document as a list of events, each tagged, with the bytes of strings, keys and numbers. */
static void
put_event(buf_t *out, char tag, const void *data, size_t len)
{
    buf_printf(out, "%c%zu:", tag, len);
    buf_append(out, data, len);
}

static int
on_null(void *ctx)
{
    put_event(ctx, 'n', "", 0);
    return 1;
}

static int
on_boolean(void *ctx, int value)
{
    put_event(ctx, value ? 't' : 'f', "", 0);
    return 1;
}

static int
on_number(void *ctx, const char *s, size_t len)
{
    put_event(ctx, '#', s, len);
    return 1;
}

static int
on_string(void *ctx, const unsigned char *s, size_t len)
{
    put_event(ctx, 's', s, len);
    return 1;
}

static int
on_key(void *ctx, const unsigned char *s, size_t len)
{
    put_event(ctx, 'k', s, len);
    return 1;
}

static int
on_start_map(void *ctx)
{
    put_event(ctx, '{', "", 0);
    return 1;
}

static int
on_end_map(void *ctx)
{
    put_event(ctx, '}', "", 0);
    return 1;
}

static int
on_start_array(void *ctx)
{
    put_event(ctx, '[', "", 0);
    return 1;
}

static int
on_end_array(void *ctx)
{
    put_event(ctx, ']', "", 0);
    return 1;
}

static const yajl_callbacks oracle_callbacks = {
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

/* The same reading of a parsed tree. */
static void
tree_events(buf_t *out, const json_value_t *v)
{
    switch (v->type) {
    case JSON_NULL:
        on_null(out);
        break;
    case JSON_FALSE:
    case JSON_TRUE:
        on_boolean(out, v->type == JSON_TRUE);
        break;
    case JSON_NUMBER:
        put_event(out, '#', v->u.num.raw, v->u.num.len);
        break;
    case JSON_STRING:
        put_event(out, 's', v->u.str.ptr, v->u.str.len);
        break;
    case JSON_ARRAY:
        on_start_array(out);
        for (size_t i = 0; i != v->u.arr.len; ++i)
            tree_events(out, v->u.arr.items[i]);
        on_end_array(out);
        break;
    case JSON_OBJECT:
        on_start_map(out);
        for (size_t i = 0; i != v->u.obj.len; ++i) {
            put_event(out, 'k', v->u.obj.items[i].key, v->u.obj.items[i].key_len);
            tree_events(out, v->u.obj.items[i].value);
        }
        on_end_map(out);
        break;
    }
}

/*
 * yajl's verdict on the document (1: accepted), and its events in *events. yajl misses trailing data that is an
 * unfinished token ("1 \"", which it reads as a value and the start of a string it is still waiting for), so it is
 * told to stop after the first value, and whatever follows that value must be whitespace.
 */
static int
oracle(const char *text, size_t size, buf_t *events)
{
    yajl_handle h = yajl_alloc(&oracle_callbacks, NULL, events);
    require(h != NULL, "yajl has memory");
    yajl_config(h, yajl_allow_trailing_garbage, 1);
    yajl_status st = yajl_parse(h, (const unsigned char *)text, size);
    size_t end = yajl_get_bytes_consumed(h);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    yajl_free(h);
    while (end < size && strchr(" \t\r\n", text[end]) != NULL)
        ++end;
    return st == yajl_status_ok && end == size;
}

/* Compares the parsers with yajl where yajl's rules are JSON's (see the top of the file). */
static void
check_against_oracle(const char *text, size_t size, int rs, const json_value_t *strict, int rl)
{
    if (memchr(text, '\0', size) != NULL || memchr(text, '\v', size) != NULL || memchr(text, '\f', size) != NULL ||
        !json_utf8_valid(text, size) || rl == JSON_ERR_DEPTH || rl == JSON_ERR_NOMEM)
        return;
    buf_t theirs = BUF_INIT(0), ours = BUF_INIT(0);
    int accepted = oracle(text, size, &theirs);
    require(accepted == (rl == 0), "the lenient parser accepts exactly what yajl accepts");
    if (rs == 0) {
        tree_events(&ours, strict);
        require(!buf_failed(&ours) && !buf_failed(&theirs), "the events fit in memory");
        require(ours.len == theirs.len && memcmp(ours.data, theirs.data, ours.len) == 0, "a strict tree is what yajl reads");
    }
    buf_dispose(&theirs);
    buf_dispose(&ours);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    arena_t strict_arena, lenient_arena, small_arena, copy_arena;
    arena_init(&strict_arena, 0);
    arena_init(&lenient_arena, 0);
    arena_init(&small_arena, SMALL_ARENA);
    arena_init(&copy_arena, 0);
    json_value_t *strict = NULL, *lenient = NULL, *small = NULL;

    int rs = json_parse(&strict_arena, text, size, MAX_DEPTH, &strict);
    int rl = json_parse_lenient(&lenient_arena, text, size, MAX_DEPTH, &lenient);
    int rsmall = json_parse(&small_arena, text, size, MAX_DEPTH, &small);
    require(known_result(rs) && known_result(rl), "every result is a known code");
    require(rl != JSON_ERR_NUL && rl != JSON_ERR_SURROGATE, "the lenient parser takes U+0000 and lone surrogates");
    require(rs != 0 || rl == 0, "the strict parser accepts nothing the lenient one refuses");
    require(rs == 0 || rs == JSON_ERR_NUL || rs == JSON_ERR_SURROGATE || rs == rl, "the two modes refuse alike");
    require(rsmall == rs || rsmall == JSON_ERR_NOMEM, "an arena limit only adds JSON_ERR_NOMEM");
    if (rs == 0) {
        check_tree(strict, 0, 1);
        require(json_equal(strict, lenient), "strict and lenient trees are equal");
        check_round_trip(strict, 1);
        json_value_t *copy = json_copy(&copy_arena, strict);
        require(copy != NULL && json_equal(strict, copy), "a copy is equal");
    }
    check_against_oracle(text, size, rs, strict, rl);
    if (rl == 0) {
        check_tree(lenient, 0, 0);
        check_round_trip(lenient, 0);
    }
    if (rsmall == 0)
        require(json_equal(small, strict), "a tree within the arena limit is the whole tree");
    arena_dispose(&strict_arena);
    arena_dispose(&lenient_arena);
    arena_dispose(&small_arena);
    arena_dispose(&copy_arena);
    return 0;
}
