/*
 * fuzz_request_state: a libFuzzer target over the unsealing of what clients carry back to the server under the
 * server's HMAC: the requestState of 2026-07-28 multi round-trip requests (server/core/request_state.c) and the
 * tokens of sessions and state handles (server/core/state_token.c). A fuzzer cannot forge an HMAC, so besides
 * opening the input as it is, the harness seals it and opens what it sealed:
 *   1. the input as a requestState and as a session and a handle token: each is refused (malformed or forged),
 *      since nothing but the harness holds the key;
 *   2. the input as a requestState's payload, sealed and opened: it comes back byte for byte; under another key
 *      or binding it is forged, past its expiry expired; with one character of the sealed text changed (where
 *      and to what the input decides) it is refused, or decodes to the very same bytes;
 *   3. the input as a JSON identity and arguments: a binding does not depend on the order of object members; a
 *      token minted for the identity's owner opens for that owner and kind only, and a changed character is
 *      refused unless it decodes to the same bytes.
 * Build and run: tests/fuzz/run.sh SECONDS request_state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "base64.h"
#include "json.h"
#include "request_state.h"
#include "state_token.h"

#define NOW_MS 1763700000000LL
#define MAX_DEPTH 16

static const unsigned char key[32] = "fuzz-request-state-key-012345678";
static const unsigned char other_key[32] = "fuzz-request-state-key-012345677";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
require(int ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz_request_state: guarantee broken: %s\n", what);
    abort();
}

/* The input as things a client sends back: none opens. */
static void
open_as_is(const char *text, size_t len, const unsigned char binding[32])
{
    buf_t out = BUF_INIT(0);
    int r = request_state_open(key, sizeof(key), binding, NOW_MS, text, len, &out);
    require(r == REQUEST_STATE_MALFORMED || r == REQUEST_STATE_FORGED, "a state not sealed here is refused");
    require(out.len == 0, "a refused state yields nothing");
    buf_dispose(&out);
    unsigned char owner[32];
    state_token_owner(NULL, owner);
    state_token_t t;
    require(state_token_open(key, sizeof(key), STATE_TOKEN_SESSION, owner, text, len, &t) == -1, "a session id not minted here");
    require(state_token_open(key, sizeof(key), STATE_TOKEN_HANDLE, owner, text, len, &t) == -1, "a handle not minted here");
}

/* The sealed text with the character at pos replaced by the one the input picks (a different one). */
static void
tamper(buf_t *sealed, size_t pos, unsigned char pick)
{
    const char *at = strchr(b64url, sealed->data[pos]);
    size_t i = at != NULL ? (size_t)(at - b64url) : 0;
    sealed->data[pos] = b64url[(i + 1 + pick % 63) % 64];
}

/* The decoded bytes of base64url text, for telling a real change from one the decoding ignores. */
static int
same_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
    buf_t x = BUF_INIT(0), y = BUF_INIT(0);
    int same = base64_decode(&x, a, a_len, 1) == 0 && base64_decode(&y, b, b_len, 1) == 0 && x.len == y.len &&
               memcmp(x.data, y.data, x.len) == 0;
    buf_dispose(&x);
    buf_dispose(&y);
    return same;
}

static void
seal_and_open(const uint8_t *data, size_t size, const unsigned char binding[32])
{
    buf_t sealed = BUF_INIT(0), out = BUF_INIT(0);
    unsigned char other_binding[32];
    memcpy(other_binding, binding, 32);
    other_binding[size % 32] ^= 1;
    request_state_seal(key, sizeof(key), binding, NOW_MS + 1000, (const char *)data, size, &sealed);
    require(!buf_failed(&sealed) && sealed.len != 0, "a state is sealed");
    require(request_state_open(key, sizeof(key), binding, NOW_MS, sealed.data, sealed.len, &out) == 0, "a sealed state opens");
    require(out.len == size && (size == 0 || memcmp(out.data, data, size) == 0), "with its payload byte for byte");
    buf_reset(&out);
    require(request_state_open(other_key, sizeof(other_key), binding, NOW_MS, sealed.data, sealed.len, &out) ==
                REQUEST_STATE_FORGED,
            "another key: forged");
    require(request_state_open(key, sizeof(key), other_binding, NOW_MS, sealed.data, sealed.len, &out) == REQUEST_STATE_FORGED,
            "another binding: forged");
    require(request_state_open(key, sizeof(key), binding, NOW_MS + 1000, sealed.data, sealed.len, &out) == REQUEST_STATE_EXPIRED,
            "past its expiry: expired");
    require(out.len == 0, "a refused state yields nothing");

    buf_t changed = BUF_INIT(0);
    buf_append(&changed, sealed.data, sealed.len);
    tamper(&changed, size % sealed.len, size != 0 ? data[0] : 0);
    int r = request_state_open(key, sizeof(key), binding, NOW_MS, changed.data, changed.len, &out);
    require(r != 0 || same_bytes(sealed.data, sealed.len, changed.data, changed.len), "a changed state is refused");
    buf_dispose(&changed);
    buf_dispose(&sealed);
    buf_dispose(&out);
}

/* A copy of v with every object's members in reverse order. */
static json_value_t *
reversed(arena_t *arena, const json_value_t *v)
{
    json_value_t *c = json_copy(arena, v);
    if (c == NULL)
        return NULL;
    if (c->type == JSON_OBJECT) {
        for (size_t i = 0; i != c->u.obj.len / 2; ++i) {
            json_member_t t = c->u.obj.items[i];
            c->u.obj.items[i] = c->u.obj.items[c->u.obj.len - 1 - i];
            c->u.obj.items[c->u.obj.len - 1 - i] = t;
        }
        for (size_t i = 0; i != c->u.obj.len; ++i)
            c->u.obj.items[i].value = reversed(arena, c->u.obj.items[i].value);
    } else if (c->type == JSON_ARRAY) {
        for (size_t i = 0; i != c->u.arr.len; ++i)
            c->u.arr.items[i] = reversed(arena, c->u.arr.items[i]);
    }
    return c;
}

/* Duplicate member names make the order matter (the last one counts), so the order-independence check skips them. */
static int
has_duplicate_keys(const json_value_t *v)
{
    if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i != v->u.arr.len; ++i)
            if (has_duplicate_keys(v->u.arr.items[i]))
                return 1;
    } else if (v->type == JSON_OBJECT) {
        for (size_t i = 0; i != v->u.obj.len; ++i) {
            for (size_t j = 0; j != i; ++j)
                if (v->u.obj.items[i].key_len == v->u.obj.items[j].key_len &&
                    memcmp(v->u.obj.items[i].key, v->u.obj.items[j].key, v->u.obj.items[i].key_len) == 0)
                    return 1;
            if (has_duplicate_keys(v->u.obj.items[i].value))
                return 1;
        }
    }
    return 0;
}

static void
tokens_for(const json_value_t *identity, const uint8_t *data, size_t size)
{
    unsigned char owner[32], anonymous[32];
    state_token_owner(identity, owner);
    state_token_owner(NULL, anonymous);
    state_token_t minted, opened;
    require(state_token_mint(key, sizeof(key), STATE_TOKEN_HANDLE, owner, NOW_MS / 1000, 60, 3600, &minted) == 0,
            "a token is minted");
    require(strlen(minted.text) == STATE_TOKEN_LEN && strlen(minted.row) == STATE_TOKEN_ROW_LEN, "of the documented lengths");
    require(state_token_open(key, sizeof(key), STATE_TOKEN_HANDLE, owner, minted.text, STATE_TOKEN_LEN, &opened) == 0,
            "a minted token opens for its owner");
    require(strcmp(opened.row, minted.row) == 0 && opened.created_s == minted.created_s && opened.idle_s == 60 &&
                opened.max_s == 3600,
            "as it was minted");
    require(state_token_open(key, sizeof(key), STATE_TOKEN_SESSION, owner, minted.text, STATE_TOKEN_LEN, &opened) == -1,
            "a handle is no session id");
    require(memcmp(owner, anonymous, 32) == 0 ||
                state_token_open(key, sizeof(key), STATE_TOKEN_HANDLE, anonymous, minted.text, STATE_TOKEN_LEN, &opened) == -1,
            "another owner cannot use it");
    buf_t changed = BUF_INIT(0);
    buf_append(&changed, minted.text, STATE_TOKEN_LEN);
    tamper(&changed, size % STATE_TOKEN_LEN, size != 0 ? data[size - 1] : 0);
    int r = state_token_open(key, sizeof(key), STATE_TOKEN_HANDLE, owner, changed.data, changed.len, &opened);
    require(r == -1 || same_bytes(minted.text, STATE_TOKEN_LEN, changed.data, changed.len), "a changed token is refused");
    buf_dispose(&changed);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t arena;
    arena_init(&arena, 0);
    json_value_t *v = NULL;
    if (json_parse(&arena, (const char *)data, size, MAX_DEPTH, &v) != 0)
        v = NULL;
    unsigned char binding[32];
    request_state_binding("tools/call", "fuzz", v, v, binding);
    if (v != NULL && !has_duplicate_keys(v)) {
        unsigned char again[32];
        json_value_t *r = reversed(&arena, v);
        request_state_binding("tools/call", "fuzz", r, r, again);
        require(memcmp(binding, again, 32) == 0, "a binding does not depend on the order of members");
    }
    open_as_is((const char *)data, size, binding);
    seal_and_open(data, size, binding);
    tokens_for(v, data, size);
    arena_dispose(&arena);
    return 0;
}
