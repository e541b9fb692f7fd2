/*
 * dynamodb_store.c: where clients' answers to sampling and elicitation requests wait on Lambda.
 *
 * With response streaming, a tool can send a request to the client and wait; the client answers with a
 * separate POST, which Lambda may hand to another instance (this one is busy streaming). That instance
 * puts the answer into a DynamoDB table; the waiting one takes it with one DeleteItem that returns what it deleted.
 * Items expire through the table's TTL (attribute expiresAt) in case nobody takes them. Requests are
 * DynamoDB's JSON API (version 20120810) signed with Signature V4, over the shared HTTP client.
 */
#include "dynamodb_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dynamodb.h"
#include "json.h"
#include "jsonw.h"
#include "log.h"

#define ANSWER_TTL_SECONDS 3600

struct st_dynamodb_store_t {
    mcp_answer_store_t super;
    dynamodb_t *db;
};

static void
key(jsonw_t *w, const dynamodb_t *db, const char *id)
{
    dynamodb_write_table(w, db);
    jsonw_key(w, "Key");
    jsonw_object_begin(w);
    dynamodb_write_s(w, "id", id);
    jsonw_object_end(w);
}

static int
put(mcp_answer_store_t *self, const char *id, const char *answer, size_t len, int is_error)
{
    dynamodb_store_t *st = (dynamodb_store_t *)self;
    buf_t body = BUF_INIT(8u << 20);
    jsonw_t w;
    jsonw_init(&w, &body);
    dynamodb_begin_item(&w, st->db, "id", id);
    dynamodb_write_sn(&w, "answer", answer, len);
    dynamodb_write_bool(&w, "isError", is_error);
    dynamodb_write_n(&w, "expiresAt", (int64_t)time(NULL) + ANSWER_TTL_SECONDS);
    dynamodb_end_item(&w);
    int ret = !jsonw_failed(&w) && dynamodb_call(st->db, "PutItem", body.data, body.len, NULL, NULL) == 0 ? 0 : -1;
    buf_dispose(&body);
    return ret;
}

/* One DeleteItem that returns what it deleted: reading and removing the answer is one atomic step. */
static int
take(mcp_answer_store_t *self, const char *id, buf_t *answer, int *is_error)
{
    dynamodb_store_t *st = (dynamodb_store_t *)self;
    buf_t body = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    key(&w, st->db, id);
    jsonw_kv_string(&w, "ReturnValues", "ALL_OLD");
    jsonw_object_end(&w);
    arena_t a;
    arena_init(&a, 64u << 20);
    json_value_t *reply;
    int found = -1;
    if (dynamodb_call(st->db, "DeleteItem", body.data, body.len, &a, &reply) == 0) {
        const json_value_t *item = json_get(reply, "Attributes");
        const char *text = dynamodb_get_s(item, "answer");
        if (item == NULL) {
            found = 0; /* nothing was there: the answer has not arrived yet */
        } else if (text == NULL) {
            log_msg(LOG_ERROR, "dynamodb", "DeleteItem: item without an answer");
        } else {
            buf_append_str(answer, text);
            *is_error = dynamodb_get_bool(item, "isError") == 1;
            found = 1;
        }
    }
    arena_dispose(&a);
    buf_dispose(&body);
    return found;
}

int
dynamodb_store_new(const char *table, dynamodb_store_t **out, char *err, size_t err_len)
{
    *out = NULL;
    dynamodb_store_t *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    st->super.put = put;
    st->super.take = take;
    /* the endpoint can be overridden for local tests (a DynamoDB emulator) */
    if (dynamodb_new(table, getenv("MCP_DYNAMODB_ENDPOINT"), &st->db, err, err_len) != 0) {
        free(st);
        return -1;
    }
    *out = st;
    return 0;
}

mcp_answer_store_t *
dynamodb_store_base(dynamodb_store_t *st)
{
    return &st->super;
}

void
dynamodb_store_free(dynamodb_store_t *st)
{
    if (st == NULL)
        return;
    dynamodb_free(st->db);
    free(st);
}
