/*
 * state.c: state that outlives a request (mcp.h's mcp_state_*()), and whether a session or state handle is
 * still live (state.h). The store keeps rows; everything about validity is decided here, and every write
 * carries its validity as the store's condition, so a scope that ends (deleted, expired) between a check
 * and a write is never written to again.
 */
#include "state.h"

#include <openssl/crypto.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "handler_ctx.h"
#include "log.h"
#include "server.h"

#define MAX_LIFETIME_S (30u * 86400)

struct st_mcp_state_t {
    mcp_ctx_t *ctx;
    mcp_server_t *server;
    int usable;         /* opened or created: tok holds a verified token */
    const char *handle; /* the handle as the tool gave it; NULL: the session */
    state_token_t tok;
};

static const struct {
    int code;
    const char *text;
} texts[] = {
#define MCP_STATE_TEXT(name, code, text) {code, text},
    MCP_STATE_ERRORS(MCP_STATE_TEXT)
#undef MCP_STATE_TEXT
};

const char *
mcp_state_strerror(int err)
{
    for (size_t i = 0; i != sizeof(texts) / sizeof(texts[0]); ++i)
        if (texts[i].code == err)
            return texts[i].text;
    return "unknown error";
}

static int64_t
now_s(void)
{
    return (int64_t)time(NULL);
}

static int
store_error(int err)
{
    switch (err) {
    case 0:
        return 0;
    case MCP_STATE_STORE_TOO_LARGE:
        return MCP_STATE_ETOOLARGE;
    case MCP_STATE_STORE_FULL:
        return MCP_STATE_EFULL;
    default:
        return MCP_STATE_EUNAVAILABLE;
    }
}

void
mcp_state_row_dispose(mcp_state_row_t *row)
{
    buf_dispose(&row->text);
}

static void
row_init(mcp_state_row_t *row)
{
    memset(row, 0, sizeof(*row));
    buf_init(&row->text, MCP_STATE_MAX_VALUE_BYTES + 1);
}

/* The one rule of liveness (state.h). */
static int
judge(const state_token_t *tok, const mcp_state_row_t *row, int64_t now)
{
    if (row->exists && row->ended)
        return MCP_STATE_EENDED;
    if (now >= tok->created_s + (int64_t)tok->max_s)
        return MCP_STATE_EEXPIRED;
    int64_t last = row->exists && row->last_used != 0 ? row->last_used : tok->created_s;
    return now >= last + (int64_t)tok->idle_s ? MCP_STATE_EEXPIRED : 0;
}

/* Whether the recorded last use is old enough to be rewritten (state.h). */
static int
touch_due(const state_token_t *tok, const mcp_state_row_t *row, int64_t now)
{
    int64_t last = row->exists && row->last_used != 0 ? row->last_used : tok->created_s;
    int64_t every = tok->idle_s / 10 != 0 ? tok->idle_s / 10 : 1;
    return now - last >= every;
}

/* Why a write's condition failed: the scope ended or expired, or else (the value) `otherwise`. */
static int
why_refused(mcp_state_store_t *store, const state_token_t *tok, int64_t now, int otherwise)
{
    mcp_state_row_t row;
    row_init(&row);
    int ret = store->read(store, tok->row, NULL, &row);
    ret = ret != 0 ? store_error(ret) : judge(tok, &row, now);
    mcp_state_row_dispose(&row);
    return ret != 0 ? ret : otherwise;
}

/*
 * Writes to a live scope: the write holds only if the scope is still live when it lands (not ended, used within
 * its idle timeout, or not yet written and young enough), and it slides the scope's expiry, within its cap.
 */
static int
write_scope(mcp_server_t *s, const state_token_t *tok, mcp_state_write_t *w, mcp_state_row_t *out, int otherwise)
{
    mcp_state_store_t *store = server_state_store(s);
    if (store == NULL)
        return MCP_STATE_EUNAVAILABLE;
    int64_t now = now_s(), cap = tok->created_s + (int64_t)tok->max_s;
    if (now >= cap)
        return MCP_STATE_EEXPIRED;
    w->row = tok->row;
    w->now = now;
    w->expires_at = now + (int64_t)tok->idle_s < cap ? now + (int64_t)tok->idle_s : cap;
    w->min_last_used = now - (int64_t)tok->idle_s + 1;
    w->may_create = tok->created_s >= w->min_last_used;
    int ret = store->write(store, w, out);
    if (ret == MCP_STATE_STORE_CONDITION)
        return why_refused(store, tok, now, otherwise);
    return store_error(ret);
}

/* After a read: whether the scope is live, and (slide) its expiry slid when due. */
static int
judge_and_touch(mcp_server_t *s, const state_token_t *tok, const mcp_state_row_t *row, int64_t now, int slide)
{
    int ret = judge(tok, row, now);
    if (ret != 0 || !slide || !touch_due(tok, row, now))
        return ret;
    mcp_state_write_t w = {.op = MCP_STATE_TOUCH};
    mcp_state_row_t touched;
    row_init(&touched);
    /* a scope that ended in between is refused; else the use counts even if its record could not be written */
    ret = write_scope(s, tok, &w, &touched, 0);
    mcp_state_row_dispose(&touched);
    return ret == MCP_STATE_EENDED || ret == MCP_STATE_EEXPIRED ? ret : 0;
}

int
state_check(mcp_server_t *s, const state_token_t *tok, int slide)
{
    mcp_state_store_t *store = server_state_store(s);
    if (store == NULL)
        return MCP_STATE_EUNAVAILABLE;
    int64_t now = now_s();
    mcp_state_row_t row;
    row_init(&row);
    int ret = store->read(store, tok->row, NULL, &row);
    ret = ret != 0 ? store_error(ret) : judge_and_touch(s, tok, &row, now, slide);
    mcp_state_row_dispose(&row);
    return ret;
}

int
state_end(mcp_server_t *s, const state_token_t *tok)
{
    mcp_state_store_t *store = server_state_store(s);
    if (store == NULL)
        return MCP_STATE_EUNAVAILABLE;
    /* the tombstone lasts as long as the id could otherwise be valid */
    return store_error(store->end(store, tok->row, tok->created_s + (int64_t)tok->max_s));
}

/* A new token under the current token key. */
static int
mint_token(mcp_server_t *s, char kind, const unsigned char owner[32], uint32_t idle_s, uint32_t max_s, state_token_t *out)
{
    state_keys_t keys;
    server_keys(s, SERVER_KEYS_TOKENS, 0, &keys);
    int ret = state_token_mint(keys.current, keys.current_len, kind, owner, now_s(), idle_s, max_s, out);
    OPENSSL_cleanse(&keys, sizeof(keys));
    return ret;
}

struct open_args {
    char kind;
    const unsigned char *owner;
    const char *text;
    size_t len;
    state_token_t *out;
};

static int
open_under(const unsigned char *key, size_t key_len, void *arg)
{
    struct open_args *a = arg;
    return state_token_open(key, key_len, a->kind, a->owner, a->text, a->len, a->out);
}

/* Verifies a token under the current token key, the previous one, or those of a re-read key source; 0 or -1. */
static int
open_token(mcp_server_t *s, char kind, const unsigned char owner[32], const char *text, size_t len, state_token_t *out)
{
    struct open_args a = {kind, owner, text, len, out};
    return server_open_sealed(s, SERVER_KEYS_TOKENS, -1, open_under, &a);
}

int
state_session_new(mcp_server_t *s, const json_value_t *identity, state_token_t *out)
{
    const mcp_config_t *cfg = server_config(s);
    unsigned char owner[32];
    state_token_owner(identity, owner);
    return mint_token(s, STATE_TOKEN_SESSION, owner, cfg->session_idle_s, cfg->session_max_s, out);
}

int
state_session_open(mcp_server_t *s, const json_value_t *identity, const char *text, size_t len, state_token_t *out)
{
    unsigned char owner[32];
    state_token_owner(identity, owner);
    return open_token(s, STATE_TOKEN_SESSION, owner, text, len, out) == 0 ? 0 : MCP_STATE_EINVALID;
}

/* ---- the tool's API (mcp.h) ---- */

static mcp_state_t *
new_state(mcp_ctx_t *ctx)
{
    mcp_state_t *st = mcp_alloc(ctx, sizeof(*st));
    if (st != NULL) {
        memset(st, 0, sizeof(*st));
        st->ctx = ctx;
        st->server = ctx_request(ctx)->server;
    }
    return st;
}

/* The start of mcp_state_open() and mcp_state_create(): a state object in *out, or why there is none to use. */
static int
begin_state(mcp_ctx_t *ctx, mcp_state_t **out)
{
    mcp_state_t *st = *out = new_state(ctx);
    if (st == NULL)
        return MCP_STATE_EUNAVAILABLE;
    return server_config(st->server)->sessions == MCP_SESSIONS_OFF ? MCP_STATE_EOFF : 0;
}

int
mcp_state_open(mcp_ctx_t *ctx, const char *handle, mcp_state_t **out)
{
    int ret = begin_state(ctx, out);
    if (ret != 0)
        return ret;
    mcp_state_t *st = *out;
    const mcp_request_t *req = ctx_request(ctx);
    if (handle == NULL) {
        if (req->session == NULL)
            return MCP_STATE_ENOSCOPE;
        st->tok = *req->session;
        st->usable = 1;
        return 0;
    }
    st->handle = mcp_strdup(ctx, handle);
    unsigned char owner[32];
    state_token_owner(req->identity, owner);
    if (open_token(st->server, STATE_TOKEN_HANDLE, owner, handle, strlen(handle), &st->tok) != 0)
        return MCP_STATE_EINVALID;
    st->usable = 1;
    return now_s() >= st->tok.created_s + (int64_t)st->tok.max_s ? MCP_STATE_EEXPIRED : 0;
}

int
mcp_state_create(mcp_ctx_t *ctx, unsigned idle_s, unsigned max_s, mcp_state_t **out, const char **handle)
{
    *handle = NULL;
    int ret = begin_state(ctx, out);
    if (ret != 0)
        return ret;
    mcp_state_t *st = *out;
    const mcp_request_t *req = ctx_request(ctx);
    max_s = max_s < 1 ? 1 : max_s > MAX_LIFETIME_S ? MAX_LIFETIME_S : max_s;
    idle_s = idle_s < 1 ? 1 : idle_s > max_s ? max_s : idle_s;
    unsigned char owner[32];
    state_token_owner(req->identity, owner);
    if (mint_token(st->server, STATE_TOKEN_HANDLE, owner, idle_s, max_s, &st->tok) != 0)
        return MCP_STATE_EUNAVAILABLE;
    st->usable = 1;
    st->handle = *handle = mcp_strdup(ctx, st->tok.text);
    return 0;
}

static int
valid_key(const char *key)
{
    size_t len = key != NULL ? strlen(key) : 0;
    return len >= 1 && len <= 64 && strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == len;
}

/* What every operation checks first. */
static int
usable(const mcp_state_t *st, const char *key)
{
    if (st == NULL || !st->usable)
        return MCP_STATE_EINVALID;
    return key == NULL || valid_key(key) ? 0 : MCP_STATE_EKEY;
}

int
mcp_state_get(mcp_state_t *st, const char *key, const json_value_t **value)
{
    *value = NULL;
    int ret = usable(st, key);
    if (ret != 0)
        return ret;
    mcp_state_store_t *store = server_state_store(st->server);
    if (store == NULL)
        return MCP_STATE_EUNAVAILABLE;
    mcp_state_row_t row;
    row_init(&row);
    int64_t now = now_s();
    if ((ret = store->read(store, st->tok.row, key, &row)) != 0) {
        ret = store_error(ret);
    } else if ((ret = judge_and_touch(st->server, &st->tok, &row, now, 1)) == 0 && row.has_value) {
        char digits[24];
        const char *text = row.text.data != NULL ? row.text.data : "";
        size_t len = row.text.len;
        if (row.is_integer) {
            len = (size_t)snprintf(digits, sizeof(digits), "%" PRId64, row.integer);
            text = digits;
        }
        json_value_t *parsed;
        if (ctx_parse_json(st->ctx, text, len, &parsed) == 0) {
            *value = parsed;
        } else {
            log_msg(LOG_ERROR, "state_value", "a stored state value is not JSON");
            ret = MCP_STATE_EUNAVAILABLE;
        }
    }
    mcp_state_row_dispose(&row);
    return ret;
}

int
mcp_state_set(mcp_state_t *st, const char *key, const char *json)
{
    int ret = usable(st, key);
    if (ret != 0)
        return ret;
    json_value_t *v;
    size_t len = json != NULL ? strlen(json) : 0;
    if (json == NULL || len > MCP_STATE_MAX_VALUE_BYTES || ctx_parse_json(st->ctx, json, len, &v) != 0)
        return MCP_STATE_EVALUE;
    /* kept compact, and an integer as a number (DynamoDB's N), which increments work on */
    buf_t text = BUF_INIT(MCP_STATE_MAX_VALUE_BYTES);
    jsonw_t w;
    jsonw_init(&w, &text);
    jsonw_value(&w, v);
    mcp_state_write_t write = {.op = MCP_STATE_SET, .key = key, .text = text.data, .text_len = text.len};
    write.is_integer = v->type == JSON_NUMBER && json_int64(v, &write.integer) == 0;
    if (jsonw_failed(&w)) {
        ret = MCP_STATE_EVALUE;
    } else {
        mcp_state_row_t row;
        row_init(&row);
        ctx_set_state_written(st->ctx);
        ret = write_scope(st->server, &st->tok, &write, &row, MCP_STATE_EUNAVAILABLE);
        mcp_state_row_dispose(&row);
    }
    buf_dispose(&text);
    return ret;
}

int
mcp_state_delete(mcp_state_t *st, const char *key)
{
    int ret = usable(st, key);
    if (ret != 0)
        return ret;
    mcp_state_write_t write = {.op = MCP_STATE_REMOVE, .key = key};
    mcp_state_row_t row;
    row_init(&row);
    ctx_set_state_written(st->ctx);
    ret = write_scope(st->server, &st->tok, &write, &row, MCP_STATE_EUNAVAILABLE);
    mcp_state_row_dispose(&row);
    return ret;
}

int
mcp_state_increment(mcp_state_t *st, const char *key, int64_t by, int64_t *value)
{
    int ret = usable(st, key);
    if (ret != 0)
        return ret;
    mcp_state_write_t write = {.op = MCP_STATE_INCREMENT, .key = key, .integer = by};
    mcp_state_row_t row;
    row_init(&row);
    ctx_set_state_written(st->ctx);
    /* the condition also fails when the key holds something other than an integer */
    ret = write_scope(st->server, &st->tok, &write, &row, MCP_STATE_ENOTINT);
    if (ret == 0 && !(row.has_value && row.is_integer)) {
        log_msg(LOG_ERROR, "state_value", "an increment did not give back an integer");
        ret = MCP_STATE_ENOTINT;
    }
    if (ret == 0 && value != NULL)
        *value = row.integer;
    mcp_state_row_dispose(&row);
    return ret;
}

int
mcp_state_end(mcp_state_t *st)
{
    int ret = usable(st, NULL);
    if (ret == 0) {
        ctx_set_state_written(st->ctx);
        ret = state_end(st->server, &st->tok);
    }
    return ret;
}

int
mcp_state_error(mcp_ctx_t *ctx, mcp_state_t *st, int err)
{
    /* a handle is a credential of its caller's: named by its first characters only */
    const char *handle = st != NULL ? st->handle : NULL;
    int prefix = handle != NULL && strlen(handle) > 8 ? 8 : 0;
    switch (err) {
    case MCP_STATE_EEXPIRED:
        if (handle != NULL && st->usable)
            return mcp_error(ctx,
                             "The state handle %.*s... has expired: handles of this kind end %u seconds after their last use and "
                             "%u seconds after they were created. Create a new one.",
                             prefix, handle, st->tok.idle_s, st->tok.max_s);
        return mcp_error(ctx, "This session has expired: the client must start a new one (initialize again).");
    case MCP_STATE_EENDED:
        if (handle != NULL)
            return mcp_error(ctx, "The state handle %.*s... was ended; create a new one.", prefix, handle);
        return mcp_error(ctx, "This session was ended: the client must start a new one (initialize again).");
    case MCP_STATE_EINVALID:
        return mcp_error(ctx, "That is not a state handle this server gave you: it is malformed, was issued to another caller, or "
                              "comes from another deployment. Create a new one.");
    case MCP_STATE_ENOSCOPE:
        return mcp_error(ctx, "This call needs a state handle: protocol version 2026-07-28 has no sessions. Create one with the "
                              "tool whose description offers it, and pass it.");
    default:
        return mcp_error(ctx, "State is not available: %s.", mcp_state_strerror(err));
    }
}
