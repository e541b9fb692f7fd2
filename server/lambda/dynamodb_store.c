/*
 * dynamodb_store.c: where clients' answers to sampling and elicitation requests wait on Lambda.
 *
 * With response streaming, a tool can send a request to the client and wait; the client answers with a
 * separate POST, which Lambda may hand to another instance (this one is busy streaming). That instance
 * puts the answer into a DynamoDB table; the waiting one reads it (consistent reads) and deletes it.
 * Items expire through the table's TTL (attribute expiresAt) in case nobody takes them. Requests are
 * DynamoDB's JSON API (version 20120810) signed with Signature V4, over the shared HTTP client.
 */
#include "dynamodb_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_sigv4.h"
#include "http_client.h"
#include "http_url.h"
#include "json.h"
#include "jsonw.h"
#include "log.h"
#include "mcpc_errors.h"

#define ANSWER_TTL_SECONDS 3600
#define TIMEOUT_MS 5000
#define MAX_RESPONSE_BYTES (8u << 20)

struct st_dynamodb_store_t {
    mcp_answer_store_t super;
    pthread_mutex_t lock; /* one connection, shared by the loop thread and workers */
    mcpc_http_client_t *http;
    char *table;
    char *region;
    char *host; /* the Host header, as signed */
    char *access_key_id;
    char *secret_access_key;
    char *session_token;
};

typedef struct st_reply_t {
    int status;
    buf_t body;
} reply_t;

static int
on_head(void *data, const mcpc_http_response_t *res)
{
    ((reply_t *)data)->status = res->status;
    return 0;
}

static int
on_body(void *data, const char *bytes, size_t len)
{
    reply_t *r = data;
    buf_append(&r->body, bytes, len);
    return buf_failed(&r->body) ? MCPC_ERR_TOO_LARGE : 0;
}

/* Calls one DynamoDB operation; returns 0 with the reply's JSON in *reply, or -1 (logged). */
static int
call(dynamodb_store_t *st, const char *operation, const buf_t *body, reply_t *reply)
{
    char target[64], timestamp[17];
    snprintf(target, sizeof(target), "DynamoDB_20120810.%s", operation);
    aws_sigv4_timestamp(time(NULL), timestamp);
    /* sorted by name, as Signature V4 wants them */
    aws_header_t signed_headers[5];
    size_t n = 0;
    signed_headers[n++] = (aws_header_t){"content-type", "application/x-amz-json-1.0"};
    signed_headers[n++] = (aws_header_t){"host", st->host};
    signed_headers[n++] = (aws_header_t){"x-amz-date", timestamp};
    if (st->session_token != NULL)
        signed_headers[n++] = (aws_header_t){"x-amz-security-token", st->session_token};
    signed_headers[n++] = (aws_header_t){"x-amz-target", target};
    aws_credentials_t creds = {st->access_key_id, st->secret_access_key, st->session_token};
    buf_t authorization = BUF_INIT(4096);
    if (aws_sigv4_sign(&creds, st->region, "dynamodb", timestamp, "POST", "/", "", signed_headers, n, body->data, body->len,
                       &authorization) != 0) {
        buf_dispose(&authorization);
        log_msg(LOG_ERROR, "dynamodb", "cannot sign the request");
        return -1;
    }
    mcpc_http_header_t headers[6];
    size_t h = 0;
    for (size_t i = 0; i != n; ++i) {
        if (strcmp(signed_headers[i].name, "host") == 0)
            continue; /* the HTTP client sends Host itself, from the same URL */
        headers[h++] = (mcpc_http_header_t){signed_headers[i].name, strlen(signed_headers[i].name), signed_headers[i].value,
                                            strlen(signed_headers[i].value)};
    }
    headers[h++] = (mcpc_http_header_t){"authorization", 13, authorization.data, authorization.len};
    buf_init(&reply->body, MAX_RESPONSE_BYTES);
    reply->status = 0;
    mcpc_http_request_t req = {.method = "POST",
                               .headers = headers,
                               .num_headers = h,
                               .body = body->data,
                               .body_len = body->len,
                               .on_head = on_head,
                               .on_body = on_body,
                               .cb_data = reply};
    pthread_mutex_lock(&st->lock);
    int ret = mcpc_http_send(st->http, &req);
    if (ret != 0)
        log_msg(LOG_ERROR, "dynamodb", "%s failed: %s", operation, mcpc_http_error(st->http));
    pthread_mutex_unlock(&st->lock);
    buf_dispose(&authorization);
    if (ret == 0 && reply->status != 200) {
        /* the error's __type names the problem (ResourceNotFoundException, AccessDeniedException, ...) */
        arena_t a;
        arena_init(&a, 1 << 20);
        json_value_t *v;
        const char *type = reply->body.data != NULL && json_parse(&a, reply->body.data, reply->body.len, 16, &v) == 0
                               ? json_string(json_get(v, "__type"))
                               : NULL;
        log_msg(LOG_ERROR, "dynamodb", "%s: HTTP %d %s", operation, reply->status, type != NULL ? type : "");
        arena_dispose(&a);
        ret = -1;
    }
    if (ret != 0) {
        buf_dispose(&reply->body);
        return -1;
    }
    return 0;
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
    reply_t reply;
    if (!jsonw_failed(&w) && call(st, "PutItem", &body, &reply) == 0) {
        buf_dispose(&reply.body);
        ret = 0;
    }
    buf_dispose(&body);
    return ret;
}

static int
take(mcp_answer_store_t *self, const char *id, buf_t *answer, int *is_error)
{
    dynamodb_store_t *st = (dynamodb_store_t *)self;
    buf_t body = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    key(&w, st->table, id);
    jsonw_kv_bool(&w, "ConsistentRead", 1);
    jsonw_object_end(&w);
    reply_t reply;
    int found = -1;
    if (call(st, "GetItem", &body, &reply) != 0)
        goto exit;
    arena_t a;
    arena_init(&a, 16 * MAX_RESPONSE_BYTES);
    json_value_t *v;
    if (json_parse(&a, reply.body.data != NULL ? reply.body.data : "", reply.body.len, 16, &v) != 0) {
        log_msg(LOG_ERROR, "dynamodb", "GetItem: unreadable reply");
    } else if (json_get(v, "Item") == NULL) {
        found = 0;
    } else {
        const json_value_t *item = json_get(v, "Item");
        const char *text = json_string(json_get(json_get(item, "answer"), "S"));
        const json_value_t *err = json_get(json_get(item, "isError"), "BOOL");
        if (text == NULL) {
            log_msg(LOG_ERROR, "dynamodb", "GetItem: item without an answer");
        } else {
            buf_append_str(answer, text);
            *is_error = err != NULL && err->type == JSON_TRUE;
            found = 1;
        }
    }
    arena_dispose(&a);
    buf_dispose(&reply.body);
    if (found == 1) {
        /* taken: the TTL would remove it eventually, but nobody needs it any more */
        buf_reset(&body);
        jsonw_init(&w, &body);
        jsonw_object_begin(&w);
        key(&w, st->table, id);
        jsonw_object_end(&w);
        if (call(st, "DeleteItem", &body, &reply) == 0)
            buf_dispose(&reply.body);
    }
exit:
    buf_dispose(&body);
    return found;
}

static char *
env_dup(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? strdup(v) : NULL;
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
    pthread_mutex_init(&st->lock, NULL);
    st->table = strdup(table);
    st->region = env_dup("AWS_REGION");
    st->access_key_id = env_dup("AWS_ACCESS_KEY_ID");
    st->secret_access_key = env_dup("AWS_SECRET_ACCESS_KEY");
    st->session_token = env_dup("AWS_SESSION_TOKEN");
    if (st->region == NULL || st->access_key_id == NULL || st->secret_access_key == NULL) {
        snprintf(err, err_len, "MCP_PENDING_TABLE needs AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        goto fail;
    }
    /* the endpoint can be overridden for local tests (a DynamoDB emulator) */
    char url[512];
    const char *endpoint = getenv("MCP_DYNAMODB_ENDPOINT");
    if (endpoint != NULL && endpoint[0] != '\0')
        snprintf(url, sizeof(url), "%s", endpoint);
    else
        snprintf(url, sizeof(url), "https://dynamodb.%s.amazonaws.com/", st->region);
    mcpc_url_t parsed;
    if (mcpc_url_parse(url, &parsed, err, err_len) != 0)
        goto fail;
    st->host = strdup(parsed.authority);
    mcpc_url_dispose(&parsed);
    mcpc_http_config_t config = {.url = url, .timeout_ms = TIMEOUT_MS};
    if (mcpc_http_client_new(&config, &st->http, err, err_len) != 0)
        goto fail;
    *out = st;
    return 0;
fail:
    dynamodb_store_free(st);
    return -1;
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
    if (st->http != NULL)
        mcpc_http_client_free(st->http);
    free(st->table);
    free(st->region);
    free(st->host);
    free(st->access_key_id);
    free(st->secret_access_key);
    free(st->session_token);
    pthread_mutex_destroy(&st->lock);
    free(st);
}
