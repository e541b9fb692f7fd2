/*
 * dynamodb_task_store.c: the tasks of the tasks extension (core/task_store.h) in DynamoDB, one item per task
 * (id "task:<taskId>"), so that any instance answers tasks/get and tasks/cancel for a task another one runs.
 * A task is created with a PutItem that refuses an existing id, read with a strongly consistent GetItem, and
 * replaced with a PutItem conditioned on the version read (the core makes terminal rows final). expiresAt
 * (seconds) is the table's TTL attribute; the core still compares expiresMs on every read, since DynamoDB
 * deletes expired items late.
 */
#include "dynamodb_task_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynamodb.h"
#include "log.h"

#define MAX_REQUEST (400u * 1024u * 2u) /* DynamoDB's item limit (400 KB), JSON-escaped at worst twice as large */

struct st_dynamodb_task_store_t {
    mcp_task_store_t super;
    dynamodb_t *db;
};

static void
item_id(const char *id, char out[MCP_TASK_ID_LEN + 8])
{
    snprintf(out, MCP_TASK_ID_LEN + 8, "task:%s", id);
}

static int
map_error(int ret)
{
    switch (ret) {
    case 0:
        return 0;
    case DYNAMODB_ERR_CONDITION:
        return MCP_TASK_STORE_CONDITION;
    case DYNAMODB_ERR_TOO_LARGE:
        return MCP_TASK_STORE_FULL;
    default:
        return MCP_TASK_STORE_UNAVAILABLE;
    }
}

/* PutItem of the row; condition: NULL (none), or a ConditionExpression with :prev the version before this one. */
static int
put_row(dynamodb_task_store_t *st, const mcp_task_row_t *row, const char *condition)
{
    char id[MCP_TASK_ID_LEN + 8];
    item_id(row->id, id);
    buf_t body = BUF_INIT(MAX_REQUEST);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    dynamodb_write_table(&w, st->db);
    jsonw_key(&w, "Item");
    jsonw_object_begin(&w);
    dynamodb_write_s(&w, "id", id);
    dynamodb_write_s(&w, "principal", row->principal);
    dynamodb_write_n(&w, "status", row->status);
    dynamodb_write_n(&w, "createdMs", row->created_ms);
    dynamodb_write_n(&w, "updatedMs", row->updated_ms);
    dynamodb_write_n(&w, "expiresMs", row->expires_ms);
    dynamodb_write_n(&w, "expiresAt", row->expires_ms / 1000 + 1);
    dynamodb_write_n(&w, "version", row->version);
    if (row->input_requests.len != 0)
        dynamodb_write_sn(&w, "inputRequests", row->input_requests.data, row->input_requests.len);
    if (row->answers.len != 0)
        dynamodb_write_sn(&w, "answers", row->answers.data, row->answers.len);
    if (row->outcome.len != 0)
        dynamodb_write_sn(&w, "outcome", row->outcome.data, row->outcome.len);
    if (row->call.len != 0)
        dynamodb_write_sn(&w, "call", row->call.data, row->call.len);
    jsonw_object_end(&w);
    if (condition != NULL) {
        jsonw_kv_string(&w, "ConditionExpression", condition);
        if (strstr(condition, ":prev") != NULL) {
            jsonw_key(&w, "ExpressionAttributeNames");
            jsonw_object_begin(&w);
            jsonw_kv_string(&w, "#v", "version");
            jsonw_object_end(&w);
            jsonw_key(&w, "ExpressionAttributeValues");
            jsonw_object_begin(&w);
            dynamodb_write_n(&w, ":prev", (int64_t)row->version - 1);
            jsonw_object_end(&w);
        }
    }
    jsonw_object_end(&w);
    int ret = jsonw_failed(&w) ? MCP_TASK_STORE_FULL : map_error(dynamodb_call(st->db, "PutItem", body.data, body.len, NULL, NULL));
    buf_dispose(&body);
    return ret;
}

static int
task_create(mcp_task_store_t *self, const mcp_task_row_t *row)
{
    return put_row((dynamodb_task_store_t *)self, row, "attribute_not_exists(id)");
}

static int
task_write(mcp_task_store_t *self, const mcp_task_row_t *row)
{
    return put_row((dynamodb_task_store_t *)self, row, "attribute_exists(id) AND #v = :prev");
}

static void
read_text(const json_value_t *item, const char *name, buf_t *out)
{
    buf_reset(out);
    const char *s = dynamodb_get_s(item, name);
    if (s != NULL)
        buf_append_str(out, s);
}

static int
task_read(mcp_task_store_t *self, const char *id, mcp_task_row_t *out)
{
    dynamodb_task_store_t *st = (dynamodb_task_store_t *)self;
    char key[MCP_TASK_ID_LEN + 8];
    if (strlen(id) != MCP_TASK_ID_LEN)
        return MCP_TASK_STORE_NOT_FOUND; /* never one of ours: no need to ask */
    item_id(id, key);
    buf_t body = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    dynamodb_write_table(&w, st->db);
    jsonw_key(&w, "Key");
    jsonw_object_begin(&w);
    dynamodb_write_s(&w, "id", key);
    jsonw_object_end(&w);
    jsonw_kv_bool(&w, "ConsistentRead", 1);
    jsonw_object_end(&w);
    arena_t arena;
    arena_init(&arena, 4u << 20);
    json_value_t *reply = NULL;
    int ret = map_error(dynamodb_call(st->db, "GetItem", body.data, body.len, &arena, &reply));
    buf_dispose(&body);
    const json_value_t *item = ret == 0 ? json_get(reply, "Item") : NULL;
    int64_t status = 0, created = 0, updated = 0, expires = 0, version = 0;
    const char *principal = item != NULL ? dynamodb_get_s(item, "principal") : NULL;
    if (ret == 0 && item == NULL) {
        ret = MCP_TASK_STORE_NOT_FOUND;
    } else if (ret == 0 &&
               (principal == NULL || strlen(principal) >= sizeof(out->principal) || dynamodb_get_n(item, "status", &status) != 0 ||
                status < MCP_TASK_WORKING || status > MCP_TASK_CANCELLED || dynamodb_get_n(item, "createdMs", &created) != 0 ||
                dynamodb_get_n(item, "updatedMs", &updated) != 0 || dynamodb_get_n(item, "expiresMs", &expires) != 0 ||
                dynamodb_get_n(item, "version", &version) != 0)) {
        log_msg(LOG_ERROR, "task_store", "task %s: the item is malformed", id);
        ret = MCP_TASK_STORE_UNAVAILABLE;
    } else if (ret == 0) {
        snprintf(out->id, sizeof(out->id), "%s", id);
        snprintf(out->principal, sizeof(out->principal), "%s", principal);
        out->status = (mcp_task_status_t)status;
        out->created_ms = created;
        out->updated_ms = updated;
        out->expires_ms = expires;
        out->version = (unsigned)version;
        read_text(item, "inputRequests", &out->input_requests);
        read_text(item, "answers", &out->answers);
        read_text(item, "outcome", &out->outcome);
        read_text(item, "call", &out->call);
    }
    arena_dispose(&arena);
    return ret;
}

int
dynamodb_task_store_new(const char *table, dynamodb_task_store_t **out, char *err, size_t err_len)
{
    dynamodb_task_store_t *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    st->super = (mcp_task_store_t){.create = task_create, .read = task_read, .write = task_write};
    if (dynamodb_new(table, getenv("MCP_DYNAMODB_ENDPOINT"), &st->db, err, err_len) != 0) {
        free(st);
        return -1;
    }
    *out = st;
    return 0;
}

mcp_task_store_t *
dynamodb_task_store_base(dynamodb_task_store_t *st)
{
    return &st->super;
}

void
dynamodb_task_store_free(dynamodb_task_store_t *st)
{
    if (st == NULL)
        return;
    dynamodb_free(st->db);
    free(st);
}
