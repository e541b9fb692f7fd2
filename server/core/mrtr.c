/*
 * mrtr.c: multi round-trip requests (2026-07-28 basic/patterns/mrtr), which replace server-to-client
 * requests. A stateless server cannot ask the client and wait, so a handler's question ends the round:
 * the result is an InputRequiredResult with the question(s) and a sealed requestState holding the answers
 * collected so far, and the client retries the same request with its answers. The retry runs the
 * handler from the start (mcp.h: handlers are deterministic up to their questions); each question it
 * asks again is answered from the requestState or from the retry's inputResponses, until none is left
 * unanswered. Nothing is kept on the server between rounds, which is what lets a round land on any
 * instance, and lets a buffered Lambda ask at all.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "log.h"

#define MAX_KEY_LEN 64

/* Under the current key, else the previous one; on a state neither verifies, once more after the key source re-read. */
static int
open_state(mcp_server_t *s, const unsigned char binding[32], const char *state, size_t len, buf_t *payload)
{
    state_keys_t keys = {.generation = 0};
    int ret = REQUEST_STATE_FORGED;
    for (int unknown = 0; unknown != 2 && ret == REQUEST_STATE_FORGED; ++unknown) {
        uint64_t before = keys.generation;
        server_state_keys(s, unknown, &keys);
        if (unknown && keys.generation == before)
            break; /* nothing new to try */
        ret = request_state_open(keys.current, keys.current_len, binding, mcp_now_ms(), state, len, payload);
        if (ret == REQUEST_STATE_FORGED && keys.previous_len != 0)
            ret = request_state_open(keys.previous, keys.previous_len, binding, mcp_now_ms(), state, len, payload);
    }
    explicit_bzero(&keys, sizeof(keys));
    return ret;
}

int
mrtr_begin(mcp_ctx_t *ctx, const mcp_call_t *call, const char *name, const json_value_t *arguments, const char **message)
{
    mcp_exchange_t *ex = call->ex;
    if (ex->era != MCP_ERA_MODERN || !call->method->input_required)
        return 0;
    ctx->input_allowed = 1;
    ctx->rpc_method = call->method->name;
    ctx->rpc_name = name;
    ctx->rpc_arguments = arguments;
    buf_init(&ctx->input_requests, ex->server->config->max_body_bytes);
    buf_init(&ctx->used_answers, ex->server->config->max_body_bytes / 2);

    const json_value_t *responses = json_get(call->params, "inputResponses");
    if (responses != NULL) {
        int valid = responses->type == JSON_OBJECT;
        /* each answer is a result object (ElicitResult, CreateMessageResult, ListRootsResult) */
        for (size_t i = 0; valid && i != responses->u.obj.len; ++i)
            valid = responses->u.obj.items[i].value->type == JSON_OBJECT;
        if (!valid) {
            *message = "Invalid params: inputResponses must be an object whose values are the client's results";
            return JSONRPC_INVALID_PARAMS;
        }
        ctx->input_responses = responses;
    }
    const json_value_t *state = json_get(call->params, "requestState");
    if (state == NULL)
        return 0;
    *message = "Invalid params: requestState is invalid, has expired, or belongs to another request";
    if (state->type != JSON_STRING)
        return JSONRPC_INVALID_PARAMS;
    unsigned char binding[32];
    request_state_binding(ctx->rpc_method, name, arguments, ex->identity, binding);
    buf_t payload = BUF_INIT(ex->server->config->max_body_bytes);
    int ret = open_state(ex->server, binding, state->u.str.ptr, state->u.str.len, &payload);
    json_value_t *answers = NULL;
    if (ret == 0 && (json_parse(&ctx->arena, payload.data, payload.len, 64, &answers) != 0 || answers->type != JSON_OBJECT))
        ret = REQUEST_STATE_MALFORMED;
    buf_dispose(&payload);
    if (ret != 0) {
        log_msg(LOG_INFO, "request_state_refused", "%s",
                ret == REQUEST_STATE_EXPIRED  ? "expired"
                : ret == REQUEST_STATE_FORGED ? "does not verify"
                                              : "malformed");
        return JSONRPC_INVALID_PARAMS;
    }
    ctx->prior_answers = answers;
    return 0;
}

/* The capability a question needs, as a ClientCapabilities object; NULL for a method that is not a question. */
static const char *
required_capability(const char *method, const json_value_t *params)
{
    if (strcmp(method, "sampling/createMessage") == 0)
        return json_get(params, "tools") != NULL ? "{\"sampling\":{\"tools\":{}}}" : "{\"sampling\":{}}";
    if (strcmp(method, "elicitation/create") == 0) {
        const char *mode = json_string(json_get(params, "mode"));
        return mode != NULL && strcmp(mode, "url") == 0 ? "{\"elicitation\":{\"url\":{}}}" : "{\"elicitation\":{\"form\":{}}}";
    }
    if (strcmp(method, "roots/list") == 0)
        return "{\"roots\":{}}";
    return NULL;
}

static int
valid_key(const char *key)
{
    size_t len = strlen(key);
    return len >= 1 && len <= MAX_KEY_LEN &&
           strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == len;
}

static int
listed(const char *const *keys, size_t n, const char *key)
{
    for (size_t i = 0; i != n; ++i)
        if (strcmp(keys[i], key) == 0)
            return 1;
    return 0;
}

/* Appends "key":json to a comma-separated list of members. */
static void
append_member(buf_t *b, int first, const char *key, const char *json, size_t len)
{
    jsonw_t w;
    if (!first)
        buf_append_char(b, ',');
    jsonw_init(&w, b);
    jsonw_string(&w, key);
    buf_append_char(b, ':');
    buf_append(b, json, len);
}

int
mrtr_client_request(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json, const json_value_t **result,
                    const char **error_message)
{
    const char *unused;
    if (error_message == NULL)
        error_message = &unused;
    *result = NULL;
    if (!ctx->input_allowed) {
        *error_message = "only tools/call, prompts/get and resources/read may ask the client (2026-07-28)";
        return MCP_EREQ_UNSUPPORTED;
    }
    json_value_t *params = NULL;
    const char *capability = NULL;
    if (params_json != NULL &&
        (json_parse(&ctx->arena, params_json, strlen(params_json), 64, &params) != 0 || params->type != JSON_OBJECT))
        params = NULL;
    if ((params_json != NULL && params == NULL) || (capability = required_capability(method, params)) == NULL) {
        *error_message = "not a question a client can be asked (sampling/createMessage, elicitation/create, roots/list)";
        return MCP_EREQ_UNSUPPORTED;
    }
    char auto_key[16];
    if (key == NULL) {
        snprintf(auto_key, sizeof(auto_key), "r%u", ctx->next_input_key++);
        key = auto_key;
    } else if (!valid_key(key)) {
        *error_message = "invalid question key";
        return MCP_EREQ_UNSUPPORTED;
    }

    /* never ask what the client has not said it can answer */
    json_value_t *required;
    if (json_parse(&ctx->arena, capability, strlen(capability), 8, &required) != 0) {
        *error_message = "out of memory";
        return MCP_EREQ_UNSUPPORTED;
    }
    buf_t missing = BUF_INIT(4096);
    if (!era_client_has(ctx->ex->client_capabilities, required, &missing)) {
        if (ctx->missing_capabilities == NULL)
            ctx->missing_capabilities = mcp_strdup(ctx, missing.data);
        buf_dispose(&missing);
        *error_message = "the client did not declare the capability this question needs";
        return MCP_EREQ_NO_CAPABILITY;
    }
    buf_dispose(&missing);

    /* the requestState's answers are the server's record of earlier rounds, so they win over the retry's */
    const json_value_t *answer = json_get(ctx->prior_answers, key);
    if (answer == NULL)
        answer = json_get(ctx->input_responses, key);
    if (answer != NULL) {
        if (!listed(ctx->used_keys, ctx->num_used_keys, key)) {
            /* an answer the next requestState cannot carry would be asked for again and again */
            if (ctx->num_used_keys == MCP_MAX_QUESTIONS) {
                *error_message = "too many questions in one request";
                return MCP_EREQ_UNSUPPORTED;
            }
            buf_t b = BUF_INIT(0);
            jsonw_t w;
            jsonw_init(&w, &b);
            jsonw_value(&w, answer);
            append_member(&ctx->used_answers, ctx->num_used_keys == 0, key, b.data, b.len);
            ctx->used_keys[ctx->num_used_keys++] = mcp_strdup(ctx, key);
            buf_dispose(&b);
        }
        *result = answer;
        return 0;
    }
    if (!listed(ctx->pending_keys, ctx->num_pending_keys, key)) {
        if (ctx->num_pending_keys == MCP_MAX_QUESTIONS) {
            *error_message = "too many questions in one round";
            return MCP_EREQ_UNSUPPORTED;
        }
        buf_t b = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &b);
        jsonw_object_begin(&w);
        jsonw_kv_string(&w, "method", method);
        if (params != NULL) {
            jsonw_key(&w, "params");
            jsonw_value(&w, params);
        }
        jsonw_object_end(&w);
        append_member(&ctx->input_requests, ctx->num_input_requests++ == 0, key, b.data, b.len);
        ctx->pending_keys[ctx->num_pending_keys++] = mcp_strdup(ctx, key);
        buf_dispose(&b);
    }
    *error_message = "the question goes to the client with this round's result";
    return MCP_EREQ_INPUT_REQUIRED;
}

int
mrtr_finish(mcp_ctx_t *ctx, jsonw_t *w)
{
    mcp_exchange_t *ex = ctx->ex;
    if (!ctx->input_allowed)
        return 0;
    if (ctx->missing_capabilities != NULL) {
        buf_t b = BUF_INIT(0);
        buf_printf(&b, "{\"requiredCapabilities\":%s}", ctx->missing_capabilities);
        ctx->error_data = mcp_strdup(ctx, b.data);
        buf_dispose(&b);
        ctx->error_message = MCP_MISSING_CAPABILITY_MESSAGE;
        return MCP_MISSING_CAPABILITY;
    }
    if (ctx->num_input_requests == 0)
        return 0;

    mcp_server_t *s = ex->server;
    unsigned char binding[32];
    request_state_binding(ctx->rpc_method, ctx->rpc_name, ctx->rpc_arguments, ex->identity, binding);
    buf_t payload = BUF_INIT(0), questions = BUF_INIT(0), state = BUF_INIT(0);
    buf_printf(&payload, "{%s}", ctx->used_answers.data != NULL ? ctx->used_answers.data : "");
    buf_printf(&questions, "{%s}", ctx->input_requests.data);
    state_keys_t keys;
    server_state_keys(s, 0, &keys);
    request_state_seal(keys.current, keys.current_len, binding, mcp_now_ms() + s->config->request_state_ttl_ms, payload.data,
                       payload.len, &state);
    explicit_bzero(&keys, sizeof(keys));
    int failed = buf_failed(&ctx->used_answers) || buf_failed(&ctx->input_requests) || buf_failed(&payload) ||
                 buf_failed(&questions) || buf_failed(&state);
    if (!failed) {
        /* always a requestState, even with no answer yet: it binds the next round to this request */
        jsonw_object_begin(w);
        jsonw_key(w, "inputRequests");
        jsonw_raw(w, questions.data, questions.len);
        jsonw_key(w, "requestState");
        jsonw_stringn(w, state.data, state.len);
        era_input_required_end(ex, w);
    }
    buf_dispose(&payload);
    buf_dispose(&questions);
    buf_dispose(&state);
    if (failed) {
        ctx->error_message = "Internal error: the questions or the answers so far are too large";
        return JSONRPC_INTERNAL_ERROR;
    }
    return 1;
}
