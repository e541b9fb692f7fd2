/* Tests of common/: the JSON parser (strict and lenient), the writer, base64 and buffers. */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "json.h"
#include "jsonw.h"
#include "test.h"

/* Parses and writes back; returns the JSON text or "ERR:<code>" (static buffer). */
static const char *
roundtrip(const char *in, size_t len)
{
    static char out[4096];
    arena_t a;
    arena_init(&a, 1 << 20);
    json_value_t *v;
    int err = json_parse(&a, in, len, 64, &v);
    if (err != 0) {
        snprintf(out, sizeof(out), "ERR:%d", err);
    } else {
        buf_t b = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &b);
        jsonw_value(&w, v);
        snprintf(out, sizeof(out), "%s", b.data);
        buf_dispose(&b);
    }
    arena_dispose(&a);
    return out;
}

#define RT(s) roundtrip((s), sizeof(s) - 1)

static void
test_parse_valid(void)
{
    CHECK_STR(RT("{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}"), "{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}");
    CHECK_STR(RT("  [ ]  "), "[]");
    CHECK_STR(RT("{}"), "{}");
    CHECK_STR(RT("\"x\""), "\"x\"");
    /* numbers are kept as written: ids are echoed byte for byte */
    CHECK_STR(RT("12345678901234567890"), "12345678901234567890");
    CHECK_STR(RT("-1.50e+3"), "-1.50e+3");
    CHECK_STR(RT("\"\\ud83d\\ude00\""), "\"\xf0\x9f\x98\x80\"");
    CHECK_STR(RT("\"\\uD83D\\uDE00\""), "\"\xf0\x9f\x98\x80\""); /* hex digits in either case */
    CHECK_STR(RT("\"\\\\ud800\""), "\"\\\\ud800\"");             /* an escaped backslash, then text */
    CHECK_STR(RT("\"a\\nb\\u0001\""), "\"a\\nb\\u0001\"");
    CHECK_STR(RT("\"\xe6\x97\xa5\""), "\"\xe6\x97\xa5\"");
}

static void
test_parse_invalid(void)
{
    CHECK_STR(RT(""), "ERR:-7");
    CHECK_STR(roundtrip(NULL, 0), "ERR:-7"); /* no body at all (UBSan: no arithmetic on the null pointer) */
    CHECK_STR(RT("   "), "ERR:-7");
    CHECK_STR(RT("{\"jsonrpc\":\"2.0\","), "ERR:-1");
    CHECK_STR(RT("/* c */ 1"), "ERR:-1");
    CHECK_STR(RT("1 2"), "ERR:-1");
    CHECK_STR(RT("{\"a\":1}x"), "ERR:-1");
    CHECK_STR(RT("[1,]"), "ERR:-1");
    CHECK_STR(RT("{'a':1}"), "ERR:-1");
    CHECK_STR(RT("\"\\u0000\""), "ERR:-4");
    CHECK_STR(RT("\"\\ud800\""), "ERR:-5");
    CHECK_STR(RT("\"\\udc00\\ud800\""), "ERR:-5");
    CHECK_STR(RT("\"\\ud800x\""), "ERR:-5");
    CHECK_STR(RT("\"\\ud800\\u0041\""), "ERR:-5"); /* a high surrogate, then an escape that is not a low one */
    CHECK_STR(RT("\"\\uDBFF\\uE000\""), "ERR:-5");
    CHECK_STR(RT("\"\\ud800\\udc0g\""), "ERR:-5"); /* ... or not an escape at all */
    CHECK_STR(roundtrip("\"a\0b\"", 5), "ERR:-1");
    CHECK_STR(roundtrip("1\0", 2), "ERR:-1");
    CHECK_STR(RT("\"\xff\""), "ERR:-2");
    CHECK_STR(RT("\"\xc0\xaf\""), "ERR:-2");         /* overlong '/' */
    CHECK_STR(RT("\"\xed\xa0\x80\""), "ERR:-2");     /* encoded surrogate */
    CHECK_STR(RT("\"\xf4\x90\x80\x80\""), "ERR:-2"); /* above U+10FFFF */
    CHECK_STR(RT("\"\xe6\x97\""), "ERR:-2");         /* truncated */
}

/*
 * json_skip_plain_ascii, eight bytes at a time, against the rule byte by byte: every byte value at every offset of
 * runs up to 20 long, and every pair of edge values (whose borrows could mark the byte above) at every two offsets.
 */
static int
stops_scan(unsigned char c)
{
    return c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
}

static size_t
expected_stop(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i != len && !stops_scan(s[i]))
        ++i;
    return i;
}

static void
test_skip_plain_ascii(void)
{
    unsigned char s[24];
    size_t wrong = 0, cases = 0;
    for (size_t len = 0; len <= 20; ++len)
        for (size_t pos = 0; pos < len; ++pos)
            for (unsigned c = 0; c != 256; ++c) {
                memset(s, 'a', sizeof(s));
                s[pos] = (unsigned char)c;
                wrong += (size_t)(json_skip_plain_ascii(s, s + len) - s) != expected_stop(s, len);
                ++cases;
            }
    static const unsigned char edges[] = {0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xff};
    const size_t ne = sizeof(edges);
    for (size_t p1 = 0; p1 != 16; ++p1)
        for (size_t p2 = p1 + 1; p2 != 17; ++p2)
            for (size_t e1 = 0; e1 != ne; ++e1)
                for (size_t e2 = 0; e2 != ne; ++e2) {
                    memset(s, 'a', sizeof(s));
                    s[p1] = edges[e1], s[p2] = edges[e2];
                    wrong += (size_t)(json_skip_plain_ascii(s, s + 17) - s) != expected_stop(s, 17);
                    ++cases;
                }
    CHECK(wrong == 0);
    CHECK(cases == 53760 + 136 * ne * ne);
}

/* JSON's grammar (RFC 8259) at each of its edges: what it allows is kept as written, everything else is refused. */
static void
test_grammar(void)
{
    CHECK_STR(RT(" \t\r\n[ 1 , { \"a\" : [ ] } , \"\" ]\n"), "[1,{\"a\":[]},\"\"]");
    CHECK_STR(RT("[0,-0,0.5,-0.0e0,1E+2,1e-2,10]"), "[0,-0,0.5,-0.0e0,1E+2,1e-2,10]");
    CHECK_STR(RT("[true,false,null]"), "[true,false,null]");
    CHECK_STR(RT("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), "\"\\\"\\\\/\\b\\f\\n\\r\\t\"");
    CHECK_STR(RT("{\"a\":1,\"a\":2}"), "{\"a\":1,\"a\":2}"); /* duplicate names are kept; json_get finds the last */
    CHECK_STR(RT("-7"), "-7");
    CHECK_STR(RT("null"), "null");
    static const char *const refused[] = {
        "01",        "-",           "-a",       "1.",
        ".5",        "1.e3",        "1e",       "1e+",
        "+1",        "0x10",        "[1 2]",    "[,1]",
        "[1,,2]",    "{\"a\" 1}",   "{\"a\":}", "{\"a\":1,}",
        "{,}",       "{1:2}",       "{\"a\"}",  "[}",
        "{]",        "[",           "{",        "]",
        "}",         "[1",          "{\"a\":1", "tru",
        "truex",     "nul",         "fals",     "True",
        "NaN",       "Infinity",    "\"abc",    "\"\\x41\"",
        "\"\\u12\"", "\"\\u12g4\"", "\"\\\"",   "\"a\tb\"",
        "\"a\nb\"",  "\x0c[]",      "[]\x0b",   "\xef\xbb\xbf[]",
        "\x80",      "[\"a\"]]",    "//\n1",    "[1]/**/",
    };
    for (size_t i = 0; i != sizeof(refused) / sizeof(refused[0]); ++i) {
        const char *r = roundtrip(refused[i], strlen(refused[i]));
        if (strcmp(r, "ERR:-1") != 0)
            fprintf(stderr, "  %s gave %s\n", refused[i], r);
        CHECK(strcmp(r, "ERR:-1") == 0);
    }
}

static void
test_depth_limit(void)
{
    size_t n = 100000;
    char *deep = malloc(2 * n);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    CHECK_STR(roundtrip(deep, 2 * n), "ERR:-3");
    /* exactly at the limit is fine */
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    CHECK(strlen(roundtrip(deep, 128)) == 128 && memcmp(roundtrip(deep, 128), deep, 128) == 0);
    /* past the inline frames (32 open containers) every level keeps its own members, before and after its child */
    buf_t doc = BUF_INIT(0);
    for (int i = 0; i != 63; ++i)
        buf_printf(&doc, "{\"k%d\":%d,\"c\":", i, i);
    buf_append_str(&doc, "[1,2]");
    for (int i = 62; i >= 0; --i)
        buf_printf(&doc, ",\"z%d\":[%d]}", i, i);
    CHECK_STR(roundtrip(doc.data, doc.len), doc.data);
    buf_dispose(&doc);
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    CHECK_STR(roundtrip(deep, 130), "ERR:-3");
    free(deep);
}

/* Past the inline stack (32 children), and a long string with escapes decoded as it is copied: the tree is whole. */
static void
test_past_the_inline_memory(void)
{
    size_t n = 5000;
    buf_t doc = BUF_INIT(0);
    buf_append_str(&doc, "{\"list\":[");
    for (size_t i = 0; i != n; ++i)
        buf_printf(&doc, "%s%zu", i != 0 ? "," : "", i);
    buf_append_str(&doc, "],\"text\":\"");
    for (size_t i = 0; i != n; ++i)
        buf_append_str(&doc, "a\\n\\u00e9");
    buf_append_str(&doc, "\"");
    for (size_t i = 0; i != 100; ++i)
        buf_printf(&doc, ",\"k%zu\":%zu", i, i);
    buf_append_str(&doc, "}");
    CHECK(!buf_failed(&doc));
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v = NULL;
    CHECK(json_parse(&a, doc.data, doc.len, 64, &v) == 0);
    const json_value_t *list = json_get(v, "list"), *text = json_get(v, "text");
    CHECK(list != NULL && list->type == JSON_ARRAY && list->u.arr.len == n);
    int64_t last = -1;
    CHECK(list != NULL && list->u.arr.len == n && json_int64(list->u.arr.items[n - 1], &last) == 0 && last == (int64_t)n - 1);
    /* each "a\n\u00e9" decodes to 'a', LF and the two bytes of U+00E9 */
    CHECK(text != NULL && text->type == JSON_STRING && text->u.str.len == 4 * n);
    CHECK(text != NULL && memcmp(text->u.str.ptr + 4 * (n - 1), "a\n\xc3\xa9", 4) == 0);
    CHECK(v != NULL && v->u.obj.len == 102 && json_get(v, "k99") != NULL);
    arena_dispose(&a);
    buf_dispose(&doc);
}

static void
test_arena_limit(void)
{
    arena_t a;
    arena_init(&a, 4096);
    char doc[20000];
    size_t n = 0;
    doc[n++] = '[';
    for (int i = 0; i < 2000; ++i)
        n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s1", i ? "," : "");
    doc[n++] = ']';
    json_value_t *v;
    CHECK(json_parse(&a, doc, n, 64, &v) == JSON_ERR_NOMEM);
    arena_dispose(&a);
}

static void
test_accessors(void)
{
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v;
    const char *doc = "{\"s\":\"x\",\"i\":42,\"f\":1.0,\"g\":1.5,\"big\":99999999999999999999,\"dup\":1,\"dup\":2}";
    CHECK(json_parse(&a, doc, strlen(doc), 8, &v) == 0);
    CHECK_STR(json_string(json_get(v, "s")), "x");
    CHECK(json_string(json_get(v, "i")) == NULL);
    int64_t n;
    CHECK(json_int64(json_get(v, "i"), &n) == 0 && n == 42);
    CHECK(json_int64(json_get(v, "f"), &n) == 0 && n == 1);
    CHECK(json_int64(json_get(v, "g"), &n) == -1);
    CHECK(json_int64(json_get(v, "big"), &n) == -1);
    CHECK(json_is_integer(json_get(v, "f")));
    CHECK(!json_is_integer(json_get(v, "g")));
    CHECK(json_int64(json_get(v, "dup"), &n) == 0 && n == 2);
    CHECK(json_get(v, "missing") == NULL);
    CHECK(json_get(NULL, "x") == NULL);
    json_value_t *a1, *a2;
    CHECK(json_parse(&a, "{\"a\":[1,{\"b\":2}]}", 17, 8, &a1) == 0);
    CHECK(json_parse(&a, "{\"a\":[1.0,{\"b\":2e0}]}", 21, 8, &a2) == 0);
    CHECK(json_equal(a1, a2));
    CHECK(!json_equal(a1, v));
    /* duplicate names count once, as json_get() reads them (found by fuzz_json: a value was unequal to itself) */
    json_value_t *d1, *d2, *d3;
    CHECK(json_parse(&a, "{\"\":{\"stage\":\"p\",\"stage\":\"\"}}", strlen("{\"\":{\"stage\":\"p\",\"stage\":\"\"}}"), 8, &d1) ==
          0);
    CHECK(json_equal(d1, d1));
    CHECK(json_parse(&a, "{\"a\":1,\"a\":1}", strlen("{\"a\":1,\"a\":1}"), 8, &d2) == 0);
    CHECK(json_parse(&a, "{\"a\":1,\"b\":2}", strlen("{\"a\":1,\"b\":2}"), 8, &d3) == 0);
    CHECK(!json_equal(d2, d3) && !json_equal(d3, d2));
    CHECK(json_parse(&a, "{\"a\":2,\"a\":1}", strlen("{\"a\":2,\"a\":1}"), 8, &d3) == 0);
    CHECK(json_equal(d2, d3) && json_equal(d3, d2));
    /* a lenient tree's names may hold a NUL: they are compared and found by their whole length */
    const char *nul_names = "{\"a\\u0000x\":1,\"a\\u0000y\":2}", *nul_other = "{\"a\\u0000y\":2,\"a\\u0000x\":1}";
    CHECK(json_parse_lenient(&a, nul_names, strlen(nul_names), 8, &d1) == 0);
    CHECK(json_parse_lenient(&a, nul_other, strlen(nul_other), 8, &d2) == 0);
    CHECK(json_equal(d1, d1) && json_equal(d1, d2));
    CHECK(json_get(d1, "a") == NULL && json_int64(json_getn(d1, "a\0y", 3), &n) == 0 && n == 2);
    arena_dispose(&a);
}

static void
test_writer(void)
{
    buf_t b = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "s", "q\"\\\n\x01\xe2\x80\xa8");
    jsonw_kv_int(&w, "i", -5);
    jsonw_key(&w, "d");
    jsonw_double(&w, 0.1);
    jsonw_key(&w, "e");
    jsonw_double(&w, 100);
    jsonw_key(&w, "a");
    jsonw_array_begin(&w);
    jsonw_bool(&w, 1);
    jsonw_null(&w);
    jsonw_base64(&w, "hi", 2);
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    CHECK(!jsonw_failed(&w));
    CHECK_STR(b.data, "{\"s\":\"q\\\"\\\\\\n\\u0001\\u2028\",\"i\":-5,\"d\":0.1,\"e\":100,\"a\":[true,null,\"aGk=\"]}");
    buf_dispose(&b);

    /* the limit is sticky */
    buf_t small = BUF_INIT(8);
    jsonw_init(&w, &small);
    jsonw_string(&w, "this is longer than eight bytes");
    CHECK(jsonw_failed(&w));
    buf_dispose(&small);
}

static void
test_base64(void)
{
    buf_t b = BUF_INIT(0);
    base64_encode(&b, "foobar", 6);
    CHECK_STR(b.data, "Zm9vYmFy");
    buf_reset(&b);
    base64_encode(&b, "fo", 2);
    CHECK_STR(b.data, "Zm8=");
    buf_reset(&b);
    base64url_encode(&b, "\xfb\xff", 2);
    CHECK_STR(b.data, "-_8");
    buf_reset(&b);
    CHECK(base64_decode(&b, "Zm9vYg==", 8, 0) == 0 && b.len == 4 && memcmp(b.data, "foob", 4) == 0);
    buf_reset(&b);
    CHECK(base64_decode(&b, "-_8", 3, 1) == 0 && b.len == 2 && memcmp(b.data, "\xfb\xff", 2) == 0);
    buf_reset(&b);
    CHECK(base64_decode(&b, "Zm9vYg=", 7, 0) != 0);  /* bad padding */
    CHECK(base64_decode(&b, "Zm9vYh==", 8, 0) != 0); /* non-zero leftover bits */
    CHECK(base64_decode(&b, "Zm9v\nYg==", 9, 0) != 0);
    CHECK(base64_decode(&b, "Z", 1, 1) != 0);
    CHECK(base64_decode(&b, "", 0, 0) == 0);
    buf_dispose(&b);
}

/* Parses leniently; returns the single string's bytes as hex ("ERR:<code>" on failure; static buffer). */
static const char *
lenient_string_hex(const char *in, size_t len)
{
    static char out[512];
    arena_t a;
    arena_init(&a, 1 << 20);
    json_value_t *v;
    int err = json_parse_lenient(&a, in, len, 8, &v);
    if (err != 0) {
        snprintf(out, sizeof(out), "ERR:%d", err);
    } else if (v->type != JSON_STRING) {
        snprintf(out, sizeof(out), "not a string");
    } else {
        size_t n = 0;
        out[0] = '\0';
        for (size_t i = 0; i != v->u.str.len && n + 3 < sizeof(out); ++i)
            n += (size_t)snprintf(out + n, sizeof(out) - n, "%02x", (unsigned char)v->u.str.ptr[i]);
        CHECK(v->u.str.ptr[v->u.str.len] == '\0');
        CHECK(json_utf8_valid(v->u.str.ptr, v->u.str.len));
    }
    arena_dispose(&a);
    return out;
}

#define LHEX(s) lenient_string_hex((s), sizeof(s) - 1)

/* What AWS's events carry is data: U+0000 kept with its length, unpaired surrogates read as U+FFFD. */
static void
test_lenient(void)
{
    CHECK_STR(LHEX("\"\\u0000\""), "00");
    CHECK_STR(LHEX("\"a\\u0000b\""), "610062");
    CHECK_STR(LHEX("\"\\ud800\""), "efbfbd");
    CHECK_STR(LHEX("\"\\uDBFF\""), "efbfbd");
    CHECK_STR(LHEX("\"\\udc00\\ud800\""), "efbfbdefbfbd");
    CHECK_STR(LHEX("\"\\ud800x\""), "efbfbd78");
    CHECK_STR(LHEX("\"\\ud800\\u0041\""), "efbfbd41");              /* not fused with what follows into a wrong character */
    CHECK_STR(LHEX("\"\\ud800\\ud800\\udc00\""), "efbfbdf0908080"); /* the second high surrogate has its pair */
    CHECK_STR(LHEX("\"\\ud83d\\ude00\""), "f09f9880");              /* a pair is one character, as in strict mode */
    CHECK_STR(LHEX("\"\\\\ud800\""), "5c7564383030");               /* an escaped backslash: no escape follows */
    CHECK_STR(LHEX("\"\\\\\\ud800\""), "5cefbfbd");
    CHECK_STR(LHEX("\"\\ud800\\\"\""), "efbfbd22");
    /* still JSON, still UTF-8: raw NUL bytes, bad UTF-8, comments and trailing data are refused */
    CHECK_STR(lenient_string_hex("\"a\0b\"", 5), "ERR:-1");
    CHECK_STR(LHEX("\"\xed\xa0\x80\""), "ERR:-2");
    CHECK_STR(LHEX("\"\xff\""), "ERR:-2");
    CHECK_STR(LHEX("/* c */ \"x\""), "ERR:-1");
    CHECK_STR(LHEX("\"x\" 1"), "ERR:-1");
    CHECK_STR(LHEX("\"\\ud80\""), "ERR:-1"); /* a malformed escape */
    CHECK_STR(LHEX("\"\\ud800\\u12\""), "ERR:-1");

    /* keys too, and the tree is otherwise the strict one; json_get() finds no key through its NUL */
    arena_t a;
    arena_init(&a, 1 << 20);
    json_value_t *v, *strict;
    const char doc[] = "{\"k\\u0000ey\":\"v\\ud800\",\"key\":[1,{\"x\":\"\\u0000\"}],\"n\":-1.50e3}";
    CHECK(json_parse(&a, doc, sizeof(doc) - 1, 8, &v) == JSON_ERR_NUL); /* the first of its two faults */
    CHECK(json_parse_lenient(&a, doc, sizeof(doc) - 1, 8, &v) == 0);
    CHECK(v != NULL && v->type == JSON_OBJECT && v->u.obj.len == 3);
    if (v != NULL && v->u.obj.len == 3) {
        CHECK(v->u.obj.items[0].key_len == 4 && memcmp(v->u.obj.items[0].key, "k\0ey", 4) == 0);
        CHECK(v->u.obj.items[0].value->u.str.len == 4 && memcmp(v->u.obj.items[0].value->u.str.ptr, "v\xef\xbf\xbd", 4) == 0);
        CHECK(json_get(v, "k") == NULL);
        CHECK(json_get(v, "key") == v->u.obj.items[1].value);
        const json_value_t *x = json_get(json_get(v, "key")->u.arr.items[1], "x");
        CHECK(x != NULL && x->u.str.len == 1 && x->u.str.ptr[0] == '\0');
        /* written back, the NUL is an escape again and the document is valid for the strict parser */
        buf_t b = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &b);
        jsonw_value(&w, v);
        CHECK_STR(b.data, "{\"k\\u0000ey\":\"v\xef\xbf\xbd\",\"key\":[1,{\"x\":\"\\u0000\"}],\"n\":-1.50e3}");
        buf_dispose(&b);
    }
    const char plain[] = "{\"a\":[\"\\ud83d\\ude00\",true,null,{\"b\":\"\\n\"}],\"c\":12345678901234567890}";
    CHECK(json_parse(&a, plain, sizeof(plain) - 1, 8, &strict) == 0);
    CHECK(json_parse_lenient(&a, plain, sizeof(plain) - 1, 8, &v) == 0);
    CHECK(json_equal(strict, v));
    const char deep[] = "[[[[[\"\\u0000\"]]]]]";
    CHECK(json_parse_lenient(&a, deep, sizeof(deep) - 1, 4, &v) == JSON_ERR_DEPTH);
    arena_dispose(&a);
}

/*
 * Every string of up to four escapes drawn from a set of awkward ones: the lenient parser decodes it the way
 * a plain UTF-16 reading does (pairs joined, anything unpaired U+FFFD, U+0000 a byte), and the strict parser
 * agrees wherever it accepts the string, and accepts it exactly when there is no U+0000 and nothing unpaired.
 */
static size_t
put_utf8(unsigned cp, char *out)
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

static void
test_lenient_combinations(void)
{
    static const unsigned units[] = {0x0000, 0x0041, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00, 0xfffd, 0x00e9};
    const size_t nu = sizeof(units) / sizeof(units[0]);
    size_t cases = 0, strict_ok = 0;
    for (size_t n = 1; n <= 4; ++n) {
        size_t total = 1;
        for (size_t k = 0; k != n; ++k)
            total *= nu;
        for (size_t combo = 0; combo != total; ++combo) {
            unsigned seq[4];
            char text[64], expected[32];
            size_t tlen = 0, elen = 0, c = combo;
            int has_nul = 0, unpaired = 0;
            text[tlen++] = '"';
            for (size_t k = 0; k != n; ++k, c /= nu) {
                seq[k] = units[c % nu];
                tlen += (size_t)snprintf(text + tlen, sizeof(text) - tlen, "\\u%04x", seq[k]);
            }
            text[tlen++] = '"';
            for (size_t k = 0; k != n; ++k) {
                unsigned u = seq[k];
                if (u >= 0xd800 && u <= 0xdbff && k + 1 != n && seq[k + 1] >= 0xdc00 && seq[k + 1] <= 0xdfff) {
                    elen += put_utf8(0x10000 + ((u - 0xd800) << 10) + (seq[k + 1] - 0xdc00), expected + elen);
                    ++k;
                } else if (u >= 0xd800 && u <= 0xdfff) {
                    elen += put_utf8(0xfffd, expected + elen);
                    unpaired = 1;
                } else {
                    elen += put_utf8(u, expected + elen);
                    has_nul |= u == 0;
                }
            }
            arena_t a;
            arena_init(&a, 1 << 16);
            json_value_t *lv, *sv;
            int lret = json_parse_lenient(&a, text, tlen, 4, &lv), sret = json_parse(&a, text, tlen, 4, &sv);
            int ok = lret == 0 && lv->u.str.len == elen && memcmp(lv->u.str.ptr, expected, elen) == 0;
            if (!ok)
                fprintf(stderr, "  lenient: %.*s decoded wrongly (%d)\n", (int)tlen, text, lret);
            CHECK(ok);
            CHECK((sret == 0) == (!has_nul && !unpaired));
            CHECK(sret != 0 || json_equal(sv, lv));
            arena_dispose(&a);
            ++cases;
            strict_ok += sret == 0;
        }
    }
    CHECK(cases == 11110 && strict_ok != 0 && strict_ok != cases);
}

static void
test_utf8(void)
{
    CHECK(json_utf8_valid("plain", 5));
    CHECK(json_utf8_valid("\xf0\x9f\x98\x80", 4));
    CHECK(!json_utf8_valid("\xf0\x9f\x98", 3));
    CHECK(!json_utf8_valid("\x80", 1));
    CHECK(!json_utf8_valid("\xe0\x80\xaf", 3));
}

/* Well-formed UTF-8 by the Unicode Standard's Table 3-7, one code point at a time: the reference. */
static int
reference_utf8(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i != len;) {
        unsigned char c = s[i];
        size_t n;
        unsigned char lo = 0x80, hi = 0xbf; /* the range of the second byte */
        if (c <= 0x7f)
            n = 0;
        else if (c >= 0xc2 && c <= 0xdf)
            n = 1;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        else
            return 0;
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; ++k)
            if (s[i + k] < (k == 1 ? lo : 0x80) || s[i + k] > (k == 1 ? hi : 0xbf))
                return 0;
        i += n + 1;
    }
    return 1;
}

/* The eight-bytes-at-a-time ASCII path agrees with the reference wherever a sequence falls: every one- and two-byte
 * sequence, and three- and four-byte ones with the edge values of each byte, at offsets 0 to 17 in ASCII text, with
 * and without ASCII after it (so a sequence cut off by the end is tried too). */
static void
test_utf8_against_reference(void)
{
    static const unsigned char edges[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0,
                                          0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
    const size_t ne = sizeof(edges);
    unsigned char text[48];
    size_t checked = 0, disagreements = 0, valid = 0;
    for (size_t form = 0; form != 4; ++form) {
        size_t count = form == 0 ? 256 : form == 1 ? 65536 : form == 2 ? ne * ne * ne : ne * ne * ne * ne;
        for (size_t k = 0; k != count; ++k) {
            unsigned char seq[4];
            size_t seq_len = form + 1;
            if (form == 0)
                seq[0] = (unsigned char)k;
            else if (form == 1)
                seq[0] = (unsigned char)(k >> 8), seq[1] = (unsigned char)k;
            else
                for (size_t b = 0, rest = k; b != seq_len; ++b, rest /= ne)
                    seq[b] = edges[rest % ne];
            for (size_t offset = 0; offset != 18; ++offset) {
                for (size_t tail = 0; tail <= 9; tail += 9) {
                    memset(text, 'a', sizeof(text));
                    memcpy(text + offset, seq, seq_len);
                    size_t len = offset + seq_len + tail;
                    int got = json_utf8_valid((const char *)text, len), want = reference_utf8(text, len);
                    disagreements += got != want;
                    valid += want;
                    ++checked;
                }
            }
        }
    }
    CHECK(disagreements == 0);
    CHECK(checked > 1000000 && valid != 0 && valid != checked);
}

int
main(void)
{
    RUN(test_parse_valid);
    RUN(test_parse_invalid);
    RUN(test_grammar);
    RUN(test_skip_plain_ascii);
    RUN(test_depth_limit);
    RUN(test_past_the_inline_memory);
    RUN(test_arena_limit);
    RUN(test_accessors);
    RUN(test_writer);
    RUN(test_base64);
    RUN(test_utf8);
    RUN(test_utf8_against_reference);
    RUN(test_lenient);
    RUN(test_lenient_combinations);
    return TEST_REPORT("test_json");
}
