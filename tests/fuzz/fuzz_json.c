/*
 * fuzz_json: a libFuzzer target over the JSON parser (common/json.c), both modes, and the writer's
 * jsonw_value() that echoes parsed values back out. The input is the document. Checked on every input:
 *   - every result is 0 or a known JSON_ERR_* code, and the strict parser never accepts what the lenient one refuses,
 *     and both give equal trees when both accept;
 *   - a tree stays within the depth limit; every string and key is valid UTF-8 of its stated length, with no U+0000
 *     inside in the strict mode (so C string functions see all of it);
 *   - a tree written back out with jsonw_value() parses again (strictly, for a strict tree) into an equal tree, and so
 *     does its json_copy();
 *   - an arena limit gives JSON_ERR_NOMEM, never a partial tree.
 * Build and run: tests/fuzz/run.sh SECONDS json.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
