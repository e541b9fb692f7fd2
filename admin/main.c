/*
 * mcp-admin: the tool registry's admin API (registry_admin.h) as a Lambda custom runtime, behind a Function URL or
 * an API Gateway REST route with AWS_IAM authorization. Configuration from the environment:
 *
 *   MCP_TOOL_REGISTRY_TABLE       the registry table (required)
 *   MCP_TOOL_REGISTRY_ENDPOINT    its DynamoDB endpoint URL (a local peer); "": AWS's own
 *   MCP_ADMIN_ALLOWED_FUNCTIONS   the functions tools may name: comma-separated ARNs, each may end with '*' (a prefix)
 *   MCP_LOG_LEVEL                 debug, info, warn, error
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apigw_event.h"
#include "dynamodb.h"
#include "json.h"
#include "lambda_runtime.h"
#include "log.h"
#include "registry_admin.h"

/* The query string of the event, which apigw_event leaves out: 2.0's rawQueryString, 1.0's parameters re-joined. */
static char *
event_query(const lambda_invocation_t *inv)
{
    arena_t arena;
    arena_init(&arena, 8u << 20);
    json_value_t *ev = NULL;
    char *out = NULL;
    if (json_parse_lenient(&arena, inv->event, inv->event_len, 64, &ev) == 0) {
        const char *raw = json_string(json_get(ev, "rawQueryString"));
        const json_value_t *params = json_get(ev, "queryStringParameters");
        if (raw != NULL) {
            out = strdup(raw);
        } else if (params != NULL && params->type == JSON_OBJECT) {
            buf_t b = BUF_INIT(0);
            for (size_t i = 0; i != params->u.obj.len; ++i) {
                const char *v = json_string(params->u.obj.items[i].value);
                if (v != NULL)
                    buf_printf(&b, "%s%s=%s", b.len != 0 ? "&" : "", params->u.obj.items[i].key, v);
            }
            size_t len;
            out = b.len != 0 ? buf_release(&b, &len) : NULL;
            buf_dispose(&b);
        }
    }
    arena_dispose(&arena);
    return out;
}

static void
handle(lambda_runtime_t *rt, registry_admin_t *admin, lambda_invocation_t *inv)
{
    apigw_request_t ar;
    int err = apigw_parse_event(inv->event, inv->event_len, &ar);
    if (err == APIGW_ERR_JSON || err == APIGW_ERR_SHAPE) {
        lambda_runtime_report_error(rt, inv->request_id, "Runtime.InvalidEvent", apigw_strerror(err));
        apigw_request_dispose(&ar);
        return;
    }
    admin_response_t res = {.status = 400};
    buf_init(&res.body, 8u << 20);
    char *method = NULL, *path = NULL, *if_match = NULL, *query = NULL;
    if (err != 0) {
        res.status = apigw_refusal(err).status;
        buf_printf(&res.body, "{\"message\":\"%s\"}", apigw_strerror(err));
    } else {
        const mcp_http_request_t *r = &ar.req;
        method = strndup(r->method, r->method_len);
        path = strndup(r->path, r->path_len);
        for (size_t i = 0; i != r->num_headers; ++i)
            if (r->headers[i].name_len == 8 && strncasecmp(r->headers[i].name, "if-match", 8) == 0)
                if_match = strndup(r->headers[i].value, r->headers[i].value_len);
        query = event_query(inv);
        admin_request_t req = {.method = method,
                               .path = path,
                               .query = query,
                               .if_match = if_match,
                               .body = r->body,
                               .body_len = r->body_len,
                               .identity = r->identity};
        registry_admin_handle(admin, &req, &res);
    }
    mcp_response_t out;
    memset(&out, 0, sizeof(out));
    out.status = res.status;
    out.headers[out.num_headers++] = (mcp_header_t){"content-type", 12, "application/json", 16};
    if (res.etag[0] != '\0')
        out.headers[out.num_headers++] = (mcp_header_t){"etag", 4, res.etag, strlen(res.etag)};
    buf_t event = BUF_INIT(0);
    apigw_write_response(ar.format, &out, res.body.data != NULL ? res.body.data : "", res.body.len, &event);
    if (lambda_runtime_respond(rt, inv->request_id, event.data, event.len) != 0)
        log_msg(LOG_ERROR, "respond_failed", "the Runtime API refused the response (status %d)", rt->last_status);
    log_msg(LOG_INFO, "request", "%s %s -> %d", method != NULL ? method : "-", path != NULL ? path : "-", res.status);
    buf_dispose(&event);
    buf_dispose(&res.body);
    free(method);
    free(path);
    free(if_match);
    free(query);
    apigw_request_dispose(&ar);
}

int
main(void)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL) {
        fprintf(stderr, "mcp-admin: runs as a Lambda function (AWS_LAMBDA_RUNTIME_API is not set)\n");
        return 2;
    }
    const char *level = getenv("MCP_LOG_LEVEL");
    log_level_t lv;
    if (level != NULL && log_parse_level(level, &lv) == 0)
        log_set_level(lv);
    lambda_runtime_t rt;
    if (lambda_runtime_init(&rt, api) != 0) {
        fprintf(stderr, "mcp-admin: bad AWS_LAMBDA_RUNTIME_API\n");
        return 1;
    }
    char err[512] = "";
    const char *table = getenv("MCP_TOOL_REGISTRY_TABLE"), *endpoint = getenv("MCP_TOOL_REGISTRY_ENDPOINT");
    dynamodb_t *db = NULL;
    registry_admin_t *admin = NULL;
    if (table == NULL || table[0] == '\0')
        snprintf(err, sizeof(err), "MCP_TOOL_REGISTRY_TABLE is not set");
    else if (dynamodb_new(table, endpoint != NULL && endpoint[0] != '\0' ? endpoint : NULL, &db, err, sizeof(err)) == 0)
        admin = registry_admin_new(db, getenv("MCP_ADMIN_ALLOWED_FUNCTIONS"), err, sizeof(err));
    if (admin == NULL) {
        fprintf(stderr, "mcp-admin: %s\n", err);
        lambda_runtime_report_init_error(&rt, "Runtime.InvalidConfiguration", err);
        dynamodb_free(db);
        lambda_runtime_dispose(&rt);
        return 1;
    }
    for (;;) {
        lambda_invocation_t inv;
        if (lambda_runtime_next(&rt, &inv) != 0)
            break;
        handle(&rt, admin, &inv);
        lambda_invocation_dispose(&inv);
    }
    registry_admin_free(admin);
    dynamodb_free(db);
    lambda_runtime_dispose(&rt);
    return 1;
}
