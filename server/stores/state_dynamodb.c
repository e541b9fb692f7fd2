/* state_dynamodb.c: the state store in a DynamoDB table (see state_dynamodb.h). */
#include "state_dynamodb.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynamodb.h"
#include "jsonw.h"
#include "log.h"

#define MAX_REPLY_ARENA (4u << 20) /* one item's projection: a value of at most 64 KiB, and a few numbers */
#define MAX_REQUEST_BYTES (1u << 20)
#define VALUE_PREFIX "v_"

typedef struct st_state_dynamodb_t {
    mcp_state_store_t super;
    dynamodb_t *db;
} state_dynamodb_t;

static int
store_error(int err)
{
    switch (err) {
    case 0:
        return 0;
    case DYNAMODB_ERR_CONDITION:
        return MCP_STATE_STORE_CONDITION;
    case DYNAMODB_ERR_TOO_LARGE:
        return MCP_STATE_STORE_TOO_LARGE;
    default:
        return MCP_STATE_STORE_UNAVAILABLE;
    }
}

static void
write_key(jsonw_t *w, const state_dynamodb_t *st, const char *row)
{
    dynamodb_write_table(w, st->db);
    jsonw_key(w, "Key");
    jsonw_object_begin(w);
    dynamodb_write_s(w, "id", row);
    jsonw_object_end(w);
}

/*
 * "#e" ended, "#l" lastUsed, "#x" expiresAt when a write sets it, "#v" the value's attribute when there is a key:
 * names that collide with none of DynamoDB's reserved words, and exactly those the expressions use (it refuses
 * any other).
 */
static void
write_names(jsonw_t *w, const char *key, int expiry)
{
    jsonw_key(w, "ExpressionAttributeNames");
    jsonw_object_begin(w);
    jsonw_kv_string(w, "#e", "ended");
    jsonw_kv_string(w, "#l", "lastUsed");
    if (expiry)
        jsonw_kv_string(w, "#x", "expiresAt");
    if (key != NULL) {
        char name[80];
        snprintf(name, sizeof(name), VALUE_PREFIX "%s", key);
        jsonw_kv_string(w, "#v", name);
    }
    jsonw_object_end(w);
}

/* Fills out from an item (or its updated attributes); returns 0 or MCP_STATE_STORE_UNAVAILABLE for an unreadable one. */
static int
read_item(const json_value_t *item, const char *key, mcp_state_row_t *out)
{
    if (item == NULL || item->type != JSON_OBJECT)
        return 0;
    out->exists = 1;
    out->ended = dynamodb_get_bool(item, "ended") == 1;
    int64_t last = 0;
    if (json_get(item, "lastUsed") != NULL && dynamodb_get_n(item, "lastUsed", &last) != 0)
        return MCP_STATE_STORE_UNAVAILABLE;
    out->last_used = last;
    if (key == NULL)
        return 0;
    char name[80];
    snprintf(name, sizeof(name), VALUE_PREFIX "%s", key);
    const json_value_t *value = json_get(item, name);
    if (value == NULL)
        return 0;
    out->has_value = 1;
    if (json_get(value, "N") != NULL) {
        out->is_integer = 1;
        return dynamodb_get_n(item, name, &out->integer) == 0 ? 0 : MCP_STATE_STORE_UNAVAILABLE;
    }
    const char *text = dynamodb_get_s(item, name);
    if (text == NULL)
        return MCP_STATE_STORE_UNAVAILABLE;
    buf_append_str(&out->text, text);
    return buf_failed(&out->text) ? MCP_STATE_STORE_TOO_LARGE : 0;
}

/* Calls operation with body and reads the item found under item_member ("Item", "Attributes") into out. */
static int
call(state_dynamodb_t *st, const char *operation, buf_t *body, const char *item_member, const char *key, mcp_state_row_t *out)
{
    if (buf_failed(body))
        return MCP_STATE_STORE_TOO_LARGE;
    arena_t a;
    arena_init(&a, MAX_REPLY_ARENA);
    json_value_t *reply = NULL;
    int ret = store_error(dynamodb_call(st->db, operation, body->data, body->len, &a, item_member != NULL ? &reply : NULL));
    if (ret == 0 && item_member != NULL && (ret = read_item(json_get(reply, item_member), key, out)) != 0)
        log_msg(LOG_ERROR, "dynamodb", "%s on %s: an item the server did not write", operation, dynamodb_table(st->db));
    arena_dispose(&a);
    return ret;
}

static int
dynamodb_read(mcp_state_store_t *self, const char *row, const char *key, mcp_state_row_t *out)
{
    state_dynamodb_t *st = (state_dynamodb_t *)self;
    buf_t body = BUF_INIT(MAX_REQUEST_BYTES);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    write_key(&w, st, row);
    jsonw_kv_bool(&w, "ConsistentRead", 1); /* a write on another instance just before must be seen */
    jsonw_kv_string(&w, "ProjectionExpression", key != NULL ? "#e, #l, #v" : "#e, #l");
    write_names(&w, key, 0);
    jsonw_object_end(&w);
    int ret = call(st, "GetItem", &body, "Item", key, out);
    buf_dispose(&body);
    return ret;
}

/* The write's expression: its effect on the item, then the condition the core asks for. */
static void
write_update(jsonw_t *w, const mcp_state_write_t *u)
{
    static const char *const effects[] = {
        [MCP_STATE_TOUCH] = "SET #l = :now, #x = :exp",
        [MCP_STATE_SET] = "SET #l = :now, #x = :exp, #v = :val",
        [MCP_STATE_REMOVE] = "SET #l = :now, #x = :exp REMOVE #v",
        [MCP_STATE_INCREMENT] = "SET #l = :now, #x = :exp, #v = if_not_exists(#v, :zero) + :by",
    };
    jsonw_kv_string(w, "UpdateExpression", effects[u->op]);
    buf_t cond = BUF_INIT(512);
    buf_append_str(&cond, "attribute_not_exists(#e) AND ");
    buf_append_str(&cond, u->may_create ? "(attribute_not_exists(#l) OR #l >= :min)" : "#l >= :min");
    /* an increment needs a number there, and one the sum keeps within 64 bits */
    if (u->op == MCP_STATE_INCREMENT)
        buf_append_str(&cond, u->integer >= 0
                                  ? " AND (attribute_not_exists(#v) OR (attribute_type(#v, :number) AND #v <= :limit))"
                                  : " AND (attribute_not_exists(#v) OR (attribute_type(#v, :number) AND #v >= :limit))");
    jsonw_kv_string(w, "ConditionExpression", cond.data);
    buf_dispose(&cond);
}

static void
write_values(jsonw_t *w, const mcp_state_write_t *u)
{
    jsonw_key(w, "ExpressionAttributeValues");
    jsonw_object_begin(w);
    dynamodb_write_n(w, ":now", u->now);
    dynamodb_write_n(w, ":exp", u->expires_at);
    dynamodb_write_n(w, ":min", u->min_last_used);
    if (u->op == MCP_STATE_SET) {
        if (u->is_integer)
            dynamodb_write_n(w, ":val", u->integer);
        else
            dynamodb_write_sn(w, ":val", u->text, u->text_len);
    } else if (u->op == MCP_STATE_INCREMENT) {
        dynamodb_write_n(w, ":zero", 0);
        dynamodb_write_n(w, ":by", u->integer);
        dynamodb_write_s(w, ":number", "N");
        dynamodb_write_n(w, ":limit", u->integer >= 0 ? INT64_MAX - u->integer : INT64_MIN - u->integer);
    }
    jsonw_object_end(w);
}

static int
dynamodb_write(mcp_state_store_t *self, const mcp_state_write_t *u, mcp_state_row_t *out)
{
    state_dynamodb_t *st = (state_dynamodb_t *)self;
    const char *key = u->op == MCP_STATE_TOUCH ? NULL : u->key;
    buf_t body = BUF_INIT(MAX_REQUEST_BYTES);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    write_key(&w, st, u->row);
    write_update(&w, u);
    write_names(&w, key, 1);
    write_values(&w, u);
    /* an increment's result comes back with the write: no second request, no window for another writer */
    jsonw_kv_string(&w, "ReturnValues", u->op == MCP_STATE_INCREMENT ? "UPDATED_NEW" : "NONE");
    jsonw_object_end(&w);
    if (jsonw_failed(&w))
        body.failed = 1;
    int ret = call(st, "UpdateItem", &body, u->op == MCP_STATE_INCREMENT ? "Attributes" : NULL, key, out);
    if (ret == 0) {
        out->exists = 1;
        out->last_used = u->now;
    }
    buf_dispose(&body);
    return ret;
}

static int
dynamodb_end(mcp_state_store_t *self, const char *row, int64_t expires_at)
{
    state_dynamodb_t *st = (state_dynamodb_t *)self;
    buf_t body = BUF_INIT(MAX_REQUEST_BYTES);
    jsonw_t w;
    jsonw_init(&w, &body);
    dynamodb_begin_item(&w, st->db, "id", row);
    dynamodb_write_bool(&w, "ended", 1);
    dynamodb_write_n(&w, "expiresAt", expires_at);
    dynamodb_end_item(&w);
    int ret = call(st, "PutItem", &body, NULL, NULL, NULL);
    buf_dispose(&body);
    return ret;
}

int
state_dynamodb_new(const char *table, const char *endpoint, mcp_state_store_t **out, char *err, size_t err_len)
{
    *out = NULL;
    state_dynamodb_t *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    if (dynamodb_new(table, endpoint, &st->db, err, err_len) != 0) {
        free(st);
        return -1;
    }
    st->super.read = dynamodb_read;
    st->super.write = dynamodb_write;
    st->super.end = dynamodb_end;
    *out = &st->super;
    return 0;
}

void
state_dynamodb_free(mcp_state_store_t *store)
{
    state_dynamodb_t *st = (state_dynamodb_t *)store;
    if (st == NULL)
        return;
    dynamodb_free(st->db);
    free(st);
}
