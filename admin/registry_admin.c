/* registry_admin.c: the tool registry's admin API (registry_admin.h). */
#include "registry_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "base64.h"
#include "jsonw.h"
#include "log.h"
#include "mcp.h"
#include "remote_tools.h"

#define MAX_PATTERNS 32
#define MAX_RECORD_BYTES (350u << 10) /* an item holds at most 400 KB */
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 100

struct st_registry_admin_t {
    dynamodb_t *db;
    char *patterns[MAX_PATTERNS];
    size_t num_patterns;
};

/* The fields a record may have; the audit fields are the API's own. */
static const char *const record_fields[] = {"name",      "title",     "description", "inputSchema", "outputSchema", "annotations",
                                            "execution", "timeoutMs", "lambdaArn",   "qualifier",   "target"};
static const char *const audit_fields[] = {"version", "createdAt", "createdBy", "updatedAt", "updatedBy"};

static int
valid_pattern(const char *p)
{
    static const char prefix[] = "arn:aws:lambda:";
    if (strncmp(p, prefix, sizeof(prefix) - 1) != 0)
        return 0;
    /* region:account:function:name[*] */
    const char *s = p + sizeof(prefix) - 1, *region = s;
    s = strchr(s, ':');
    if (s == NULL || s == region)
        return 0;
    const char *account = ++s;
    s = strchr(s, ':');
    if (s == NULL || s - account != 12 || strspn(account, "0123456789") != 12)
        return 0;
    if (strncmp(s, ":function:", 10) != 0)
        return 0;
    s += 10;
    size_t n = strlen(s);
    if (n != 0 && s[n - 1] == '*')
        --n;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n && (n != 0 || s[0] == '*');
}

registry_admin_t *
registry_admin_new(dynamodb_t *db, const char *allowed, char *err, size_t err_len)
{
    registry_admin_t *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    a->db = db;
    char *copy = strdup(allowed != NULL ? allowed : ""), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            ++tok;
        size_t n = strlen(tok);
        while (n != 0 && tok[n - 1] == ' ')
            tok[--n] = '\0';
        if (n == 0)
            continue;
        if (!valid_pattern(tok) || a->num_patterns == MAX_PATTERNS) {
            snprintf(err, err_len,
                     "MCP_ADMIN_ALLOWED_FUNCTIONS: %s is not arn:aws:lambda:<region>:<account>:function:<name or prefix*>", tok);
            free(copy);
            registry_admin_free(a);
            return NULL;
        }
        a->patterns[a->num_patterns++] = strdup(tok);
    }
    free(copy);
    return a;
}

void
registry_admin_free(registry_admin_t *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i != a->num_patterns; ++i)
        free(a->patterns[i]);
    free(a);
}

static int
allowed_arn(const registry_admin_t *a, const char *arn)
{
    for (size_t i = 0; i != a->num_patterns; ++i) {
        const char *p = a->patterns[i];
        size_t n = strlen(p);
        if (p[n - 1] == '*' ? strncmp(arn, p, n - 1) == 0 : strcmp(arn, p) == 0)
            return 1;
    }
    return 0;
}

/* ---- replies ---- */

static void
reply_error(admin_response_t *res, int status, const char *message, const char *pointer)
{
    res->status = status;
    buf_reset(&res->body);
    jsonw_t w;
    jsonw_init(&w, &res->body);
    jsonw_object_begin(&w);
    jsonw_kv_string(&w, "message", message);
    if (pointer != NULL)
        jsonw_kv_string(&w, "pointer", pointer);
    jsonw_object_end(&w);
}

static void
reply_store_error(admin_response_t *res, int rc)
{
    reply_error(res, rc == DYNAMODB_ERR_THROTTLED ? 503 : 502, dynamodb_strerror(rc), NULL);
}

/* ---- records ---- */

static int
builtin_name(const char *name)
{
    for (size_t i = 0; mcp_toolsets[i] != NULL; ++i)
        for (const mcp_tool_t *const *t = mcp_toolsets[i]->tools; t != NULL && *t != NULL; ++t)
            if (strcmp((*t)->name, name) == 0)
                return 1;
    return 0;
}

static int
known_field(const char *key)
{
    for (size_t i = 0; i != sizeof(record_fields) / sizeof(record_fields[0]); ++i)
        if (strcmp(record_fields[i], key) == 0)
            return 1;
    for (size_t i = 0; i != sizeof(audit_fields) / sizeof(audit_fields[0]); ++i)
        if (strcmp(audit_fields[i], key) == 0)
            return 1;
    return 0;
}

/* Parses and checks a record; returns it, or NULL after a 400 reply. */
static const json_value_t *
check_record(registry_admin_t *a, arena_t *arena, const admin_request_t *req, admin_response_t *res)
{
    if (req->body_len > MAX_RECORD_BYTES) {
        reply_error(res, 413, "the record is larger than a registry item may be", "");
        return NULL;
    }
    json_value_t *rec;
    int rc = json_parse(arena, req->body != NULL ? req->body : "", req->body_len, 64, &rec);
    if (rc != 0) {
        char msg[128];
        snprintf(msg, sizeof(msg), "the body is not JSON: %s", json_strerror(rc));
        reply_error(res, 400, msg, "");
        return NULL;
    }
    if (rec->type == JSON_OBJECT) {
        for (size_t i = 0; i != rec->u.obj.len; ++i) {
            const char *key = rec->u.obj.items[i].key;
            if (!known_field(key)) {
                char pointer[160];
                snprintf(pointer, sizeof(pointer), "/%.150s", key);
                reply_error(res, 400,
                            "unknown field (a record has name, title, description, inputSchema, outputSchema, "
                            "annotations, execution, timeoutMs, lambdaArn, qualifier, target)",
                            pointer);
                return NULL;
            }
        }
    }
    char why[400];
    if (remote_tools_check_record(rec, NULL, why, sizeof(why)) != 0) {
        /* "<pointer>: <what>" */
        char *sep = strstr(why, ": ");
        if (sep != NULL)
            *sep = '\0';
        reply_error(res, 400, sep != NULL ? sep + 2 : why, why);
        return NULL;
    }
    const char *name = json_string(json_get(rec, "name"));
    if (builtin_name(name)) {
        reply_error(res, 400, "is a built-in tool's name (registered tools never shadow built-in ones)", "/name");
        return NULL;
    }
    const char *arn = json_string(json_get(rec, "lambdaArn"));
    size_t colons = 0;
    for (const char *c = arn; *c != '\0'; ++c)
        colons += *c == ':';
    if (strncmp(arn, "arn:", 4) != 0 || colons != 6) {
        reply_error(res, 400, "must be the function's full, unqualified ARN (put a version or alias in qualifier)", "/lambdaArn");
        return NULL;
    }
    if (!allowed_arn(a, arn)) {
        reply_error(res, 400, "is outside this stage's allow-list of functions (account, region and name prefix)", "/lambdaArn");
        return NULL;
    }
    return rec;
}

static const char *
caller_of(const admin_request_t *req)
{
    const char *p = json_string(json_get(req->identity, "principalId"));
    if (p == NULL)
        p = json_string(json_get(req->identity, "userArn"));
    return p;
}

/* The stored record: the caller's fields, then the audit fields. */
static void
write_record(buf_t *out, const json_value_t *rec, int64_t version, int64_t created_at, const char *created_by, int64_t now,
             const char *caller)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    for (size_t i = 0; i != sizeof(record_fields) / sizeof(record_fields[0]); ++i) {
        const json_value_t *v = json_get(rec, record_fields[i]);
        if (v != NULL) {
            jsonw_key(&w, record_fields[i]);
            jsonw_value(&w, v);
        }
    }
    jsonw_kv_int(&w, "version", version);
    jsonw_kv_int(&w, "createdAt", created_at);
    jsonw_kv_string(&w, "createdBy", created_by);
    jsonw_kv_int(&w, "updatedAt", now);
    jsonw_kv_string(&w, "updatedBy", caller);
    jsonw_object_end(&w);
}

/* PutItem of the record under condition (NULL: none); returns 0 or a DYNAMODB_ERR_* code. */
static int
put_record(registry_admin_t *a, const char *name, const buf_t *record, int64_t version, const char *condition,
           int64_t expected_version)
{
    buf_t body = BUF_INIT(0), id = BUF_INIT(0);
    buf_printf(&id, "tool#%s", name);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    dynamodb_write_table(&w, a->db);
    jsonw_key(&w, "Item");
    jsonw_object_begin(&w);
    dynamodb_write_s(&w, "id", id.data);
    dynamodb_write_s(&w, "kind", "tool");
    dynamodb_write_s(&w, "name", name);
    dynamodb_write_n(&w, "version", version);
    dynamodb_write_sn(&w, "record", record->data, record->len);
    jsonw_object_end(&w);
    if (condition != NULL) {
        jsonw_kv_string(&w, "ConditionExpression", condition);
        jsonw_kv_raw(&w, "ExpressionAttributeNames",
                     strstr(condition, "#v") != NULL ? "{\"#id\":\"id\",\"#v\":\"version\"}" : "{\"#id\":\"id\"}");
        if (strstr(condition, ":v") != NULL) {
            jsonw_key(&w, "ExpressionAttributeValues");
            jsonw_object_begin(&w);
            dynamodb_write_n(&w, ":v", expected_version);
            jsonw_object_end(&w);
        }
    }
    jsonw_object_end(&w);
    int rc = jsonw_failed(&w) ? DYNAMODB_ERR_TOO_LARGE : dynamodb_call(a->db, "PutItem", body.data, body.len, NULL, NULL);
    buf_dispose(&body);
    buf_dispose(&id);
    return rc;
}

/* GetItem (consistent); returns 0 with *item (NULL: absent), or a DYNAMODB_ERR_* code. */
static int
get_item(registry_admin_t *a, arena_t *arena, const char *name, const json_value_t **item)
{
    buf_t body = BUF_INIT(0), id = BUF_INIT(0);
    buf_printf(&id, "tool#%s", name);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    dynamodb_write_table(&w, a->db);
    jsonw_kv_bool(&w, "ConsistentRead", 1);
    jsonw_key(&w, "Key");
    jsonw_object_begin(&w);
    dynamodb_write_s(&w, "id", id.data);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    json_value_t *reply = NULL;
    int rc = dynamodb_call(a->db, "GetItem", body.data, body.len, arena, &reply);
    buf_dispose(&body);
    buf_dispose(&id);
    *item = rc == 0 ? json_get(reply, "Item") : NULL;
    return rc;
}

/* The record of an item, as JSON text in the reply. */
static void
reply_item(admin_response_t *res, int status, const json_value_t *item)
{
    const char *record = dynamodb_get_s(item, "record");
    int64_t version = 0;
    dynamodb_get_n(item, "version", &version);
    res->status = status;
    snprintf(res->etag, sizeof(res->etag), "\"%lld\"", (long long)version);
    buf_reset(&res->body);
    buf_append_str(&res->body, record != NULL ? record : "{}");
}

/* If-Match: absent or "*": any version; "N" or N: that one. Returns 0 with *version (-1: any), or -1 when malformed. */
static int
parse_if_match(const char *s, int64_t *version)
{
    *version = -1;
    if (s == NULL || strcmp(s, "*") == 0)
        return 0;
    if (strncmp(s, "W/", 2) == 0)
        s += 2;
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        ++s;
        n -= 2;
    }
    if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
        return -1;
    *version = strtoll(s, NULL, 10);
    return 0;
}

static void
log_change(const char *action, const char *name, int64_t version, const char *caller)
{
    log_msg(LOG_INFO, "registry_change", "%s tool %s (version %lld) by %s", action, name, (long long)version, caller);
}

/* ---- routes ---- */

static void
create(registry_admin_t *a, arena_t *arena, const admin_request_t *req, admin_response_t *res)
{
    const json_value_t *rec = check_record(a, arena, req, res);
    if (rec == NULL)
        return;
    const char *name = json_string(json_get(rec, "name")), *caller = caller_of(req);
    int64_t now = (int64_t)time(NULL);
    buf_t record = BUF_INIT(0);
    write_record(&record, rec, 1, now, caller, now, caller);
    int rc = put_record(a, name, &record, 1, "attribute_not_exists(#id)", 0);
    if (rc == DYNAMODB_ERR_CONDITION) {
        reply_error(res, 409, "a tool of that name is registered already (update it with PUT and If-Match)", "/name");
    } else if (rc != 0) {
        reply_store_error(res, rc);
    } else {
        res->status = 201;
        snprintf(res->etag, sizeof(res->etag), "\"1\"");
        buf_reset(&res->body);
        buf_append(&res->body, record.data, record.len);
        log_change("created", name, 1, caller);
    }
    buf_dispose(&record);
}

static void
update(registry_admin_t *a, arena_t *arena, const admin_request_t *req, const char *name, admin_response_t *res)
{
    int64_t wanted;
    if (parse_if_match(req->if_match, &wanted) != 0) {
        reply_error(res, 400, "If-Match must be a record's version, as its ETag gives it (\"3\"), or *", NULL);
        return;
    }
    const json_value_t *rec = check_record(a, arena, req, res);
    if (rec == NULL)
        return;
    if (strcmp(json_string(json_get(rec, "name")), name) != 0) {
        reply_error(res, 400, "must be the name in the path (a tool is renamed by creating the new one and deleting the old)",
                    "/name");
        return;
    }
    const json_value_t *item;
    int rc = get_item(a, arena, name, &item);
    if (rc != 0) {
        reply_store_error(res, rc);
        return;
    }
    if (item == NULL) {
        reply_error(res, 404, "no tool of that name is registered", NULL);
        return;
    }
    int64_t current = 0, created_at = 0;
    dynamodb_get_n(item, "version", &current);
    arena_t scratch;
    arena_init(&scratch, 1u << 20);
    json_value_t *old = NULL;
    const char *old_text = dynamodb_get_s(item, "record");
    if (old_text != NULL)
        json_parse_lenient(&scratch, old_text, strlen(old_text), 64, &old);
    json_int64(json_get(old, "createdAt"), &created_at);
    const char *created_by = json_string(json_get(old, "createdBy"));
    const char *caller = caller_of(req);
    if (wanted >= 0 && wanted != current) {
        arena_dispose(&scratch);
        char msg[160];
        snprintf(msg, sizeof(msg), "the record is at version %lld, not the %lld of If-Match: read it again", (long long)current,
                 (long long)wanted);
        {
            reply_error(res, 412, msg, NULL);
            return;
        }
    }
    buf_t record = BUF_INIT(0);
    write_record(&record, rec, current + 1, created_at, created_by != NULL ? created_by : "unknown", (int64_t)time(NULL), caller);
    arena_dispose(&scratch);
    rc = put_record(a, name, &record, current + 1, "attribute_exists(#id) AND #v = :v", current);
    if (rc == DYNAMODB_ERR_CONDITION) {
        reply_error(res, 412, "the record changed (or was deleted) meanwhile: read it again", NULL);
    } else if (rc != 0) {
        reply_store_error(res, rc);
    } else {
        res->status = 200;
        snprintf(res->etag, sizeof(res->etag), "\"%lld\"", (long long)(current + 1));
        buf_reset(&res->body);
        buf_append(&res->body, record.data, record.len);
        log_change("updated", name, current + 1, caller);
    }
    buf_dispose(&record);
}

static void
delete_tool(registry_admin_t *a, arena_t *arena, const admin_request_t *req, const char *name, admin_response_t *res)
{
    int64_t wanted;
    if (parse_if_match(req->if_match, &wanted) != 0) {
        reply_error(res, 400, "If-Match must be a record's version, as its ETag gives it (\"3\"), or *", NULL);
        return;
    }
    buf_t body = BUF_INIT(0), id = BUF_INIT(0);
    buf_printf(&id, "tool#%s", name);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    dynamodb_write_table(&w, a->db);
    jsonw_key(&w, "Key");
    jsonw_object_begin(&w);
    dynamodb_write_s(&w, "id", id.data);
    jsonw_object_end(&w);
    jsonw_kv_string(&w, "ConditionExpression", wanted >= 0 ? "attribute_exists(#id) AND #v = :v" : "attribute_exists(#id)");
    jsonw_kv_raw(&w, "ExpressionAttributeNames", wanted >= 0 ? "{\"#id\":\"id\",\"#v\":\"version\"}" : "{\"#id\":\"id\"}");
    if (wanted >= 0) {
        jsonw_key(&w, "ExpressionAttributeValues");
        jsonw_object_begin(&w);
        dynamodb_write_n(&w, ":v", wanted);
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
    int rc = dynamodb_call(a->db, "DeleteItem", body.data, body.len, NULL, NULL);
    buf_dispose(&body);
    buf_dispose(&id);
    if (rc == DYNAMODB_ERR_CONDITION) {
        /* absent, or another version */
        const json_value_t *item;
        rc = get_item(a, arena, name, &item);
        if (rc != 0) {
            reply_store_error(res, rc);
            return;
        }
        if (item == NULL) {
            reply_error(res, 404, "no tool of that name is registered", NULL);
            return;
        }
        {
            reply_error(res, 412, "the record is at another version than If-Match's: read it again", NULL);
            return;
        }
    }
    if (rc != 0) {
        reply_store_error(res, rc);
        return;
    }
    res->status = 204;
    buf_reset(&res->body);
    log_change("deleted", name, wanted, caller_of(req));
}

/* The value of a query parameter (not decoded: cursors are base64url, limits digits), or NULL. */
static const char *
query_param(arena_t *arena, const char *query, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = query; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '&');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len > n && strncmp(p, name, n) == 0 && p[n] == '=')
            return arena_strndup(arena, p + n + 1, len - n - 1);
        p = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

static void
list(registry_admin_t *a, arena_t *arena, const admin_request_t *req, admin_response_t *res)
{
    const char *limit_s = query_param(arena, req->query, "limit"), *cursor = query_param(arena, req->query, "cursor");
    long limit = DEFAULT_LIMIT;
    if (limit_s != NULL) {
        char *end;
        limit = strtol(limit_s, &end, 10);
        if (*end != '\0' || limit < 1 || limit > MAX_LIMIT) {
            reply_error(res, 400, "limit must be an integer from 1 to 100", NULL);
            return;
        }
    }
    buf_t start = BUF_INIT(4096);
    if (cursor != NULL && (base64_decode(&start, cursor, strlen(cursor), 1) != 0 || start.len == 0 || start.len > 200 ||
                           strncmp(start.data, "tool#", 5) != 0 || memchr(start.data, '\0', start.len) != NULL)) {
        buf_dispose(&start);
        {
            reply_error(res, 400, "cursor is not one this API gave", NULL);
            return;
        }
    }
    buf_t body = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    dynamodb_write_table(&w, a->db);
    jsonw_kv_bool(&w, "ConsistentRead", 1);
    jsonw_kv_int(&w, "Limit", limit);
    jsonw_kv_string(&w, "FilterExpression", "begins_with(#id, :p)");
    jsonw_kv_raw(&w, "ExpressionAttributeNames", "{\"#id\":\"id\"}");
    jsonw_key(&w, "ExpressionAttributeValues");
    jsonw_object_begin(&w);
    dynamodb_write_s(&w, ":p", "tool#");
    jsonw_object_end(&w);
    if (start.len != 0) {
        jsonw_key(&w, "ExclusiveStartKey");
        jsonw_object_begin(&w);
        dynamodb_write_sn(&w, "id", start.data, start.len);
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
    buf_dispose(&start);
    json_value_t *reply = NULL;
    int rc = dynamodb_call(a->db, "Scan", body.data, body.len, arena, &reply);
    buf_dispose(&body);
    if (rc != 0) {
        reply_store_error(res, rc);
        return;
    }
    res->status = 200;
    buf_reset(&res->body);
    jsonw_init(&w, &res->body);
    jsonw_object_begin(&w);
    jsonw_key(&w, "items");
    jsonw_array_begin(&w);
    const json_value_t *items = json_get(reply, "Items");
    for (size_t i = 0; items != NULL && items->type == JSON_ARRAY && i != items->u.arr.len; ++i) {
        const char *record = dynamodb_get_s(items->u.arr.items[i], "record");
        if (record != NULL)
            jsonw_raw(&w, record, strlen(record));
    }
    jsonw_array_end(&w);
    const char *last = dynamodb_get_s(json_get(reply, "LastEvaluatedKey"), "id");
    if (last != NULL) {
        buf_t enc = BUF_INIT(0);
        base64url_encode(&enc, last, strlen(last));
        jsonw_key(&w, "nextCursor");
        jsonw_stringn(&w, enc.data, enc.len);
        buf_dispose(&enc);
    }
    jsonw_object_end(&w);
}

void
registry_admin_handle(registry_admin_t *a, const admin_request_t *req, admin_response_t *res)
{
    res->status = 500;
    res->etag[0] = '\0';
    const char *caller = caller_of(req);
    if (caller == NULL) {
        reply_error(res, 403, "the admin API takes IAM callers only (AWS_IAM authorization in front of it)", NULL);
        return;
    }
    /* the collection is the last or second-to-last segment: a stage or base path may come before it */
    const char *p = strstr(req->path, "/tools"), *name = NULL;
    while (p != NULL && p[6] != '\0' && p[6] != '/')
        p = strstr(p + 1, "/tools");
    if (p != NULL && p[6] == '/')
        name = p + 7;
    if (p == NULL || (name != NULL && strchr(name, '/') != NULL)) {
        const char *other = strstr(req->path, "/resources") != NULL || strstr(req->path, "/prompts") != NULL
                                ? "registered resources and prompts are not implemented yet"
                                : "no such route (the admin API has /tools and /tools/{name})";
        {
            reply_error(res, 404, other, NULL);
            return;
        }
    }
    arena_t arena;
    arena_init(&arena, 16u << 20);
    const char *m = req->method;
    if (name == NULL || name[0] == '\0') {
        if (strcmp(m, "POST") == 0)
            create(a, &arena, req, res);
        else if (strcmp(m, "GET") == 0)
            list(a, &arena, req, res);
        else
            reply_error(res, 405, "/tools takes GET and POST", NULL);
    } else {
        const json_value_t *item;
        int rc;
        if (strcmp(m, "GET") == 0) {
            if ((rc = get_item(a, &arena, name, &item)) != 0)
                reply_store_error(res, rc);
            else if (item == NULL)
                reply_error(res, 404, "no tool of that name is registered", NULL);
            else
                reply_item(res, 200, item);
        } else if (strcmp(m, "PUT") == 0) {
            update(a, &arena, req, name, res);
        } else if (strcmp(m, "DELETE") == 0) {
            delete_tool(a, &arena, req, name, res);
        } else {
            reply_error(res, 405, "/tools/{name} takes GET, PUT and DELETE", NULL);
        }
    }
    arena_dispose(&arena);
}
