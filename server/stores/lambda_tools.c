/* lambda_tools.c: registered tools, resources and prompts in DynamoDB, called through Lambda's Invoke API (see lambda_tools.h). */
#include "lambda_tools.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "aws_client.h"
#include "base64.h"
#include "clock.h"
#include "dynamodb.h"
#include "json.h"
#include "jsonw.h"
#include "log.h"

#define MAX_PAGES 1000
#define POOL_SIZE 16 /* idle Invoke connections kept */
#define MAX_MESSAGE_ID 256
#define DEFAULT_TARGET "mcp"

#define OFF(f) offsetof(lambda_tools_config_t, f)

static int
valid_table_name(const char *s)
{
    size_t n = strlen(s);
    return n >= 3 && n <= 255 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static int
valid_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static const setting_t rows[] = {
    {"--tool-registry-table", "MCP_TOOL_REGISTRY_TABLE", "",
     "the DynamoDB table of registered tools (Lambda functions served as MCP tools); \"\": none", SETTING_STRING, OFF(table),
     .may_be_empty = 1, .valid = valid_table_name, .expect = "a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)"},
    {"--tool-registry-endpoint", "MCP_TOOL_REGISTRY_ENDPOINT", "", "the registry table's DynamoDB endpoint URL; \"\": AWS's own",
     SETTING_STRING, OFF(endpoint), .may_be_empty = 1, .valid = valid_url, .expect = "an http(s) URL"},
    {"--lambda-endpoint", "MCP_LAMBDA_ENDPOINT", "", "the Lambda Invoke API's URL for registered tools; \"\": AWS's own",
     SETTING_STRING, OFF(invoke_endpoint), .may_be_empty = 1, .valid = valid_url, .expect = "an http(s) URL"},
    {"--tool-gateway-id", "MCP_TOOL_GATEWAY_ID", "mcp-lambda-c",
     "the gateway id registered tools see (bedrockAgentCoreGatewayId in their client context)", SETTING_STRING, OFF(gateway_id)},
    {"--tool-registry-refresh-s", "MCP_TOOL_REGISTRY_REFRESH_S", "30",
     "read the registry table at most this often (tools/list's ttlMs agrees); 0: at every use", SETTING_NUMBER, OFF(refresh_s),
     sizeof(unsigned), 0, 3600},
};

settings_table_t
lambda_tools_settings(lambda_tools_config_t *config)
{
    return (settings_table_t){"Registered tools (Lambda functions)", rows, sizeof(rows) / sizeof(rows[0]), config};
}

typedef struct st_lambda_tools_t {
    mcp_tool_source_t super;
    dynamodb_t *db;
    char *invoke_endpoint;
    char *gateway_id;
    pthread_mutex_t lock;
    aws_client_t *idle[POOL_SIZE]; /* Invoke clients not in use: one call at a time each */
    size_t num_idle;
} lambda_tools_t;

/* ---- the registry ---- */

static int
load(mcp_tool_source_t *self, buf_t *out, char *err, size_t err_len)
{
    lambda_tools_t *lt = (lambda_tools_t *)self;
    buf_append_char(out, '[');
    size_t n = 0;
    json_value_t *last = NULL;
    int ret = 0;
    arena_t prev;
    arena_init(&prev, 1 << 20);
    for (int page = 0;; ++page) {
        if (page == MAX_PAGES) {
            snprintf(err, err_len, "Scan of %s kept returning pages", dynamodb_table(lt->db));
            ret = -1;
            break;
        }
        buf_t body = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &body);
        jsonw_object_begin(&w);
        dynamodb_write_table(&w, lt->db);
        jsonw_kv_bool(&w, "ConsistentRead", 1);
        if (last != NULL) {
            jsonw_key(&w, "ExclusiveStartKey");
            jsonw_value(&w, last);
        }
        jsonw_object_end(&w);
        arena_t arena;
        arena_init(&arena, 64u << 20);
        json_value_t *reply = NULL;
        int rc = dynamodb_call(lt->db, "Scan", body.data, body.len, &arena, &reply);
        buf_dispose(&body);
        if (rc != 0) {
            snprintf(err, err_len, "Scan of %s: %s", dynamodb_table(lt->db), dynamodb_strerror(rc));
            arena_dispose(&arena);
            ret = -1;
            break;
        }
        const json_value_t *items = json_get(reply, "Items");
        for (size_t i = 0; items != NULL && items->type == JSON_ARRAY && i != items->u.arr.len; ++i) {
            const json_value_t *item = items->u.arr.items[i];
            const char *kind = dynamodb_get_s(item, "kind"), *record = dynamodb_get_s(item, "record");
            if (kind == NULL || (strcmp(kind, "tool") != 0 && strcmp(kind, "resource") != 0 && strcmp(kind, "prompt") != 0))
                continue; /* a kind of a later version */
            json_value_t *parsed;
            arena_t scratch;
            arena_init(&scratch, 4u << 20);
            const char *id = dynamodb_get_s(item, "id");
            if (record == NULL || json_parse_lenient(&scratch, record, strlen(record), 64, &parsed) != 0 ||
                parsed->type != JSON_OBJECT) {
                log_msg(LOG_WARN, "registered_tool_refused", "registry item %s has no record that is a JSON object; skipped",
                        id != NULL ? id : "(no id)");
            } else if (strcmp(json_string(json_get(parsed, "kind")) ? json_string(json_get(parsed, "kind")) : "tool", kind) != 0) {
                /* the core tells the kinds apart by the record's own kind (absent: a tool) */
                log_msg(LOG_WARN, "registered_tool_refused", "registry item %s: its record's kind is not the item's (%s); skipped",
                        id != NULL ? id : "(no id)", kind);
            } else {
                if (n++ != 0)
                    buf_append_char(out, ',');
                buf_append_str(out, record);
            }
            arena_dispose(&scratch);
        }
        /* the next page starts after this one's last key, which must outlive this page's arena */
        const json_value_t *next = json_get(reply, "LastEvaluatedKey");
        arena_dispose(&prev);
        arena_init(&prev, 1 << 20);
        last = next != NULL ? json_copy(&prev, next) : NULL;
        arena_dispose(&arena);
        if (next == NULL)
            break;
        if (last == NULL) {
            snprintf(err, err_len, "Scan of %s: a page key too large", dynamodb_table(lt->db));
            ret = -1;
            break;
        }
    }
    arena_dispose(&prev);
    buf_append_char(out, ']');
    return ret;
}

/* ---- invoking ---- */

/* The principal of an identity, for when the whole of it does not fit the client context. */
static const char *
principal_of(const json_value_t *identity)
{
    static const char *const keys[] = {"principalId", "sub", "userArn", "callerId", "clientId"};
    for (size_t i = 0; i != sizeof(keys) / sizeof(keys[0]); ++i) {
        const char *s = json_string(json_get(identity, keys[i]));
        if (s != NULL && strlen(s) <= 512)
            return s;
    }
    return NULL;
}

/* level 0: the whole identity; 1: its principal only; 2: no identity */
static void
write_client_context(buf_t *json, const mcp_invoke_t *call, const char *gateway_id, int level)
{
    const char *target = json_string(json_get(call->record, "target"));
    if (target == NULL)
        target = DEFAULT_TARGET;
    buf_reset(json);
    jsonw_t w;
    jsonw_init(&w, json);
    jsonw_object_begin(&w);
    jsonw_key(&w, "custom");
    jsonw_object_begin(&w);
    if (call->kind == NULL || strcmp(call->kind, "tool") == 0) {
        buf_t name = BUF_INIT(0);
        buf_printf(&name, "%s___%s", target, call->tool);
        jsonw_kv_string(&w, "bedrockAgentCoreToolName", name.data);
        buf_dispose(&name);
    } else {
        /* AgentCore Gateway has no resources or prompts: ours say what they serve */
        jsonw_kv_string(&w, "mcpKind", call->kind);
        jsonw_kv_string(&w, "mcpName", call->tool);
    }
    jsonw_kv_string(&w, "bedrockAgentCoreGatewayId", gateway_id);
    jsonw_kv_string(&w, "bedrockAgentCoreTargetId", target);
    jsonw_kv_string(&w, "bedrockAgentCoreMessageVersion", "1.0");
    jsonw_kv_string(&w, "bedrockAgentCoreAwsRequestId", call->request_id != NULL ? call->request_id : "");
    size_t id_len = strlen(call->message_id);
    jsonw_key(&w, "bedrockAgentCoreMcpMessageId");
    jsonw_stringn(&w, call->message_id, id_len < MAX_MESSAGE_ID ? id_len : MAX_MESSAGE_ID);
    if (call->identity != NULL) {
        if (level == 0) {
            buf_t id = BUF_INIT(0);
            jsonw_t iw;
            jsonw_init(&iw, &id);
            jsonw_value(&iw, call->identity);
            jsonw_key(&w, "mcpCallerIdentity");
            jsonw_stringn(&w, id.data != NULL ? id.data : "null", id.data != NULL ? id.len : 4);
            buf_dispose(&id);
        } else {
            const char *p = level == 1 ? principal_of(call->identity) : NULL;
            if (p != NULL)
                jsonw_kv_string(&w, "mcpCallerPrincipal", p);
            jsonw_kv_string(&w, "mcpCallerIdentityTruncated", "true");
        }
    }
    jsonw_object_end(&w);
    jsonw_object_end(&w);
}

int
lambda_tools_client_context(const mcp_invoke_t *call, const char *gateway_id, buf_t *out)
{
    buf_t json = BUF_INIT(0);
    int ret = -1;
    for (int level = 0; level != 3; ++level) {
        write_client_context(&json, call, gateway_id, level);
        buf_reset(out);
        base64_encode(out, json.data, json.len);
        if (!buf_failed(out) && !buf_failed(&json) && out->len <= LAMBDA_CLIENT_CONTEXT_MAX) {
            ret = 0;
            break;
        }
    }
    buf_dispose(&json);
    return ret;
}

static aws_client_t *
take_client(lambda_tools_t *lt, char *err, size_t err_len)
{
    aws_client_t *c = NULL;
    pthread_mutex_lock(&lt->lock);
    if (lt->num_idle != 0)
        c = lt->idle[--lt->num_idle];
    pthread_mutex_unlock(&lt->lock);
    if (c != NULL)
        return c;
    aws_client_config_t config = {.service = "lambda", .endpoint = lt->invoke_endpoint, .timeout_ms = 5000};
    return aws_client_new(&config, &c, err, err_len) == 0 ? c : NULL;
}

static void
put_client(lambda_tools_t *lt, aws_client_t *c)
{
    pthread_mutex_lock(&lt->lock);
    if (lt->num_idle < POOL_SIZE) {
        lt->idle[lt->num_idle++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&lt->lock);
    aws_client_free(c);
}

static int
invoke(mcp_tool_source_t *self, const mcp_invoke_t *call, mcp_invoke_result_t *out)
{
    lambda_tools_t *lt = (lambda_tools_t *)self;
    const char *fn = json_string(json_get(call->record, "lambdaArn"));
    const char *qualifier = json_string(json_get(call->record, "qualifier"));
    buf_t path = BUF_INIT(0), query = BUF_INIT(0), context = BUF_INIT(0);
    buf_append_str(&path, "/2015-03-31/functions/");
    aws_uri_encode(&path, fn, strlen(fn), 0);
    buf_append_str(&path, "/invocations");
    if (qualifier != NULL) {
        buf_append_str(&query, "Qualifier=");
        aws_uri_encode(&query, qualifier, strlen(qualifier), 0);
    }
    out->status = MCP_INVOKE_UNREACHABLE;
    aws_client_t *c = NULL;
    if (lambda_tools_client_context(call, lt->gateway_id, &context) != 0) {
        snprintf(out->message, sizeof(out->message), "the call's client context does not fit Lambda's limit");
        goto exit;
    }
    if ((c = take_client(lt, out->message, sizeof(out->message))) == NULL)
        goto exit;
    aws_header_t headers[] = {
        {"content-type", "application/json"}, {"x-amz-invocation-type", "RequestResponse"}, {"x-amz-client-context", context.data}};
    aws_request_t req = {.method = "POST",
                         .path = path.data,
                         .query = query.data,
                         .headers = headers,
                         .num_headers = sizeof(headers) / sizeof(headers[0]),
                         .body = call->arguments,
                         .body_len = call->arguments_len,
                         .max_reply_bytes = 6u << 20,
                         .timeout_ms = call->timeout_ms};
    aws_reply_t reply;
    int64_t began = clock_monotonic_ms();
    int sent = aws_client_send(c, &req, &reply);
    if (sent != 0) {
        int64_t took = clock_monotonic_ms() - began;
        out->status = took + 50 >= call->timeout_ms ? MCP_INVOKE_TIMEOUT : MCP_INVOKE_UNREACHABLE;
        snprintf(out->message, sizeof(out->message), "%s", reply.error_message);
        aws_client_free(c); /* its connection is in an unknown state */
        c = NULL;
    } else if (reply.status >= 200 && reply.status <= 299) {
        out->status = aws_reply_header(&reply, "x-amz-function-error") != NULL ? MCP_INVOKE_FUNCTION_ERROR : MCP_INVOKE_OK;
        buf_append(&out->payload, reply.body.data != NULL ? reply.body.data : "", reply.body.len);
    } else {
        out->status = reply.status == 429 ? MCP_INVOKE_THROTTLED : MCP_INVOKE_REFUSED;
        snprintf(out->message, sizeof(out->message), "%.100s: %.300s (HTTP %d)",
                 reply.error_code[0] != '\0' ? reply.error_code : "(no code)",
                 reply.error_message[0] != '\0' ? reply.error_message : "(no message)", reply.status);
    }
    aws_reply_dispose(&reply);
exit:
    if (c != NULL)
        put_client(lt, c);
    buf_dispose(&path);
    buf_dispose(&query);
    buf_dispose(&context);
    return 0;
}

int
lambda_tools_new(const lambda_tools_config_t *config, mcp_tool_source_t **out, char *err, size_t err_len)
{
    *out = NULL;
    if (config->table == NULL || config->table[0] == '\0')
        return 0;
    lambda_tools_t *lt = calloc(1, sizeof(*lt));
    if (lt == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    if (dynamodb_new(config->table, config->endpoint, &lt->db, err, err_len) != 0) {
        free(lt);
        return -1;
    }
    lt->super = (mcp_tool_source_t){.load = load, .invoke = invoke};
    lt->invoke_endpoint =
        config->invoke_endpoint != NULL && config->invoke_endpoint[0] != '\0' ? strdup(config->invoke_endpoint) : NULL;
    lt->gateway_id = strdup(config->gateway_id != NULL ? config->gateway_id : "mcp-lambda-c");
    pthread_mutex_init(&lt->lock, NULL);
    *out = &lt->super;
    return 0;
}

void
lambda_tools_free(mcp_tool_source_t *source)
{
    lambda_tools_t *lt = (lambda_tools_t *)source;
    if (lt == NULL)
        return;
    for (size_t i = 0; i != lt->num_idle; ++i)
        aws_client_free(lt->idle[i]);
    dynamodb_free(lt->db);
    free(lt->invoke_endpoint);
    free(lt->gateway_id);
    pthread_mutex_destroy(&lt->lock);
    free(lt);
}
