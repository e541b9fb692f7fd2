/* dynamodb.c: one DynamoDB table through the signed AWS client (see dynamodb.h). */
#include "dynamodb.h"

#include <stdlib.h>
#include <string.h>

#include "aws_client.h"
#include "error.h"
#include "log.h"

#define MAX_REPLY_BYTES (16u << 20) /* a Query page is at most 1 MB; items are at most 400 KB */

struct st_dynamodb_t {
    aws_client_t *aws;
    char *table;
};

static const struct {
    int code;
    const char *text;
} texts[] = {
#define DYNAMODB_ERR_TEXT(name, code, text) {code, text},
    DYNAMODB_ERRORS(DYNAMODB_ERR_TEXT)
#undef DYNAMODB_ERR_TEXT
};

const char *
dynamodb_strerror(int err)
{
    for (size_t i = 0; i != sizeof(texts) / sizeof(texts[0]); ++i)
        if (texts[i].code == err)
            return texts[i].text;
    return "unknown error";
}

int
dynamodb_new(const char *table, const char *endpoint, dynamodb_t **out, char *err, size_t err_len)
{
    *out = NULL;
    dynamodb_t *db = calloc(1, sizeof(*db));
    if (db == NULL || (db->table = strdup(table)) == NULL) {
        free(db);
        return error_format(err, err_len, "out of memory");
    }
    aws_client_config_t config = {.service = "dynamodb", .endpoint = endpoint};
    if (aws_client_new(&config, &db->aws, err, err_len) != 0) {
        dynamodb_free(db);
        return -1;
    }
    *out = db;
    return 0;
}

void
dynamodb_free(dynamodb_t *db)
{
    if (db == NULL)
        return;
    aws_client_free(db->aws);
    free(db->table);
    free(db);
}

const char *
dynamodb_table(const dynamodb_t *db)
{
    return db->table;
}

int
dynamodb_call(dynamodb_t *db, const char *operation, const char *body, size_t len, arena_t *arena, json_value_t **reply)
{
    if (reply != NULL)
        *reply = NULL;
    aws_reply_t r;
    int ret = aws_client_json_call(db->aws, "DynamoDB_20120810", operation, "1.0", body, len, &r);
    if (ret != 0) {
        log_msg(LOG_ERROR, "dynamodb", "%s on %s failed: %s", operation, db->table, r.error_message);
        ret = DYNAMODB_ERR_UNAVAILABLE;
    } else if (r.status != 200) {
        /* the error's type names the problem (ConditionalCheckFailedException, ResourceNotFoundException, ...) */
        if (strcmp(r.error_code, "ConditionalCheckFailedException") == 0 ||
            strcmp(r.error_code, "TransactionCanceledException") == 0) {
            ret = DYNAMODB_ERR_CONDITION;
        } else if (strcmp(r.error_code, "ValidationException") == 0 && strstr(r.error_message, "size has exceeded") != NULL) {
            /* "Item size has exceeded the maximum allowed size" (PutItem), "Item size to update has exceeded ..." */
            ret = DYNAMODB_ERR_TOO_LARGE;
        } else {
            int throttled = strcmp(r.error_code, "ProvisionedThroughputExceededException") == 0 ||
                            strcmp(r.error_code, "ThrottlingException") == 0 || strcmp(r.error_code, "RequestLimitExceeded") == 0;
            log_msg(LOG_ERROR, "dynamodb", "%s on %s: HTTP %d %s", operation, db->table, r.status, r.error_code);
            ret = throttled ? DYNAMODB_ERR_THROTTLED : DYNAMODB_ERR_UNAVAILABLE;
        }
    } else if (reply != NULL &&
               json_parse(arena, r.body.data != NULL ? r.body.data : "{}", r.body.data != NULL ? r.body.len : 2, 64, reply) != 0) {
        log_msg(LOG_ERROR, "dynamodb", "%s on %s: unreadable reply", operation, db->table);
        ret = DYNAMODB_ERR_REPLY;
    }
    aws_reply_dispose(&r);
    return ret;
}

void
dynamodb_write_table(jsonw_t *w, const dynamodb_t *db)
{
    jsonw_kv_string(w, "TableName", db->table);
}

void
dynamodb_begin_keyed(jsonw_t *w, const dynamodb_t *db, const char *member, const char *key, const char *id)
{
    jsonw_object_begin(w);
    dynamodb_write_table(w, db);
    jsonw_key(w, member);
    jsonw_object_begin(w);
    dynamodb_write_s(w, key, id);
}

void
dynamodb_begin_item(jsonw_t *w, const dynamodb_t *db, const char *key, const char *id)
{
    dynamodb_begin_keyed(w, db, "Item", key, id);
}

void
dynamodb_end_item(jsonw_t *w)
{
    jsonw_object_end(w);
    jsonw_object_end(w);
}

static void
typed(jsonw_t *w, const char *key, const char *type)
{
    jsonw_key(w, key);
    jsonw_object_begin(w);
    jsonw_key(w, type);
}

void
dynamodb_write_sn(jsonw_t *w, const char *key, const char *value, size_t len)
{
    typed(w, key, "S");
    jsonw_stringn(w, value, len);
    jsonw_object_end(w);
}

void
dynamodb_write_s(jsonw_t *w, const char *key, const char *value)
{
    dynamodb_write_sn(w, key, value, strlen(value));
}

void
dynamodb_write_n(jsonw_t *w, const char *key, int64_t value)
{
    /* DynamoDB's numbers travel as strings */
    buf_t b = BUF_INIT(32);
    jsonw_t nw;
    jsonw_init(&nw, &b);
    jsonw_int(&nw, value);
    typed(w, key, "N");
    jsonw_stringn(w, b.data, b.len);
    jsonw_object_end(w);
    buf_dispose(&b);
}

void
dynamodb_write_bool(jsonw_t *w, const char *key, int value)
{
    typed(w, key, "BOOL");
    jsonw_bool(w, value);
    jsonw_object_end(w);
}

const char *
dynamodb_get_s(const json_value_t *item, const char *name)
{
    return json_string(json_get(json_get(item, name), "S"));
}

int
dynamodb_get_n(const json_value_t *item, const char *name, int64_t *out)
{
    const char *text = json_string(json_get(json_get(item, name), "N"));
    if (text == NULL)
        return -1;
    json_value_t v = {.type = JSON_NUMBER, .u.num = {text, strlen(text)}};
    return json_int64(&v, out);
}

int
dynamodb_get_bool(const json_value_t *item, const char *name)
{
    const json_value_t *v = json_get(json_get(item, name), "BOOL");
    return v == NULL ? -1 : v->type == JSON_TRUE;
}
