/*
 * Tests of request_state.c (the sealed requestState of 2026-07-28 multi round-trip requests) and of the
 * MCP_REQUEST_STATE_KEY setting: a state opens only with the key that sealed it, for the request it is
 * bound to, before it expires, and byte for byte as it was issued.
 */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "config.h"
#include "request_state.h"
#include "server.h"
#include "test.h"

static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";
static const unsigned char other_key[32] = "0123456789abcdef0123456789abcdeF";

static json_value_t *
parse(arena_t *a, const char *text)
{
    json_value_t *v = NULL;
    if (json_parse(a, text, strlen(text), 64, &v) != 0)
        return NULL;
    return v;
}

static void
binding_of(const char *method, const char *name, const char *args, const char *identity, unsigned char out[32])
{
    arena_t a;
    arena_init(&a, 0);
    request_state_binding(method, name, args ? parse(&a, args) : NULL, identity ? parse(&a, identity) : NULL, out);
    arena_dispose(&a);
}

/* Seals payload for binding b (expiring at expires), opens it at now; returns the result and the payload. */
static int
round_trip(const unsigned char *seal_key, const unsigned char *open_key, const unsigned char b_seal[32],
           const unsigned char b_open[32], int64_t expires, int64_t now, const char *payload, buf_t *opened)
{
    buf_t state = BUF_INIT(0);
    request_state_seal(seal_key, 32, b_seal, expires, payload, strlen(payload), &state);
    int ret = request_state_open(open_key, 32, b_open, now, state.data, state.len, opened);
    buf_dispose(&state);
    return ret;
}

static void
test_binding(void)
{
    unsigned char a[32], b[32];
    binding_of("tools/call", "t", "{\"x\":1,\"y\":[{\"b\":2,\"a\":1}]}", NULL, a);
    binding_of("tools/call", "t", "{\"y\":[{\"a\":1,\"b\":2}],\"x\":1}", NULL, b);
    CHECK(memcmp(a, b, 32) == 0); /* members in another order are the same arguments */
    binding_of("tools/call", "t", "{\"y\":[{\"a\":1,\"b\":2}],\"x\":2}", NULL, b);
    CHECK(memcmp(a, b, 32) != 0);
    binding_of("tools/call", "u", "{\"x\":1,\"y\":[{\"b\":2,\"a\":1}]}", NULL, b);
    CHECK(memcmp(a, b, 32) != 0);
    binding_of("prompts/get", "t", "{\"x\":1,\"y\":[{\"b\":2,\"a\":1}]}", NULL, b);
    CHECK(memcmp(a, b, 32) != 0);
    binding_of("tools/call", "t", "{\"x\":1,\"y\":[{\"b\":2,\"a\":1}]}", "{\"principalId\":\"alice\"}", b);
    CHECK(memcmp(a, b, 32) != 0); /* another caller */
    /* the parts cannot slide into each other */
    binding_of("tools/call", "ab", NULL, NULL, a);
    binding_of("tools/callab", "", NULL, NULL, b);
    CHECK(memcmp(a, b, 32) != 0);
}

static void
test_seal_and_open(void)
{
    unsigned char b[32], other[32];
    binding_of("tools/call", "t", "{}", NULL, b);
    binding_of("tools/call", "t", "{\"x\":1}", NULL, other);
    const char *payload = "{\"step1\":{\"action\":\"accept\",\"content\":{\"name\":\"Ann\"}}}";
    buf_t out = BUF_INIT(0);
    CHECK(round_trip(key, key, b, b, 2000, 1000, payload, &out) == 0);
    CHECK(out.len == strlen(payload) && memcmp(out.data, payload, out.len) == 0);
    buf_reset(&out);
    CHECK(round_trip(key, key, b, b, 2000, 1000, "{}", &out) == 0 && out.len == 2);
    buf_reset(&out);
    CHECK(round_trip(key, other_key, b, b, 2000, 1000, payload, &out) == REQUEST_STATE_FORGED && out.len == 0);
    CHECK(round_trip(key, key, b, other, 2000, 1000, payload, &out) == REQUEST_STATE_FORGED);
    CHECK(round_trip(key, key, b, b, 2000, 2000, payload, &out) == REQUEST_STATE_EXPIRED);
    CHECK(round_trip(key, key, b, b, 2000, 99999, payload, &out) == REQUEST_STATE_EXPIRED);
    /* two seals of the same answers differ when they expire at different times */
    buf_t s1 = BUF_INIT(0), s2 = BUF_INIT(0);
    request_state_seal(key, 32, b, 2000, payload, strlen(payload), &s1);
    request_state_seal(key, 32, b, 2001, payload, strlen(payload), &s2);
    CHECK(s1.len == s2.len && strcmp(s1.data, s2.data) != 0);
    buf_dispose(&s2);
    /* every single-character change is caught: payload, expiry, format byte and MAC alike */
    for (size_t i = 0; i != s1.len; ++i) {
        char *copy = strdup(s1.data);
        copy[i] = copy[i] == 'A' ? 'B' : 'A';
        buf_reset(&out);
        int ret = request_state_open(key, 32, b, 1000, copy, strlen(copy), &out);
        CHECK(ret == REQUEST_STATE_FORGED || ret == REQUEST_STATE_MALFORMED);
        free(copy);
    }
    /* appended or removed characters */
    buf_t longer = BUF_INIT(0);
    buf_printf(&longer, "%s-TAMPERED", s1.data);
    CHECK(request_state_open(key, 32, b, 1000, longer.data, longer.len, &out) < 0);
    CHECK(request_state_open(key, 32, b, 1000, s1.data, s1.len - 1, &out) < 0);
    buf_dispose(&longer);
    buf_dispose(&s1);
    buf_dispose(&out);
}

static void
test_malformed(void)
{
    unsigned char b[32];
    binding_of("tools/call", "t", NULL, NULL, b);
    buf_t out = BUF_INIT(0);
    CHECK(request_state_open(key, 32, b, 0, "", 0, &out) == REQUEST_STATE_MALFORMED);
    CHECK(request_state_open(key, 32, b, 0, "!!!!", 4, &out) == REQUEST_STATE_MALFORMED);
    CHECK(request_state_open(key, 32, b, 0, "AQAA", 4, &out) == REQUEST_STATE_MALFORMED); /* too short */
    /* another format byte, with a MAC that would otherwise verify */
    buf_t state = BUF_INIT(0), raw = BUF_INIT(0);
    request_state_seal(key, 32, b, 2000, "{}", 2, &state);
    CHECK(base64_decode(&raw, state.data, state.len, 1) == 0);
    raw.data[0] = 2;
    buf_reset(&state);
    base64url_encode(&state, raw.data, raw.len);
    CHECK(request_state_open(key, 32, b, 0, state.data, state.len, &out) == REQUEST_STATE_MALFORMED);
    buf_dispose(&raw);
    buf_dispose(&state);
    buf_dispose(&out);
}

/* The key comes from the environment only (a flag would show in ps): MCP_REQUEST_STATE_KEY. */
static int
parse_key(const char *value, mcp_config_t *c, char *err, size_t err_len)
{
    setenv("MCP_REQUEST_STATE_KEY", value, 1);
    char *argv[] = {"test", NULL};
    int ret = config_parse(c, 1, argv, err, err_len);
    unsetenv("MCP_REQUEST_STATE_KEY");
    return ret;
}

static void
test_config_key(void)
{
    mcp_config_t c;
    char err[256];
    /* openssl rand -base64 32 */
    CHECK(parse_key("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=", &c, err, sizeof(err)) == SETTINGS_OK &&
          c.request_state_key.len == 32);
    config_dispose(&c);
    CHECK(parse_key("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA", &c, err, sizeof(err)) == SETTINGS_OK); /* URL-safe, unpadded */
    config_dispose(&c);
    CHECK(parse_key("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRW", &c, err, sizeof(err)) == SETTINGS_ERROR); /* 30 bytes */
    CHECK(strstr(err, "MCP_REQUEST_STATE_KEY") != NULL && strstr(err, "q83v") == NULL); /* the secret is not echoed */
    config_dispose(&c);
    CHECK(parse_key("not base64 at all, but long enough to be a key ...", &c, err, sizeof(err)) == SETTINGS_ERROR);
    config_dispose(&c);
    char *argv[] = {"test", NULL};
    CHECK(config_parse(&c, 1, argv, err, sizeof(err)) == SETTINGS_OK && c.request_state_key.len == 0 &&
          c.request_state_ttl_ms == 600000);
    /* without a key, each server makes its own: what one seals, another cannot open */
    mcp_server_t *s1 = mcp_server_new(&c, err, sizeof(err)), *s2 = mcp_server_new(&c, err, sizeof(err));
    CHECK(s1 != NULL && s2 != NULL);
    state_keys_t k1, k2;
    server_keys(s1, SERVER_KEYS_REQUEST_STATE, 0, &k1);
    server_keys(s2, SERVER_KEYS_REQUEST_STATE, 0, &k2);
    CHECK(k1.current_len == 32 && k2.current_len == 32 && memcmp(k1.current, k2.current, 32) != 0 && k1.previous_len == 0);

    /* a front door's rotation: the new key seals, the old one still opens; lengths out of range are refused */
    unsigned char old_key[32], new_key[40];
    memset(old_key, 'o', sizeof(old_key));
    memset(new_key, 'n', sizeof(new_key));
    CHECK(mcp_server_set_state_keys(s1, new_key, 31, NULL, 0) == -1);
    CHECK(mcp_server_set_state_keys(s1, new_key, sizeof(new_key), old_key, 16) == -1);
    CHECK(mcp_server_set_state_keys(s1, new_key, 257, NULL, 0) == -1);
    server_keys(s1, SERVER_KEYS_REQUEST_STATE, 0, &k2);
    CHECK(k2.generation == k1.generation && memcmp(k2.current, k1.current, 32) == 0); /* refused: nothing changed */
    CHECK(mcp_server_set_state_keys(s1, new_key, sizeof(new_key), old_key, sizeof(old_key)) == 0);
    server_keys(s1, SERVER_KEYS_REQUEST_STATE, 0, &k2);
    CHECK(k2.generation != k1.generation && k2.current_len == sizeof(new_key) &&
          memcmp(k2.current, new_key, sizeof(new_key)) == 0 && k2.previous_len == sizeof(old_key) &&
          memcmp(k2.previous, old_key, sizeof(old_key)) == 0);
    CHECK(mcp_server_set_state_keys(s1, old_key, sizeof(old_key), NULL, 0) == 0);
    server_keys(s1, SERVER_KEYS_REQUEST_STATE, 0, &k2);
    CHECK(k2.current_len == sizeof(old_key) && k2.previous_len == 0);
    mcp_server_free(s1);
    mcp_server_free(s2);
    config_dispose(&c);
}

int
main(void)
{
    RUN(test_binding);
    RUN(test_seal_and_open);
    RUN(test_malformed);
    RUN(test_config_key);
    return TEST_REPORT("test_request_state");
}
