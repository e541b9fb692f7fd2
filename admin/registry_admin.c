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

/* The fields a record of each kind may have (NULL-terminated); the audit fields are the API's own. */
static const char *const tool_fields[] = {"name",      "title",     "description", "inputSchema", "outputSchema", "annotations",
                                          "execution", "timeoutMs", "lambdaArn",   "qualifier",   "target",       NULL};
static const char *const resource_fields[] = {"kind",        "name",     "title",       "description", "uri",
                                              "uriTemplate", "mimeType", "annotations", "timeoutMs",   "lambdaArn",
                                              "qualifier",   "target",   NULL};
static const char *const prompt_fields[] = {"kind",      "name",      "title",     "description", "arguments",
                                            "timeoutMs", "lambdaArn", "qualifier", "target",      NULL};
static const char *const audit_fields[] = {"version", "createdAt", "createdBy", "updatedAt", "updatedBy", NULL};

/* The routes' collections: /tools, /resources and /prompts, each an item kind ("<kind>#<name>" ids). */
typedef struct st_collection_t {
    const char *path;
    const char *kind;
    const char *const *fields;
    const char *field_list; /* for the unknown-field message */
} collection_t;

static const collection_t collections[] = {
    {"/tools", "tool", tool_fields,
     "name, title, description, inputSchema, outputSchema, annotations, execution, timeoutMs, lambdaArn, qualifier, target"},
    {"/resources", "resource", resource_fields,
     "kind, name, title, description, uri or uriTemplate, mimeType, annotations, timeoutMs, lambdaArn, qualifier, target"},
    {"/prompts", "prompt", prompt_fields, "kind, name, title, description, arguments, timeoutMs, lambdaArn, qualifier, target"},
};

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

/* What a record would shadow in any tool set (the server refuses it only in the sets it enables): a message, or NULL. */
static const char *
builtin_clash(const collection_t *c, const json_value_t *rec)
{
    const char *name = json_string(json_get(rec, "name")), *uri = json_string(json_get(rec, "uri"));
    const char *tmpl = json_string(json_get(rec, "uriTemplate"));
    for (size_t i = 0; mcp_toolsets[i] != NULL; ++i) {
        const mcp_toolset_t *set = mcp_toolsets[i];
        for (const mcp_tool_t *const *t = set->tools; c->kind[0] == 't' && t != NULL && *t != NULL; ++t)
            if (strcmp((*t)->name, name) == 0)
                return "is a built-in tool's name (registered tools never shadow built-in ones)";
        for (const mcp_prompt_t *const *p = set->prompts; c->kind[0] == 'p' && p != NULL && *p != NULL; ++p)
            if (strcmp((*p)->name, name) == 0)
                return "is a built-in prompt's name (registered prompts never shadow built-in ones)";
        for (const mcp_resource_t *const *r = set->resources; c->kind[0] == 'r' && r != NULL && *r != NULL; ++r)
            if (remote_tools_shadows_resource(uri, tmpl, *r))
                return "names a built-in resource's URI (registered resources never shadow built-in ones)";
    }
    return NULL;
}

static int
listed(const char *const *fields, const char *key)
{
    for (; *fields != NULL; ++fields)
        if (strcmp(*fields, key) == 0)
            return 1;
    return 0;
}

/* The record with its kind first (resources and prompts carry it; the route gives it when the body does not). */
static json_value_t *
with_kind(arena_t *arena, json_value_t *rec, const collection_t *c)
{
    if (c->kind[0] == 't' || rec->type != JSON_OBJECT || json_get(rec, "kind") != NULL)
        return rec;
    json_value_t *kind = arena_alloc(arena, sizeof(*kind)), *copy = arena_alloc(arena, sizeof(*copy));
    json_member_t *items = arena_alloc(arena, (rec->u.obj.len + 1) * sizeof(*items));
    if (kind == NULL || copy == NULL || items == NULL)
        return rec;
    *kind = (json_value_t){.type = JSON_STRING, .u.str = {.ptr = (char *)c->kind, .len = strlen(c->kind)}};
    items[0] = (json_member_t){.key = "kind", .key_len = 4, .value = kind};
    memcpy(items + 1, rec->u.obj.items, rec->u.obj.len * sizeof(*items));
    *copy = (json_value_t){.type = JSON_OBJECT, .u.obj = {.items = items, .len = rec->u.obj.len + 1}};
    return copy;
}

/* Parses and checks a record of c's kind; returns it, or NULL after a 400 reply. */
static const json_value_t *
check_record(registry_admin_t *a, const collection_t *c, arena_t *arena, const admin_request_t *req, admin_response_t *res)
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
            if (!listed(c->fields, key) && !listed(audit_fields, key)) {
                char pointer[160], message[256];
                snprintf(pointer, sizeof(pointer), "/%.150s", key);
                snprintf(message, sizeof(message), "unknown field (a %s has %s)", c->kind, c->field_list);
                reply_error(res, 400, message, pointer);
                return NULL;
            }
        }
        const char *kind = json_string(json_get(rec, "kind"));
        if (json_get(rec, "kind") != NULL && (kind == NULL || strcmp(kind, c->kind) != 0)) {
            char message[64];
            snprintf(message, sizeof(message), "must be \"%s\" on this route", c->kind);
            reply_error(res, 400, message, "/kind");
            return NULL;
        }
        rec = with_kind(arena, rec, c);
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
    const char *clash = builtin_clash(c, rec);
    if (clash != NULL) {
        reply_error(res, 400, clash, c->kind[0] != 'r' ? "/name" : json_get(rec, "uri") != NULL ? "/uri" : "/uriTemplate");
        return NULL;
    }
    const char *arn = json_string(json_get(rec, "lambdaArn"));
    size_t colons = 0;
    for (const char *ch = arn; *ch != '\0'; ++ch)
        colons += *ch == ':';
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

/* The stored record: the caller's fields (a resource's or prompt's kind first), then the audit fields. */
static void
write_record(buf_t *out, const collection_t *c, const json_value_t *rec, int64_t version, int64_t created_at,
             const char *created_by, int64_t now, const char *caller)
{
    jsonw_t w;
    jsonw_init(&w, out);
    jsonw_object_begin(&w);
    for (const char *const *f = c->fields; *f != NULL; ++f) {
        const json_value_t *v = json_get(rec, *f);
        if (v != NULL) {
            jsonw_key(&w, *f);
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

/* A write's condition on the record's id (#id) and version (#v, compared with :v = expected_version); NULL: none. */
static void
write_condition(jsonw_t *w, const char *condition, int64_t expected_version)
{
    if (condition == NULL)
        return;
    jsonw_kv_string(w, "ConditionExpression", condition);
    jsonw_kv_raw(w, "ExpressionAttributeNames",
                 strstr(condition, "#v") != NULL ? "{\"#id\":\"id\",\"#v\":\"version\"}" : "{\"#id\":\"id\"}");
    if (strstr(condition, ":v") != NULL) {
        jsonw_key(w, "ExpressionAttributeValues");
        jsonw_object_begin(w);
        dynamodb_write_n(w, ":v", expected_version);
        jsonw_object_end(w);
    }
}

/* PutItem of the record under condition (NULL: none); returns 0 or a DYNAMODB_ERR_* code. */
static int
put_record(registry_admin_t *a, const collection_t *c, const char *name, const buf_t *record, int64_t version,
           const char *condition, int64_t expected_version)
{
    buf_t body = BUF_INIT(0), id = BUF_INIT(0);
    buf_printf(&id, "%s#%s", c->kind, name);
    jsonw_t w;
    jsonw_init(&w, &body);
    dynamodb_begin_item(&w, a->db, "id", id.data);
    dynamodb_write_s(&w, "kind", c->kind);
    dynamodb_write_s(&w, "name", name);
    dynamodb_write_n(&w, "version", version);
    dynamodb_write_sn(&w, "record", record->data, record->len);
    jsonw_object_end(&w);
    write_condition(&w, condition, expected_version);
    jsonw_object_end(&w);
    int rc = jsonw_failed(&w) ? DYNAMODB_ERR_TOO_LARGE : dynamodb_call(a->db, "PutItem", body.data, body.len, NULL, NULL);
    buf_dispose(&body);
    buf_dispose(&id);
    return rc;
}

/* GetItem (consistent); returns 0 with *item (NULL: absent), or a DYNAMODB_ERR_* code. */
static int
get_item(registry_admin_t *a, const collection_t *c, arena_t *arena, const char *name, const json_value_t **item)
{
    buf_t body = BUF_INIT(0), id = BUF_INIT(0);
    buf_printf(&id, "%s#%s", c->kind, name);
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
log_change(const char *action, const collection_t *c, const char *name, int64_t version, const char *caller)
{
    log_msg(LOG_INFO, "registry_change", "%s %s %s (version %lld) by %s", action, c->kind, name, (long long)version, caller);
}

/* 404 for a name no record of c's kind has. */
static void
reply_unknown(admin_response_t *res, const collection_t *c)
{
    char message[64];
    snprintf(message, sizeof(message), "no %s of that name is registered", c->kind);
    reply_error(res, 404, message, NULL);
}

/* The version If-Match names (-1 for *), or -1 after a 400 for a malformed one. */
static int
read_if_match(const admin_request_t *req, admin_response_t *res, int64_t *wanted)
{
    if (parse_if_match(req->if_match, wanted) == 0)
        return 0;
    reply_error(res, 400, "If-Match must be a record's version, as its ETag gives it (\"3\"), or *", NULL);
    return -1;
}

/* The stored item of c's kind and that name, or -1 after the store's error or a 404. */
static int
get_existing(registry_admin_t *a, const collection_t *c, arena_t *arena, const char *name, admin_response_t *res,
             const json_value_t **item)
{
    int rc = get_item(a, c, arena, name, item);
    if (rc != 0) {
        reply_store_error(res, rc);
        return -1;
    }
    if (*item == NULL) {
        reply_unknown(res, c);
        return -1;
    }
    return 0;
}

/* The answer to a create or an update that put_record() gave rc: the record as stored, with its version as ETag. */
static void
reply_put(admin_response_t *res, int rc, int status, const collection_t *c, const char *name, const buf_t *record, int64_t version,
          const char *caller)
{
    if (rc != 0) {
        reply_store_error(res, rc);
        return;
    }
    res->status = status;
    snprintf(res->etag, sizeof(res->etag), "\"%lld\"", (long long)version);
    buf_reset(&res->body);
    buf_append(&res->body, record->data, record->len);
    log_change(status == 201 ? "created" : "updated", c, name, version, caller);
}

/* ---- routes ---- */

static void
create(registry_admin_t *a, const collection_t *c, arena_t *arena, const admin_request_t *req, admin_response_t *res)
{
    const json_value_t *rec = check_record(a, c, arena, req, res);
    if (rec == NULL)
        return;
    const char *name = json_string(json_get(rec, "name")), *caller = caller_of(req);
    int64_t now = (int64_t)time(NULL);
    buf_t record = BUF_INIT(0);
    write_record(&record, c, rec, 1, now, caller, now, caller);
    int rc = put_record(a, c, name, &record, 1, "attribute_not_exists(#id)", 0);
    if (rc == DYNAMODB_ERR_CONDITION) {
        char message[128];
        snprintf(message, sizeof(message), "a %s of that name is registered already (update it with PUT and If-Match)", c->kind);
        reply_error(res, 409, message, "/name");
    } else {
        reply_put(res, rc, 201, c, name, &record, 1, caller);
    }
    buf_dispose(&record);
}

static void
update(registry_admin_t *a, const collection_t *c, arena_t *arena, const admin_request_t *req, const char *name, int64_t wanted,
       admin_response_t *res)
{
    const json_value_t *rec = check_record(a, c, arena, req, res);
    if (rec == NULL)
        return;
    if (strcmp(json_string(json_get(rec, "name")), name) != 0) {
        reply_error(res, 400, "must be the name in the path (a record is renamed by creating the new one and deleting the old)",
                    "/name");
        return;
    }
    const json_value_t *item;
    if (get_existing(a, c, arena, name, res, &item) != 0)
        return;
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
        reply_error(res, 412, msg, NULL);
        return;
    }
    buf_t record = BUF_INIT(0);
    write_record(&record, c, rec, current + 1, created_at, created_by != NULL ? created_by : "unknown", (int64_t)time(NULL),
                 caller);
    arena_dispose(&scratch);
    int rc = put_record(a, c, name, &record, current + 1, "attribute_exists(#id) AND #v = :v", current);
    if (rc == DYNAMODB_ERR_CONDITION)
        reply_error(res, 412, "the record changed (or was deleted) meanwhile: read it again", NULL);
    else
        reply_put(res, rc, 200, c, name, &record, current + 1, caller);
    buf_dispose(&record);
}

static void
delete_record(registry_admin_t *a, const collection_t *c, arena_t *arena, const admin_request_t *req, const char *name,
              int64_t wanted, admin_response_t *res)
{
    buf_t body = BUF_INIT(0), id = BUF_INIT(0);
    buf_printf(&id, "%s#%s", c->kind, name);
    jsonw_t w;
    jsonw_init(&w, &body);
    dynamodb_begin_keyed(&w, a->db, "Key", "id", id.data);
    jsonw_object_end(&w);
    write_condition(&w, wanted >= 0 ? "attribute_exists(#id) AND #v = :v" : "attribute_exists(#id)", wanted);
    jsonw_object_end(&w);
    int rc = dynamodb_call(a->db, "DeleteItem", body.data, body.len, NULL, NULL);
    buf_dispose(&body);
    buf_dispose(&id);
    if (rc == DYNAMODB_ERR_CONDITION) {
        /* absent, or another version */
        const json_value_t *item;
        if (get_existing(a, c, arena, name, res, &item) == 0)
            reply_error(res, 412, "the record is at another version than If-Match's: read it again", NULL);
        return;
    }
    if (rc != 0) {
        reply_store_error(res, rc);
        return;
    }
    res->status = 204;
    buf_reset(&res->body);
    log_change("deleted", c, name, wanted, caller_of(req));
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

/* An id as the table has them: "<kind>#<name>" of a known kind. */
static int
is_item_id(const char *id)
{
    for (size_t i = 0; i != sizeof(collections) / sizeof(collections[0]); ++i) {
        size_t n = strlen(collections[i].kind);
        if (strncmp(id, collections[i].kind, n) == 0 && id[n] == '#')
            return 1;
    }
    return 0;
}

static void
list(registry_admin_t *a, const collection_t *c, arena_t *arena, const admin_request_t *req, admin_response_t *res)
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
    buf_t start = BUF_INIT(4096), prefix = BUF_INIT(0);
    buf_printf(&prefix, "%s#", c->kind);
    /* a page ends where the Scan stopped, which may be an item of another kind (the filter comes after the limit) */
    if (cursor != NULL && (base64_decode(&start, cursor, strlen(cursor), 1) != 0 || start.len == 0 || start.len > 200 ||
                           !is_item_id(start.data) || memchr(start.data, '\0', start.len) != NULL)) {
        buf_dispose(&prefix);
        buf_dispose(&start);
        reply_error(res, 400, "cursor is not one this API gave", NULL);
        return;
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
    dynamodb_write_s(&w, ":p", prefix.data);
    jsonw_object_end(&w);
    if (start.len != 0) {
        jsonw_key(&w, "ExclusiveStartKey");
        jsonw_object_begin(&w);
        dynamodb_write_sn(&w, "id", start.data, start.len);
        jsonw_object_end(&w);
    }
    jsonw_object_end(&w);
    buf_dispose(&start);
    buf_dispose(&prefix);
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
    const collection_t *c = NULL;
    const char *p = NULL, *name = NULL;
    for (size_t i = 0; c == NULL && i != sizeof(collections) / sizeof(collections[0]); ++i) {
        size_t n = strlen(collections[i].path);
        for (p = strstr(req->path, collections[i].path); p != NULL && p[n] != '\0' && p[n] != '/';)
            p = strstr(p + 1, collections[i].path);
        if (p != NULL) {
            c = &collections[i];
            name = p[n] == '/' ? p + n + 1 : NULL;
        }
    }
    if (c == NULL || (name != NULL && strchr(name, '/') != NULL)) {
        reply_error(res, 404, "no such route (the admin API has /tools, /resources and /prompts, each with /{name})", NULL);
        return;
    }
    arena_t arena;
    arena_init(&arena, 16u << 20);
    const char *m = req->method;
    if (name == NULL || name[0] == '\0') {
        if (strcmp(m, "POST") == 0)
            create(a, c, &arena, req, res);
        else if (strcmp(m, "GET") == 0)
            list(a, c, &arena, req, res);
        else
            reply_error(res, 405, "a collection takes GET and POST", NULL);
    } else {
        const json_value_t *item;
        int rc;
        if (strcmp(m, "GET") == 0) {
            if ((rc = get_item(a, c, &arena, name, &item)) != 0)
                reply_store_error(res, rc);
            else if (item == NULL)
                reply_unknown(res, c);
            else
                reply_item(res, 200, item);
        } else if (strcmp(m, "PUT") == 0 || strcmp(m, "DELETE") == 0) {
            int64_t wanted; /* the version If-Match names, -1 for *; a malformed one is answered 400 */
            if (read_if_match(req, res, &wanted) == 0) {
                if (m[0] == 'P')
                    update(a, c, &arena, req, name, wanted, res);
                else
                    delete_record(a, c, &arena, req, name, wanted, res);
            }
        } else {
            reply_error(res, 405, "a record takes GET, PUT and DELETE", NULL);
        }
    }
    arena_dispose(&arena);
}
