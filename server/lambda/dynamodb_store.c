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

#include "aws_client.h"
#include "json.h"
#include "jsonw.h"
#include "log.h"

#define ANSWER_TTL_SECONDS 3600
#define MAX_RESPONSE_BYTES (8u << 20)

struct st_dynamodb_store_t {
    mcp_answer_store_t super;
    aws_client_t *aws;
    char *table;
};

/* Calls one DynamoDB operation; returns 0 with the reply's JSON in reply->body, or -1 (logged). */
static int
call(dynamodb_store_t *st, const char *operation, const buf_t *body, aws_reply_t *reply)
{
    int ret = aws_client_json_call(st->aws, "DynamoDB_20120810", operation, "1.0", body->data, body->len, reply);
    if (ret != 0) {
        log_msg(LOG_ERROR, "dynamodb", "%s failed: %s", operation, reply->error_message);
    } else if (reply->status != 200) {
        /* the error's type names the problem (ResourceNotFoundException, AccessDeniedException, ...) */
        log_msg(LOG_ERROR, "dynamodb", "%s: HTTP %d %s", operation, reply->status, reply->error_code);
        ret = -1;
    }
    if (ret != 0)
        aws_reply_dispose(reply);
    return ret;
}

static void
key(jsonw_t *w, const char *table, const char *id)
{
    jsonw_kv_string(w, "TableName", table);
    jsonw_key(w, "Key");
    jsonw_object_begin(w);
    jsonw_key(w, "id");
    jsonw_object_begin(w);
    jsonw_kv_string(w, "S", id);
    jsonw_object_end(w);
    jsonw_object_end(w);
}

static int
put(mcp_answer_store_t *self, const char *id, const char *answer, size_t len, int is_error)
{
    dynamodb_store_t *st = (dynamodb_store_t *)self;
    buf_t body = BUF_INIT(MAX_RESPONSE_BYTES);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "TableName", st->table);
    jsonw_key(&w, "Item");
    jsonw_object_begin(&w);
    jsonw_key(&w, "id");
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "S", id);
    jsonw_object_end(&w);
    jsonw_key(&w, "answer");
    jsonw_object_begin(&w);
    jsonw_key(&w, "S");
    jsonw_stringn(&w, answer, len);
    jsonw_object_end(&w);
    jsonw_key(&w, "isError");
    jsonw_object_begin(&w);
    jsonw_kv_bool(&w, "BOOL", is_error);
    jsonw_object_end(&w);
    jsonw_key(&w, "expiresAt");
    jsonw_object_begin(&w);
    char expires[24];
    snprintf(expires, sizeof(expires), "%lld", (long long)time(NULL) + ANSWER_TTL_SECONDS);
    jsonw_kv_string(&w, "N", expires);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    int ret = -1;
    aws_reply_t reply;
    if (!jsonw_failed(&w) && call(st, "PutItem", &body, &reply) == 0) {
        aws_reply_dispose(&reply);
        ret = 0;
    }
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
    key(&w, st->table, id);
    jsonw_kv_string(&w, "ReturnValues", "ALL_OLD");
    jsonw_object_end(&w);
    aws_reply_t reply;
    int found = -1;
    if (call(st, "DeleteItem", &body, &reply) != 0)
        goto exit;
    arena_t a;
    arena_init(&a, 16 * MAX_RESPONSE_BYTES);
    json_value_t *v;
    if (json_parse(&a, reply.body.data != NULL ? reply.body.data : "", reply.body.len, 16, &v) != 0) {
        log_msg(LOG_ERROR, "dynamodb", "DeleteItem: unreadable reply");
    } else if (json_get(v, "Attributes") == NULL) {
        found = 0; /* nothing was there: the answer has not arrived yet */
    } else {
        const json_value_t *item = json_get(v, "Attributes");
        const char *text = json_string(json_get(json_get(item, "answer"), "S"));
        const json_value_t *err = json_get(json_get(item, "isError"), "BOOL");
        if (text == NULL) {
            log_msg(LOG_ERROR, "dynamodb", "DeleteItem: item without an answer");
        } else {
            buf_append_str(answer, text);
            *is_error = err != NULL && err->type == JSON_TRUE;
            found = 1;
        }
    }
    arena_dispose(&a);
    aws_reply_dispose(&reply);
exit:
    buf_dispose(&body);
    return found;
}

int
dynamodb_store_new(const char *table, dynamodb_store_t **out, char *err, size_t err_len)
{
    *out = NULL;
    dynamodb_store_t *st = calloc(1, sizeof(*st));
    if (st == NULL || (st->table = strdup(table)) == NULL) {
        free(st);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    st->super.put = put;
    st->super.take = take;
    /* the endpoint can be overridden for local tests (a DynamoDB emulator) */
    aws_client_config_t config = {.service = "dynamodb", .endpoint = getenv("MCP_DYNAMODB_ENDPOINT")};
    if (aws_client_new(&config, &st->aws, err, err_len) != 0) {
        dynamodb_store_free(st);
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
    aws_client_free(st->aws);
    free(st->table);
    free(st);
}
