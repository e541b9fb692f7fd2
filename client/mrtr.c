/* mrtr.c: answering a modern server's input requests (mrtr.h). */
#include "mrtr.h"

#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "mcpc_errors.h"
#include "text.h"

#define MAX_ELICIT_JSON_DEPTH 64
#define SHOWN_KEY_BYTES 64
#define SHOWN_TEXT_BYTES 200

static const char *const elicit_action_names[] = {
    [MCPC_ELICIT_DECLINE] = "decline",
    [MCPC_ELICIT_CANCEL] = "cancel",
    [MCPC_ELICIT_ACCEPT] = "accept",
};

int
mcpc_mrtr_parse_elicit(const char *arg, mcpc_input_policy_t *policy)
{
    *policy = (mcpc_input_policy_t){MCPC_ELICIT_DECLINE, NULL};
    if (strcmp(arg, "decline") == 0)
        return 0;
    if (strcmp(arg, "cancel") == 0) {
        policy->elicit = MCPC_ELICIT_CANCEL;
        return 0;
    }
    arena_t scratch;
    arena_init(&scratch, 0);
    json_value_t *v;
    int object = json_parse(&scratch, arg, strlen(arg), MAX_ELICIT_JSON_DEPTH, &v) == 0 && v->type == JSON_OBJECT;
    arena_dispose(&scratch);
    if (!object)
        return -1;
    *policy = (mcpc_input_policy_t){MCPC_ELICIT_ACCEPT, arg};
    return 0;
}

const char *
mcpc_mrtr_result_type(const json_value_t *result)
{
    const json_value_t *type = json_get(result, "resultType");
    return type == NULL ? "complete" : json_string(type);
}

int
mcpc_mrtr_method_allows(const char *method)
{
    static const char *const methods[] = {"tools/call", "prompts/get", "resources/read", NULL};
    for (const char *const *m = methods; *m != NULL; ++m)
        if (strcmp(*m, method) == 0)
            return 1;
    return 0;
}

void
mcpc_mrtr_round_init(mcpc_mrtr_round_t *round)
{
    buf_init(&round->responses, 0);
    buf_init(&round->state, 0);
    buf_init(&round->report, 0);
    round->has_state = 0;
}

void
mcpc_mrtr_round_dispose(mcpc_mrtr_round_t *round)
{
    buf_dispose(&round->responses);
    buf_dispose(&round->state);
    buf_dispose(&round->report);
}

/* A buffer's text, "" when it is empty. */
static const char *
text_of(const buf_t *b)
{
    return b->data != NULL ? b->data : "";
}

/* ---- one answer per method ---- */

/* Writes the answer to one input request (params may be NULL) and a note on what it was. */
typedef void (*answer_cb)(jsonw_t *w, const json_value_t *params, const mcpc_input_policy_t *policy, buf_t *note);

static void
answer_roots(jsonw_t *w, const json_value_t *params, const mcpc_input_policy_t *policy, buf_t *note)
{
    (void)params;
    (void)policy;
    jsonw_object_begin(w);
    jsonw_key(w, "roots");
    jsonw_array_begin(w);
    jsonw_array_end(w);
    jsonw_object_end(w);
    buf_append_str(note, ": answered with no roots");
}

static void
answer_elicitation(jsonw_t *w, const json_value_t *params, const mcpc_input_policy_t *policy, buf_t *note)
{
    const char *mode = json_string(json_get(params, "mode")), *message = json_string(json_get(params, "message"));
    const char *url = json_string(json_get(params, "url"));
    int url_mode = mode != NULL && strcmp(mode, "url") == 0;
    mcpc_elicit_action_t action = url_mode ? MCPC_ELICIT_DECLINE : policy->elicit;
    if (message != NULL) {
        buf_append_str(note, " \"");
        mcpc_text_snippet(note, message, strlen(message), SHOWN_TEXT_BYTES);
        buf_append_char(note, '"');
    }
    if (url_mode && url != NULL) {
        buf_append_str(note, " at ");
        mcpc_text_snippet(note, url, strlen(url), SHOWN_TEXT_BYTES);
    }
    jsonw_object_begin(w);
    jsonw_kv_string(w, "action", elicit_action_names[action]);
    if (action == MCPC_ELICIT_ACCEPT)
        jsonw_kv_raw(w, "content", policy->elicit_content);
    jsonw_object_end(w);
    if (url_mode)
        buf_append_str(note, ": declined (mcp-client cannot open a URL)");
    else if (action == MCPC_ELICIT_ACCEPT)
        buf_append_str(note, ": accepted with the --elicit content");
    else
        buf_printf(note, ": %s (--elicit answers with content)", action == MCPC_ELICIT_CANCEL ? "cancelled" : "declined");
}

/*
 * The input requests mcp-client knows.
 *   method   as in inputRequests
 *   answer   writes the answer; NULL when mcp-client cannot answer
 *   why_not  when answer is NULL: why
 */
static const struct {
    const char *method;
    answer_cb answer;
    const char *why_not;
} answerers[] = {
    {"roots/list", answer_roots, NULL},
    {"elicitation/create", answer_elicitation, NULL},
    {"sampling/createMessage", NULL, "mcp-client has no language model to sample"},
};

int
mcpc_mrtr_answer(const json_value_t *result, const mcpc_input_policy_t *policy, mcpc_mrtr_round_t *round, char *err, size_t err_len)
{
    const json_value_t *requests = json_get(result, "inputRequests"), *state = json_get(result, "requestState");
    buf_reset(&round->responses);
    buf_reset(&round->state);
    buf_reset(&round->report);
    round->has_state = 0;
    if ((requests != NULL && requests->type != JSON_OBJECT) || (state != NULL && json_string(state) == NULL) ||
        (requests == NULL && state == NULL)) {
        snprintf(err, err_len, "%s: an input_required result needs an inputRequests object or a requestState string",
                 mcpc_strerror(MCPC_ERR_BAD_MESSAGE));
        return MCPC_ERR_BAD_MESSAGE;
    }
    if (state != NULL) {
        buf_append(&round->state, state->u.str.ptr, state->u.str.len);
        round->has_state = 1;
    }
    if (requests == NULL) {
        buf_append_str(&round->report, "  no input requests, only requestState: sending the request again\n");
        return 0;
    }
    jsonw_t w;
    jsonw_init(&w, &round->responses);
    jsonw_object_begin(&w);
    for (size_t i = 0; i != requests->u.obj.len; ++i) {
        const json_member_t *m = &requests->u.obj.items[i];
        const char *method = json_string(json_get(m->value, "method"));
        buf_t key = BUF_INIT(0);
        mcpc_text_snippet(&key, m->key, m->key_len, SHOWN_KEY_BYTES);
        if (method == NULL) {
            snprintf(err, err_len, "%s: input request '%s' has no method", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), text_of(&key));
            buf_dispose(&key);
            return MCPC_ERR_BAD_MESSAGE;
        }
        size_t row = 0, num_rows = sizeof(answerers) / sizeof(answerers[0]);
        while (row != num_rows && strcmp(answerers[row].method, method) != 0)
            ++row;
        if (row == num_rows || answerers[row].answer == NULL) {
            buf_t shown = BUF_INIT(0);
            mcpc_text_snippet(&shown, method, strlen(method), SHOWN_KEY_BYTES);
            snprintf(err, err_len, "the server needs %s (input request '%s'), which mcp-client cannot answer: %s", text_of(&shown),
                     text_of(&key), row != num_rows ? answerers[row].why_not : "it does not know that method");
            buf_dispose(&shown);
            buf_dispose(&key);
            return MCPC_ERR_RPC;
        }
        /* a known method, so it is safe to show as it is */
        buf_printf(&round->report, "  %s (%s)", answerers[row].method, text_of(&key));
        jsonw_keyn(&w, m->key, m->key_len);
        answerers[row].answer(&w, json_get(m->value, "params"), policy, &round->report);
        buf_append_char(&round->report, '\n');
        buf_dispose(&key);
    }
    jsonw_object_end(&w);
    return 0;
}

int
mcpc_mrtr_next(const char *method, const json_value_t *result, int n, const mcpc_input_policy_t *policy, mcpc_mrtr_round_t *round,
               char *err, size_t err_len)
{
    const char *type = mcpc_mrtr_result_type(result);
    if (type != NULL && strcmp(type, "complete") == 0)
        return MCPC_MRTR_COMPLETE;
    if (type == NULL || strcmp(type, "input_required") != 0) {
        snprintf(err, err_len, "%s: the %s result's resultType is %s", mcpc_strerror(MCPC_ERR_BAD_MESSAGE), method,
                 type == NULL ? "not a string" : "one mcp-client does not know");
        return MCPC_ERR_BAD_MESSAGE;
    }
    if (!mcpc_mrtr_method_allows(method)) {
        snprintf(err, err_len, "%s: the server asked for input in answer to %s, which cannot take any",
                 mcpc_strerror(MCPC_ERR_BAD_MESSAGE), method);
        return MCPC_ERR_BAD_MESSAGE;
    }
    if (n >= MCPC_MRTR_MAX_ROUNDS) {
        snprintf(err, err_len, "%s: the server still needed input after %d requests; mcp-client gives up", method, n);
        return MCPC_ERR_RPC;
    }
    char why[400];
    int ret = mcpc_mrtr_answer(result, policy, round, why, sizeof(why));
    if (ret != 0) {
        snprintf(err, err_len, "%s: %s", method, why);
        return ret;
    }
    return MCPC_MRTR_RETRY;
}
