/*
 * dynamodb: one DynamoDB table through the signed AWS client (aws_client.h), for every store the
 * server keeps there (the answers clients send to waiting tools, sessions, tasks, the tool registry).
 *
 * Requests are DynamoDB's JSON API (DynamoDB_20120810), built with a jsonw_t; a reply is parsed into the
 * caller's arena. Attribute values are written and read with the helpers below ({"S": ...}, {"N": ...}).
 * The endpoint is https://dynamodb.<region>.amazonaws.com unless one is given (a local peer in tests).
 *
 * Threads: a table object serialises callers on its connection (aws_client.h); any thread.
 */
#ifndef COMMON_DYNAMODB_H
#define COMMON_DYNAMODB_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "json.h"
#include "jsonw.h"

typedef struct st_dynamodb_t dynamodb_t;

/* Returns 0, or -1 with the reason in err (no region or credentials, a bad endpoint). */
int dynamodb_new(const char *table, const char *endpoint, dynamodb_t **out, char *err, size_t err_len);
void dynamodb_free(dynamodb_t *db);
const char *dynamodb_table(const dynamodb_t *db);

#define DYNAMODB_ERRORS(X)                                                                                                         \
    X(DYNAMODB_ERR_UNAVAILABLE, -1, "DynamoDB could not be reached or answered with an error")                                     \
    X(DYNAMODB_ERR_CONDITION, -2, "the condition of the write did not hold")                                                       \
    X(DYNAMODB_ERR_THROTTLED, -3, "DynamoDB throttled the request")                                                                \
    X(DYNAMODB_ERR_REPLY, -4, "DynamoDB's reply could not be read")                                                                \
    X(DYNAMODB_ERR_TOO_LARGE, -5, "the item would exceed DynamoDB's item size limit (400 KB)")

enum {
#define DYNAMODB_ERR_ENUM(name, code, text) name = code,
    DYNAMODB_ERRORS(DYNAMODB_ERR_ENUM)
#undef DYNAMODB_ERR_ENUM
};

const char *dynamodb_strerror(int err);

/*
 * Calls one operation ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", ...) with the JSON body
 * (which names the table: write it with dynamodb_write_table()). Returns 0 with the reply parsed into
 * arena (*reply; may be NULL when the caller wants nothing back), or a DYNAMODB_ERR_* code (logged, except
 * a failed condition and an item grown past the size limit, which are answers the caller acts on).
 */
int dynamodb_call(dynamodb_t *db, const char *operation, const char *body, size_t len, arena_t *arena, json_value_t **reply);

/* "TableName":"<table>" */
void dynamodb_write_table(jsonw_t *w, const dynamodb_t *db);
/*
 * A PutItem request up to its item's first attribute: {"TableName":"<table>","Item":{"<key>":{"S":"<id>"} ... the
 * caller adds the other attributes, then closes both objects with dynamodb_end_item().
 */
void dynamodb_begin_item(jsonw_t *w, const dynamodb_t *db, const char *key, const char *id);
/* The same with another member than "Item" ("Key" for GetItem, DeleteItem, UpdateItem); close it with jsonw_object_end. */
void dynamodb_begin_keyed(jsonw_t *w, const dynamodb_t *db, const char *member, const char *key, const char *id);
void dynamodb_end_item(jsonw_t *w);
/* "key":{"S":"value"}, "key":{"N":"123"}, "key":{"BOOL":true} */
void dynamodb_write_s(jsonw_t *w, const char *key, const char *value);
void dynamodb_write_sn(jsonw_t *w, const char *key, const char *value, size_t len);
void dynamodb_write_n(jsonw_t *w, const char *key, int64_t value);
void dynamodb_write_bool(jsonw_t *w, const char *key, int value);
/* An attribute of an item ({"name":{"S":...}} ...): its string, NULL when absent or not a string. */
const char *dynamodb_get_s(const json_value_t *item, const char *name);
/* Its number: 0 with *out set, or -1 when absent, not a number or not an integer that fits. */
int dynamodb_get_n(const json_value_t *item, const char *name, int64_t *out);
/* Its boolean: 1, 0, or -1 when absent. */
int dynamodb_get_bool(const json_value_t *item, const char *name);

#endif
