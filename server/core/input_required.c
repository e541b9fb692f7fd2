/* input_required.c: 2026-07-28 multi round-trip requests; see input_required.h. Nothing is kept on the server
 * between rounds, which is what lets a round land on any instance, and lets a buffered Lambda ask at all. */
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_required.h"
#include "request_state.h"
#include "server.h"
#include "log.h"

#define MAX_KEY_LEN 64
#define MAX_QUESTIONS 64 /* a handler's questions to the client over all rounds of one request */

struct st_input_round_t {
    const mcp_request_t *req;
    const char *rpc_method; /* with name and arguments, what a requestState is bound to */
    const char *rpc_name;
    const json_value_t *rpc_arguments;
    const json_value_t *prior_answers;   /* from the verified requestState (an object), or NULL */
    const json_value_t *input_responses; /* the retry's inputResponses (an object), or NULL */
    unsigned next_input_key;             /* keys r0, r1, ... for unnamed requests */
    buf_t input_requests;                /* "key":{"method":..,"params":..}, comma-separated */
    size_t num_input_requests;
    buf_t used_answers; /* "key":answer of the answers this run used, carried into the next requestState */
    const char *used_keys[MAX_QUESTIONS];
    size_t num_used_keys;
    const char *pending_keys[MAX_QUESTIONS];
    size_t num_pending_keys;
    const char *missing_capabilities; /* JSON object for -32021's data.requiredCapabilities */
};

struct open_args {
    const unsigned char *binding;
    const char *state;
    size_t len;
    buf_t *payload;
};

static int
open_under(const unsigned char *key, size_t key_len, void *arg)
{
    struct open_args *a = arg;
    return request_state_open(key, key_len, a->binding, mcp_now_ms(), a->state, a->len, a->payload);
}

/* Opens a state under the current key, else the previous one, else the keys a re-read of the key source gives. */
static int
open_state(mcp_server_t *s, const unsigned char binding[32], const char *state, size_t len, buf_t *payload)
{
    struct open_args a = {binding, state, len, payload};
    return server_open_sealed(s, SERVER_KEYS_REQUEST_STATE, REQUEST_STATE_FORGED, open_under, &a);
}

int
input_required_begin(mcp_ctx_t *ctx, const mcp_call_t *call, const char *name, const json_value_t *arguments, mcp_rpc_error_t *e)
{
    const mcp_request_t *req = call->req;
    if (req->era != MCP_ERA_MODERN || !call->method->input_required)
        return 0;
    input_round_t *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return rpc_error_set(e, JSONRPC_INTERNAL_ERROR, "Internal error", NULL);
    ctx_set_round(ctx, r); /* freed with the context */
    const mcp_config_t *cfg = server_config(req->server);
    r->req = req;
    r->rpc_method = call->method->name;
    r->rpc_name = name;
    r->rpc_arguments = arguments;
    buf_init(&r->input_requests, cfg->max_body_bytes);
    buf_init(&r->used_answers, cfg->max_body_bytes / 2);

    const json_value_t *responses = json_get(call->params, "inputResponses");
    if (responses != NULL) {
        int valid = responses->type == JSON_OBJECT;
        /* each answer is a result object (ElicitResult, CreateMessageResult, ListRootsResult) */
        for (size_t i = 0; valid && i != responses->u.obj.len; ++i)
            valid = responses->u.obj.items[i].value->type == JSON_OBJECT;
        if (!valid)
            return rpc_error_set(e, JSONRPC_INVALID_PARAMS,
                                 "Invalid params: inputResponses must be an object whose values are the client's results", NULL);
        r->input_responses = responses;
    }
    const json_value_t *state = json_get(call->params, "requestState");
    if (state == NULL)
        return 0;
    static const char refused[] = "Invalid params: requestState is invalid, has expired, or belongs to another request";
    if (state->type != JSON_STRING)
        return rpc_error_set(e, JSONRPC_INVALID_PARAMS, refused, NULL);
    unsigned char binding[32];
    request_state_binding(r->rpc_method, name, arguments, req->identity, binding);
    buf_t payload = BUF_INIT(cfg->max_body_bytes);
    int ret = open_state(req->server, binding, state->u.str.ptr, state->u.str.len, &payload);
    json_value_t *answers = NULL;
    if (ret == 0 && (ctx_parse_json(ctx, payload.data, payload.len, &answers) != 0 || answers->type != JSON_OBJECT))
        ret = REQUEST_STATE_MALFORMED;
    buf_dispose(&payload);
    if (ret != 0) {
        log_msg(LOG_INFO, "request_state_refused", "%s",
                ret == REQUEST_STATE_EXPIRED  ? "expired"
                : ret == REQUEST_STATE_FORGED ? "does not verify"
                                              : "malformed");
        return rpc_error_set(e, JSONRPC_INVALID_PARAMS, refused, NULL);
    }
    r->prior_answers = answers;
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
input_required_ask(input_round_t *r, mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json,
                   const json_value_t **result, const char **error_message)
{
    const char *unused;
    if (error_message == NULL)
        error_message = &unused;
    *result = NULL;
    if (r == NULL) {
        *error_message = "only tools/call, prompts/get and resources/read may ask the client (2026-07-28)";
        return MCP_EREQ_UNSUPPORTED;
    }
    json_value_t *params = NULL;
    const char *capability = NULL;
    if (params_json != NULL && (ctx_parse_json(ctx, params_json, strlen(params_json), &params) != 0 || params->type != JSON_OBJECT))
        params = NULL;
    if ((params_json != NULL && params == NULL) || (capability = required_capability(method, params)) == NULL) {
        *error_message = "not a question a client can be asked (sampling/createMessage, elicitation/create, roots/list)";
        return MCP_EREQ_UNSUPPORTED;
    }
    char auto_key[16];
    if (key == NULL) {
        snprintf(auto_key, sizeof(auto_key), "r%u", r->next_input_key++);
        key = auto_key;
    } else if (!valid_key(key)) {
        *error_message = "invalid question key";
        return MCP_EREQ_UNSUPPORTED;
    }

    /* never ask what the client has not said it can answer */
    json_value_t *required;
    if (ctx_parse_json(ctx, capability, strlen(capability), &required) != 0) {
        *error_message = "out of memory";
        return MCP_EREQ_UNSUPPORTED;
    }
    buf_t missing = BUF_INIT(4096);
    if (!era_client_has(r->req->client_capabilities, required, &missing)) {
        if (r->missing_capabilities == NULL)
            r->missing_capabilities = mcp_strdup(ctx, missing.data);
        buf_dispose(&missing);
        *error_message = "the client did not declare the capability this question needs";
        return MCP_EREQ_NO_CAPABILITY;
    }
    buf_dispose(&missing);

    /* the requestState's answers are the server's record of earlier rounds, so they win over the retry's */
    const json_value_t *answer = json_get(r->prior_answers, key);
    if (answer == NULL)
        answer = json_get(r->input_responses, key);
    if (answer != NULL) {
        if (!listed(r->used_keys, r->num_used_keys, key)) {
            /* an answer the next requestState cannot carry would be asked for again and again */
            if (r->num_used_keys == MAX_QUESTIONS) {
                *error_message = "too many questions in one request";
                return MCP_EREQ_UNSUPPORTED;
            }
            buf_t b = BUF_INIT(0);
            jsonw_t w;
            jsonw_init(&w, &b);
            jsonw_value(&w, answer);
            append_member(&r->used_answers, r->num_used_keys == 0, key, b.data, b.len);
            r->used_keys[r->num_used_keys++] = mcp_strdup(ctx, key);
            buf_dispose(&b);
        }
        *result = answer;
        return 0;
    }
    if (!listed(r->pending_keys, r->num_pending_keys, key)) {
        if (r->num_pending_keys == MAX_QUESTIONS) {
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
        append_member(&r->input_requests, r->num_input_requests++ == 0, key, b.data, b.len);
        r->pending_keys[r->num_pending_keys++] = mcp_strdup(ctx, key);
        buf_dispose(&b);
    }
    *error_message = "the question goes to the client with this round's result";
    return MCP_EREQ_INPUT_REQUIRED;
}

mcp_outcome_t
input_required_finish(input_round_t *r, mcp_ctx_t *ctx, jsonw_t *w, mcp_rpc_error_t *e)
{
    if (r == NULL)
        return MCP_OUTCOME_DONE;
    if (r->missing_capabilities != NULL) {
        buf_t b = BUF_INIT(0);
        buf_printf(&b, "{\"requiredCapabilities\":%s}", r->missing_capabilities);
        rpc_error_set(e, MCP_MISSING_CAPABILITY, MCP_MISSING_CAPABILITY_MESSAGE, mcp_strdup(ctx, b.data));
        buf_dispose(&b);
        return MCP_OUTCOME_DONE;
    }
    if (r->num_input_requests == 0)
        return MCP_OUTCOME_DONE;

    const mcp_request_t *req = r->req;
    unsigned char binding[32];
    request_state_binding(r->rpc_method, r->rpc_name, r->rpc_arguments, req->identity, binding);
    buf_t payload = BUF_INIT(0), questions = BUF_INIT(0), state = BUF_INIT(0);
    buf_printf(&payload, "{%s}", r->used_answers.data != NULL ? r->used_answers.data : "");
    buf_printf(&questions, "{%s}", r->input_requests.data);
    state_keys_t keys;
    server_keys(req->server, SERVER_KEYS_REQUEST_STATE, 0, &keys);
    request_state_seal(keys.current, keys.current_len, binding, mcp_now_ms() + server_config(req->server)->request_state_ttl_ms,
                       payload.data, payload.len, &state);
    OPENSSL_cleanse(&keys, sizeof(keys));
    int failed = buf_failed(&r->used_answers) || buf_failed(&r->input_requests) || buf_failed(&payload) || buf_failed(&questions) ||
                 buf_failed(&state);
    if (!failed) {
        /* always a requestState, even with no answer yet: it binds the next round to this request */
        jsonw_object_begin(w);
        jsonw_key(w, "inputRequests");
        jsonw_raw(w, questions.data, questions.len);
        jsonw_key(w, "requestState");
        jsonw_stringn(w, state.data, state.len);
        era_input_required_end(req, w);
    }
    buf_dispose(&payload);
    buf_dispose(&questions);
    buf_dispose(&state);
    if (failed) {
        rpc_error_set(e, JSONRPC_INTERNAL_ERROR, "Internal error: the questions or the answers so far are too large", NULL);
        return MCP_OUTCOME_DONE;
    }
    return MCP_OUTCOME_INPUT_REQUIRED;
}

int
input_required_questions(input_round_t *r, mcp_ctx_t *ctx, buf_t *out, mcp_rpc_error_t *e)
{
    if (r == NULL)
        return 0;
    if (r->missing_capabilities != NULL) {
        buf_t b = BUF_INIT(0);
        buf_printf(&b, "{\"requiredCapabilities\":%s}", r->missing_capabilities);
        rpc_error_set(e, MCP_MISSING_CAPABILITY, MCP_MISSING_CAPABILITY_MESSAGE, mcp_strdup(ctx, b.data));
        buf_dispose(&b);
        return 0;
    }
    if (r->num_input_requests == 0)
        return 0;
    buf_printf(out, "{%s}", r->input_requests.data);
    return (int)r->num_input_requests;
}

void
input_required_used_answers(const input_round_t *r, buf_t *out)
{
    if (r != NULL && r->num_used_keys != 0)
        buf_printf(out, "{%s}", r->used_answers.data);
}

void
input_required_set_answers(input_round_t *r, const json_value_t *answers)
{
    if (r != NULL)
        r->input_responses = answers;
}

int
input_required_resumed(const input_round_t *r)
{
    return r != NULL && r->prior_answers != NULL;
}

void
input_required_dispose(input_round_t *r)
{
    if (r == NULL)
        return;
    buf_dispose(&r->input_requests);
    buf_dispose(&r->used_answers);
    free(r);
}
