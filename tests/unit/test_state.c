/*
 * Tests of state_token.c (session ids and state handles: sealed, bound to their owner, refused when altered),
 * state_memory.c (the store's conditions: ended, stale, absent rows; increments that never lose an update or
 * leave 64 bits; the bounds) and state.c (mcp.h's state API: values, handles bound to their caller, a handle
 * that expires and the error that names it).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "exchange.h"
#include "handler_ctx.h"
#include "server.h"
#include "state.h"
#include "state_memory.h"
#include "state_token.h"
#include "test.h"

static const unsigned char key[32] = {1, 2, 3};

static json_value_t *
parse(arena_t *a, const char *text)
{
    json_value_t *v = NULL;
    json_parse(a, text, strlen(text), 16, &v);
    return v;
}

static void
test_token_round_trip(void)
{
    unsigned char owner[32], other[32];
    state_token_owner(NULL, owner);
    arena_t a;
    arena_init(&a, 0);
    state_token_owner(parse(&a, "{\"principalId\":\"alice\"}"), other);
    state_token_t t, back;
    CHECK(state_token_mint(key, sizeof(key), STATE_TOKEN_SESSION, owner, 1000, 60, 600, &t) == 0);
    CHECK(strlen(t.text) == STATE_TOKEN_LEN);
    for (const char *p = t.text; *p != '\0'; ++p)
        CHECK(*p > 0x20 && *p < 0x7f); /* visible ASCII, as Mcp-Session-Id must be */
    CHECK(strncmp(t.row, "S:", 2) == 0 && strlen(t.row) == STATE_TOKEN_ROW_LEN);
    CHECK(state_token_open(key, sizeof(key), STATE_TOKEN_SESSION, owner, t.text, strlen(t.text), &back) == 0);
    CHECK(back.created_s == 1000 && back.idle_s == 60 && back.max_s == 600);
    CHECK_STR(back.row, t.row);
    /* another owner, kind, key, a changed character, a cut token: all refused */
    CHECK(state_token_open(key, sizeof(key), STATE_TOKEN_SESSION, other, t.text, strlen(t.text), &back) != 0);
    CHECK(state_token_open(key, sizeof(key), STATE_TOKEN_HANDLE, owner, t.text, strlen(t.text), &back) != 0);
    unsigned char key2[32] = {9};
    CHECK(state_token_open(key2, sizeof(key2), STATE_TOKEN_SESSION, owner, t.text, strlen(t.text), &back) != 0);
    char altered[STATE_TOKEN_LEN + 1];
    memcpy(altered, t.text, sizeof(altered));
    altered[30] = altered[30] == 'A' ? 'B' : 'A';
    CHECK(state_token_open(key, sizeof(key), STATE_TOKEN_SESSION, owner, altered, strlen(altered), &back) != 0);
    CHECK(state_token_open(key, sizeof(key), STATE_TOKEN_SESSION, owner, t.text, STATE_TOKEN_LEN - 1, &back) != 0);
    CHECK(state_token_open(key, sizeof(key), STATE_TOKEN_SESSION, owner, "", 0, &back) != 0);
    /* two tokens never share a row */
    state_token_t t2;
    CHECK(state_token_mint(key, sizeof(key), STATE_TOKEN_SESSION, owner, 1000, 60, 600, &t2) == 0);
    CHECK(strcmp(t.row, t2.row) != 0);
    arena_dispose(&a);
}

static void
test_owner(void)
{
    arena_t a;
    arena_init(&a, 0);
    unsigned char x[32], y[32], anon[32];
    state_token_owner(NULL, anon);
    /* an OAuth caller is its issuer and subject: a new token with other scopes is the same owner */
    state_token_owner(parse(&a, "{\"iss\":\"https://i\",\"sub\":\"u1\",\"scope\":\"a\",\"principal\":\"u1\"}"), x);
    state_token_owner(parse(&a, "{\"iss\":\"https://i\",\"sub\":\"u1\",\"scope\":\"a b\"}"), y);
    CHECK(memcmp(x, y, 32) == 0);
    state_token_owner(parse(&a, "{\"iss\":\"https://other\",\"sub\":\"u1\"}"), y);
    CHECK(memcmp(x, y, 32) != 0);
    state_token_owner(parse(&a, "{\"principalId\":\"e2e\",\"tenant\":\"a\"}"), x);
    state_token_owner(parse(&a, "{\"principalId\":\"e2e\",\"tenant\":\"b\"}"), y);
    CHECK(memcmp(x, y, 32) == 0);
    state_token_owner(parse(&a, "{\"principalId\":\"mallory\"}"), y);
    CHECK(memcmp(x, y, 32) != 0 && memcmp(anon, x, 32) != 0);
    arena_dispose(&a);
}

static int64_t fake_now = 1000;
static int64_t
fake_clock(void)
{
    return fake_now;
}

static mcp_state_write_t
write_of(mcp_state_op_t op, const char *k, int64_t v, int may_create)
{
    return (mcp_state_write_t){.row = "S:0001",
                               .op = op,
                               .key = k,
                               .integer = v,
                               .is_integer = 1,
                               .now = fake_now,
                               .expires_at = fake_now + 60,
                               .min_last_used = fake_now - 59,
                               .may_create = may_create};
}

static void
test_memory_store_conditions(void)
{
    mcp_state_store_t *st = state_memory_new(fake_clock);
    mcp_state_row_t row = {0};
    /* no row: only a write that may create one lands */
    mcp_state_write_t w = write_of(MCP_STATE_INCREMENT, "n", 5, 0);
    CHECK(st->write(st, &w, &row) == MCP_STATE_STORE_CONDITION);
    w.may_create = 1;
    CHECK(st->write(st, &w, &row) == 0 && row.integer == 5);
    CHECK(st->write(st, &w, &row) == 0 && row.integer == 10);
    CHECK(st->read(st, "S:0001", "n", &row) == 0 && row.exists && row.has_value && row.is_integer && row.integer == 10);
    /* stale: last used before the write's bound */
    w.min_last_used = fake_now + 1;
    CHECK(st->write(st, &w, &row) == MCP_STATE_STORE_CONDITION);
    /* text under the key: no increment; nor one past 64 bits */
    mcp_state_write_t set = write_of(MCP_STATE_SET, "t", 0, 1);
    set.is_integer = 0;
    set.text = "\"x\"";
    set.text_len = 3;
    CHECK(st->write(st, &set, &row) == 0);
    mcp_state_write_t inc = write_of(MCP_STATE_INCREMENT, "t", 1, 1);
    CHECK(st->write(st, &inc, &row) == MCP_STATE_STORE_CONDITION);
    inc = write_of(MCP_STATE_INCREMENT, "n", INT64_MAX, 1);
    CHECK(st->write(st, &inc, &row) == MCP_STATE_STORE_CONDITION);
    /* a value past the row's bound */
    char *big = malloc(STATE_MEMORY_MAX_ROW_BYTES);
    memset(big, 'a', STATE_MEMORY_MAX_ROW_BYTES);
    set.text = big;
    set.text_len = STATE_MEMORY_MAX_ROW_BYTES;
    CHECK(st->write(st, &set, &row) == MCP_STATE_STORE_TOO_LARGE);
    free(big);
    /* ended: no write lands, reads say so */
    CHECK(st->end(st, "S:0001", fake_now + 600) == 0);
    mcp_state_row_dispose(&row);
    memset(&row, 0, sizeof(row));
    CHECK(st->read(st, "S:0001", "n", &row) == 0 && row.exists && row.ended && !row.has_value);
    CHECK(st->write(st, &w, &row) == MCP_STATE_STORE_CONDITION);
    mcp_state_row_dispose(&row);
    state_memory_free(st);
}

typedef struct {
    mcp_state_store_t *st;
    int failures;
} hammer_t;

static void *
hammer(void *p)
{
    hammer_t *h = p;
    for (int i = 0; i != 1000; ++i) {
        mcp_state_write_t w = write_of(MCP_STATE_INCREMENT, "count", 1, 1);
        mcp_state_row_t row = {0};
        if (h->st->write(h->st, &w, &row) != 0)
            ++h->failures;
    }
    return NULL;
}

static void
test_memory_store_no_lost_update(void)
{
    mcp_state_store_t *st = state_memory_new(fake_clock);
    pthread_t threads[8];
    hammer_t h[8];
    for (int i = 0; i != 8; ++i) {
        h[i] = (hammer_t){st, 0};
        pthread_create(&threads[i], NULL, hammer, &h[i]);
    }
    for (int i = 0; i != 8; ++i) {
        pthread_join(threads[i], NULL);
        CHECK(h[i].failures == 0);
    }
    mcp_state_row_t row = {0};
    CHECK(st->read(st, "S:0001", "count", &row) == 0 && row.integer == 8000);
    state_memory_free(st);
}

/* ---- the API, through a handler context ---- */

static mcp_config_t config;
static mcp_server_t *server;
static const mcp_header_t headers[] = {{"content-type", 12, "application/json", 16}};
static const mcp_http_request_t http = {
    .method = "POST", .method_len = 4, .path = "/mcp", .path_len = 4, .headers = headers, .num_headers = 1};

static mcp_ctx_t *
new_ctx(mcp_exchange_t **ex, const json_value_t *identity)
{
    static const json_value_t id = {.type = JSON_NUMBER, .u.num = {"1", 1}};
    *ex = exchange_new(server, &http);
    mcp_request_t *req = exchange_request(*ex);
    req->era = MCP_ERA_MODERN;
    req->version = MCP_V2026_07_28;
    req->identity = identity;
    mcp_call_t call = {.ex = *ex, .req = req, .id = &id};
    return ctx_new(&call, MCP_CTX_TOOL);
}

static void
test_api_values_and_handles(void)
{
    arena_t a;
    arena_init(&a, 0);
    const json_value_t *alice = parse(&a, "{\"principalId\":\"alice\"}"), *bob = parse(&a, "{\"principalId\":\"bob\"}");
    mcp_exchange_t *ex;
    mcp_ctx_t *ctx = new_ctx(&ex, alice);
    mcp_state_t *st;
    const char *handle;
    /* a modern request has no session */
    CHECK(mcp_state_open(ctx, NULL, &st) == MCP_STATE_ENOSCOPE);
    CHECK(mcp_state_create(ctx, 60, 600, &st, &handle) == 0 && handle != NULL);
    const json_value_t *v;
    int64_t n = 0;
    CHECK(mcp_state_get(st, "count", &v) == 0 && v == NULL);
    CHECK(mcp_state_increment(st, "count", 2, &n) == 0 && n == 2);
    CHECK(mcp_state_set(st, "doc", "{ \"a\" : [1, 2] }") == 0);
    CHECK(mcp_state_get(st, "doc", &v) == 0 && v != NULL && v->type == JSON_OBJECT);
    CHECK(mcp_state_set(st, "n", "41") == 0 && mcp_state_increment(st, "n", 1, &n) == 0 && n == 42);
    CHECK(mcp_state_increment(st, "doc", 1, &n) == MCP_STATE_ENOTINT);
    CHECK(mcp_state_set(st, "bad key!", "1") == MCP_STATE_EKEY);
    CHECK(mcp_state_set(st, "x", "{not json") == MCP_STATE_EVALUE);
    CHECK(mcp_state_delete(st, "doc") == 0 && mcp_state_get(st, "doc", &v) == 0 && v == NULL);
    char kept[STATE_TOKEN_LEN + 1]; /* the handle is request memory: the client keeps its own copy */
    snprintf(kept, sizeof(kept), "%s", handle);
    handle = kept;
    ctx_free(ctx);
    exchange_release(ex);

    /* the same caller in a later request finds the value; another caller's handle is refused */
    ctx = new_ctx(&ex, alice);
    CHECK(mcp_state_open(ctx, handle, &st) == 0 && mcp_state_get(st, "count", &v) == 0 && v != NULL);
    ctx_free(ctx);
    exchange_release(ex);
    ctx = new_ctx(&ex, bob);
    CHECK(mcp_state_open(ctx, handle, &st) == MCP_STATE_EINVALID);
    CHECK(mcp_state_open(ctx, "not-a-handle", &st) == MCP_STATE_EINVALID);
    ctx_free(ctx);
    exchange_release(ex);

    /* ended: refused from then on */
    ctx = new_ctx(&ex, alice);
    CHECK(mcp_state_open(ctx, handle, &st) == 0 && mcp_state_end(st) == 0);
    CHECK(mcp_state_get(st, "count", &v) == MCP_STATE_EENDED);
    CHECK(mcp_state_increment(st, "count", 1, &n) == MCP_STATE_EENDED);
    ctx_free(ctx);
    exchange_release(ex);
    arena_dispose(&a);
}

static void
test_api_expired_handle(void)
{
    mcp_exchange_t *ex;
    mcp_ctx_t *ctx = new_ctx(&ex, NULL);
    mcp_state_t *st;
    const char *handle;
    int64_t n;
    CHECK(mcp_state_create(ctx, 1, 1, &st, &handle) == 0);
    CHECK(mcp_state_increment(st, "count", 1, &n) == 0);
    /* a lifetime of one second: the next whole second is past it */
    time_t start = time(NULL);
    while (time(NULL) < start + 2)
        usleep(50000);
    const json_value_t *v;
    int err = mcp_state_get(st, "count", &v);
    CHECK(err == MCP_STATE_EEXPIRED);
    CHECK(mcp_state_increment(st, "count", 1, &n) == MCP_STATE_EEXPIRED);
    mcp_state_error(ctx, st, err);
    buf_t out = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &out);
    mcp_rpc_error_t e = {0};
    CHECK(ctx_write_tool_result(ctx, &w, &e) == 0);
    char prefix[16];
    snprintf(prefix, sizeof(prefix), "%.8s...", handle);
    CHECK(strstr(out.data, "has expired") != NULL && strstr(out.data, prefix) != NULL && strstr(out.data, "\"isError\":true"));
    buf_dispose(&out);
    ctx_free(ctx);
    exchange_release(ex);
}

/*
 * A rotation of the request-state key (a front door's secret): session ids made before it still open under the
 * previous key, and no longer once that key is gone; ids made after it open; nothing opens as a requestState key.
 */
static void
test_sessions_across_rotation(void)
{
    unsigned char first[32], second[48], third[32];
    memset(first, 'a', sizeof(first));
    memset(second, 'b', sizeof(second));
    memset(third, 'c', sizeof(third));
    state_token_t before, after, opened;
    CHECK(mcp_server_set_state_keys(server, first, sizeof(first), NULL, 0) == 0);
    CHECK(state_session_new(server, NULL, &before) == 0);
    CHECK(state_session_open(server, NULL, before.text, strlen(before.text), &opened) == 0);

    CHECK(mcp_server_set_state_keys(server, second, sizeof(second), first, sizeof(first)) == 0);
    CHECK(state_session_open(server, NULL, before.text, strlen(before.text), &opened) == 0 && strcmp(opened.row, before.row) == 0);
    CHECK(state_session_new(server, NULL, &after) == 0);
    CHECK(state_session_open(server, NULL, after.text, strlen(after.text), &opened) == 0);

    /* the session key is derived: the state key itself does not open the id */
    unsigned char owner[32];
    state_token_owner(NULL, owner);
    CHECK(state_token_open(second, sizeof(second), STATE_TOKEN_SESSION, owner, after.text, strlen(after.text), &opened) != 0);

    CHECK(mcp_server_set_state_keys(server, third, sizeof(third), second, sizeof(second)) == 0);
    CHECK(state_session_open(server, NULL, before.text, strlen(before.text), &opened) != 0); /* its key is gone */
    CHECK(state_session_open(server, NULL, after.text, strlen(after.text), &opened) == 0);
}

int
main(void)
{
    RUN(test_token_round_trip);
    RUN(test_owner);
    RUN(test_memory_store_conditions);
    RUN(test_memory_store_no_lost_update);
    char *argv[] = {"test", "--sessions", "memory", NULL};
    char err[256];
    if (config_parse(&config, 3, argv, err, sizeof(err)) != 0 || (server = mcp_server_new(&config, err, sizeof(err))) == NULL) {
        fprintf(stderr, "cannot make the server: %s\n", err);
        return 1;
    }
    RUN(test_api_values_and_handles);
    RUN(test_api_expired_handle);
    RUN(test_sessions_across_rotation);
    mcp_server_free(server);
    config_dispose(&config);
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed != 0;
}
