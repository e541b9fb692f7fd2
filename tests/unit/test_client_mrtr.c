/*
 * Tests of client/mrtr.c: --elicit, resultType, the answers to each kind of input request, the retry
 * decision, and whole multi round-trip conversations replayed from canned results through the same
 * decisions and request writer the session uses (client/message.c).
 */
#include <string.h>

#include "mcpc_errors.h"
#include "message.h"
#include "mrtr.h"
#include "test.h"

static json_value_t *
parse(arena_t *a, const char *json)
{
    json_value_t *v = NULL;
    CHECK(json_parse(a, json, strlen(json), 64, &v) == 0);
    return v;
}

static void
test_parse_elicit(void)
{
    mcpc_input_policy_t p;
    CHECK(mcpc_mrtr_parse_elicit("decline", &p) == 0 && p.elicit == MCPC_ELICIT_DECLINE && p.elicit_content == NULL);
    CHECK(mcpc_mrtr_parse_elicit("cancel", &p) == 0 && p.elicit == MCPC_ELICIT_CANCEL);
    CHECK(mcpc_mrtr_parse_elicit("{\"name\":\"Ada\"}", &p) == 0 && p.elicit == MCPC_ELICIT_ACCEPT);
    CHECK_STR(p.elicit_content, "{\"name\":\"Ada\"}");
    CHECK(mcpc_mrtr_parse_elicit("{}", &p) == 0 && p.elicit == MCPC_ELICIT_ACCEPT);
    static const char *const refused[] = {"", "accept", "Decline", "[1]", "\"x\"", "{", "{} {}", "null"};
    for (size_t i = 0; i != sizeof(refused) / sizeof(refused[0]); ++i)
        CHECK(mcpc_mrtr_parse_elicit(refused[i], &p) != 0);
}

static void
test_result_type(void)
{
    arena_t a;
    arena_init(&a, 0);
    CHECK_STR(mcpc_mrtr_result_type(parse(&a, "{\"content\":[]}")), "complete"); /* absent: what earlier servers send */
    CHECK_STR(mcpc_mrtr_result_type(parse(&a, "{\"resultType\":\"complete\"}")), "complete");
    CHECK_STR(mcpc_mrtr_result_type(parse(&a, "{\"resultType\":\"input_required\"}")), "input_required");
    CHECK_STR(mcpc_mrtr_result_type(parse(&a, "{\"resultType\":\"task\"}")), "task");
    CHECK(mcpc_mrtr_result_type(parse(&a, "{\"resultType\":5}")) == NULL);
    CHECK(mcpc_mrtr_method_allows("tools/call") && mcpc_mrtr_method_allows("prompts/get") &&
          mcpc_mrtr_method_allows("resources/read"));
    CHECK(!mcpc_mrtr_method_allows("tools/list") && !mcpc_mrtr_method_allows("server/discover") &&
          !mcpc_mrtr_method_allows("completion/complete"));
    arena_dispose(&a);
}

/* Answers result_json: returns the status, the inputResponses in responses, the report in report (static buffers). */
static int
answer(const char *result_json, const char *elicit, char *responses, char *state, char *report)
{
    arena_t a;
    arena_init(&a, 0);
    mcpc_input_policy_t policy = {0};
    if (elicit != NULL)
        CHECK(mcpc_mrtr_parse_elicit(elicit, &policy) == 0);
    mcpc_mrtr_round_t round;
    mcpc_mrtr_round_init(&round);
    char err[512] = "";
    int ret = mcpc_mrtr_answer(parse(&a, result_json), &policy, &round, err, sizeof(err));
    CHECK(ret == 0 || err[0] != '\0');
    snprintf(responses, 1024, "%s", round.responses.data != NULL ? round.responses.data : "");
    snprintf(state, 1024, "%s", round.has_state ? (round.state.data != NULL ? round.state.data : "") : "(none)");
    snprintf(report, 1024, "%s", ret == 0 ? (round.report.data != NULL ? round.report.data : "") : err);
    mcpc_mrtr_round_dispose(&round);
    arena_dispose(&a);
    return ret;
}

static void
test_answers(void)
{
    char responses[1024], state[1024], report[1024];
    const char *elicit = "{\"resultType\":\"input_required\",\"inputRequests\":{\"who\":{\"method\":\"elicitation/create\","
                         "\"params\":{\"mode\":\"form\",\"message\":\"Your name?\",\"requestedSchema\":{\"type\":\"object\"}}}}}";

    /* roots: none */
    CHECK(
        answer("{\"resultType\":\"input_required\",\"inputRequests\":{\"client_roots\":{\"method\":\"roots/list\",\"params\":{}}},"
               "\"requestState\":\"s1\"}",
               NULL, responses, state, report) == 0);
    CHECK_STR(responses, "{\"client_roots\":{\"roots\":[]}}");
    CHECK_STR(state, "s1");
    CHECK_STR(report, "  roots/list (client_roots): answered with no roots\n");

    /* elicitation: declined by default, cancelled, or accepted with the given content */
    CHECK(answer(elicit, NULL, responses, state, report) == 0);
    CHECK_STR(responses, "{\"who\":{\"action\":\"decline\"}}");
    CHECK_STR(state, "(none)");
    CHECK_STR(report, "  elicitation/create (who) \"Your name?\": declined (--elicit answers with content)\n");
    CHECK(answer(elicit, "cancel", responses, state, report) == 0);
    CHECK_STR(responses, "{\"who\":{\"action\":\"cancel\"}}");
    CHECK(answer(elicit, "{\"name\":\"Ada\",\"n\":[1]}", responses, state, report) == 0);
    CHECK_STR(responses, "{\"who\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\",\"n\":[1]}}}");
    CHECK_STR(report, "  elicitation/create (who) \"Your name?\": accepted with the --elicit content\n");

    /* a URL-mode elicitation is declined even with content to accept with */
    CHECK(
        answer("{\"resultType\":\"input_required\",\"inputRequests\":{\"u\":{\"method\":\"elicitation/create\","
               "\"params\":{\"mode\":\"url\",\"message\":\"Sign in\",\"url\":\"https://example.com/x\",\"elicitationId\":\"1\"}}}}",
               "{\"a\":1}", responses, state, report) == 0);
    CHECK_STR(responses, "{\"u\":{\"action\":\"decline\"}}");
    CHECK_STR(report, "  elicitation/create (u) \"Sign in\" at https://example.com/x: declined (mcp-client cannot open a URL)\n");

    /* several at once, keys echoed exactly (escapes included), server text cleaned for the report */
    CHECK(answer("{\"resultType\":\"input_required\",\"inputRequests\":{"
                 "\"a\\\"b\":{\"method\":\"roots/list\"},"
                 "\"k\\u001b[2J\":{\"method\":\"elicitation/create\",\"params\":{\"message\":\"evil\\u001b]0;x\\u0007\"}}}}",
                 NULL, responses, state, report) == 0);
    CHECK_STR(responses, "{\"a\\\"b\":{\"roots\":[]},\"k\\u001b[2J\":{\"action\":\"decline\"}}");
    CHECK(strchr(report, '\x1b') == NULL && strchr(report, '\x07') == NULL);

    /* requestState only: nothing to answer, the state is kept byte for byte */
    CHECK(answer("{\"resultType\":\"input_required\",\"requestState\":\"x\\\"y\\\\z \\u00e9\\u2028\"}", NULL, responses, state,
                 report) == 0);
    CHECK_STR(responses, "");
    CHECK_STR(state, "x\"y\\z \xc3\xa9\xe2\x80\xa8");

    /* what mcp-client cannot answer */
    CHECK(answer("{\"resultType\":\"input_required\",\"inputRequests\":{\"roots\":{\"method\":\"roots/list\"},"
                 "\"greeting\":{\"method\":\"sampling/createMessage\",\"params\":{\"messages\":[],\"maxTokens\":5}}}}",
                 NULL, responses, state, report) == MCPC_ERR_RPC);
    CHECK(strstr(report, "sampling/createMessage") != NULL && strstr(report, "greeting") != NULL);
    CHECK(answer("{\"resultType\":\"input_required\",\"inputRequests\":{\"t\":{\"method\":\"tasks/\\u001bget\"}}}", NULL, responses,
                 state, report) == MCPC_ERR_RPC);
    CHECK(strchr(report, '\x1b') == NULL);

    /* malformed */
    static const char *const malformed[] = {
        "{\"resultType\":\"input_required\"}",
        "{\"resultType\":\"input_required\",\"inputRequests\":[]}",
        "{\"resultType\":\"input_required\",\"inputRequests\":{\"a\":{}}}",
        "{\"resultType\":\"input_required\",\"inputRequests\":{\"a\":{\"method\":5}}}",
        "{\"resultType\":\"input_required\",\"inputRequests\":{\"a\":\"roots/list\"}}",
        "{\"resultType\":\"input_required\",\"requestState\":5}",
        "{\"resultType\":\"input_required\",\"inputRequests\":{},\"requestState\":{}}",
    };
    for (size_t i = 0; i != sizeof(malformed) / sizeof(malformed[0]); ++i) {
        int ret = answer(malformed[i], NULL, responses, state, report);
        if (ret != MCPC_ERR_BAD_MESSAGE)
            fprintf(stderr, "  malformed case %zu: %d\n", i, ret);
        CHECK(ret == MCPC_ERR_BAD_MESSAGE);
    }
}

/* mcpc_mrtr_next() on result_json as the n-th request of method. */
static int
next(const char *method, const char *result_json, int n)
{
    arena_t a;
    arena_init(&a, 0);
    mcpc_input_policy_t policy = {0};
    mcpc_mrtr_round_t round;
    mcpc_mrtr_round_init(&round);
    char err[512] = "";
    int ret = mcpc_mrtr_next(method, parse(&a, result_json), n, &policy, &round, err, sizeof(err));
    CHECK(ret >= 0 || err[0] != '\0');
    mcpc_mrtr_round_dispose(&round);
    arena_dispose(&a);
    return ret;
}

static void
test_next(void)
{
    const char *roots = "{\"resultType\":\"input_required\",\"inputRequests\":{\"r\":{\"method\":\"roots/list\"}}}";
    CHECK(next("tools/call", "{\"content\":[]}", 1) == MCPC_MRTR_COMPLETE);
    CHECK(next("tools/list", "{\"resultType\":\"complete\",\"tools\":[]}", 1) == MCPC_MRTR_COMPLETE);
    CHECK(next("tools/call", roots, 1) == MCPC_MRTR_RETRY);
    CHECK(next("resources/read", roots, MCPC_MRTR_MAX_ROUNDS - 1) == MCPC_MRTR_RETRY);
    CHECK(next("prompts/get", roots, MCPC_MRTR_MAX_ROUNDS) == MCPC_ERR_RPC);
    CHECK(next("tools/list", roots, 1) == MCPC_ERR_BAD_MESSAGE);
    CHECK(next("server/discover", roots, 1) == MCPC_ERR_BAD_MESSAGE);
    CHECK(next("tools/call", "{\"resultType\":\"task\",\"taskId\":\"t\"}", 1) == MCPC_ERR_BAD_MESSAGE);
    CHECK(next("tools/call", "{\"resultType\":null}", 1) == MCPC_ERR_BAD_MESSAGE);
    CHECK(next("tools/call",
               "{\"resultType\":\"input_required\",\"inputRequests\":{\"s\":{\"method\":\"sampling/createMessage\"}}}",
               1) == MCPC_ERR_RPC);
}

/*
 * Replays a conversation: results[i] answers the i-th request. Writes each request as the session does
 * (the answers of the previous round, a new id each time) into requests[i]. Returns what the last
 * decision was, and how many requests were sent in *sent.
 */
static int
converse(const char *method, const char *params_json, const char *const *results, size_t num_results, const char *elicit,
         char requests[][1024], int *sent)
{
    arena_t a;
    arena_init(&a, 0);
    mcpc_input_policy_t policy = {0};
    if (elicit != NULL)
        mcpc_mrtr_parse_elicit(elicit, &policy);
    json_value_t *params = parse(&a, params_json);
    mcpc_mrtr_round_t round;
    mcpc_mrtr_round_init(&round);
    int ret = MCPC_MRTR_RETRY;
    char err[512];
    for (int n = 1; ret == MCPC_MRTR_RETRY && (size_t)n <= num_results; ++n) {
        mcpc_message_t m = {
            .id = 100 + n,
            .method = method,
            .params = params,
            .progress = 1,
            .protocol_version = "2026-07-28",
            .capabilities = MCPC_MRTR_CAPABILITIES,
            .input_responses = round.responses.len != 0 ? round.responses.data : NULL,
            .request_state = round.has_state ? round.state.data : NULL,
            .request_state_len = round.state.len,
        };
        buf_t body = BUF_INIT(0);
        mcpc_message_write(&body, &m);
        snprintf(requests[n - 1], 1024, "%s", body.data);
        buf_dispose(&body);
        *sent = n;
        ret = mcpc_mrtr_next(method, parse(&a, results[n - 1]), n, &policy, &round, err, sizeof(err));
    }
    mcpc_mrtr_round_dispose(&round);
    arena_dispose(&a);
    return ret;
}

#define META_2026(id)                                                                                                              \
    "\"_meta\":{\"progressToken\":" #id ",\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                             \
    "\"io.modelcontextprotocol/clientCapabilities\":{\"roots\":{},\"elicitation\":{\"form\":{}}},"                                 \
    "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"mcp-client\",\"version\":\"0.1.0\"}}"

static void
test_conversations(void)
{
    char requests[MCPC_MRTR_MAX_ROUNDS + 1][1024];
    int sent = 0;

    /* elicitation with state, then state only, then the result: answers go to the next request only */
    const char *const three[] = {
        ("{\"resultType\":\"input_required\",\"inputRequests\":{\"step1\":{\"method\":\"elicitation/create\","
         "\"params\":{\"message\":\"Name?\"}}},\"requestState\":\"s-1\"}"),
        "{\"resultType\":\"input_required\",\"requestState\":\"s-2\"}",
        "{\"resultType\":\"complete\",\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}",
    };
    CHECK(converse("tools/call", "{\"name\":\"t\",\"arguments\":{\"a\":1}}", three, 3, "{\"name\":\"Ada\"}", requests, &sent) ==
          MCPC_MRTR_COMPLETE);
    CHECK(sent == 3);
    CHECK_STR(requests[0], "{\"jsonrpc\":\"2.0\",\"id\":101,\"method\":\"tools/call\",\"params\":{" META_2026(
                               101) ",\"name\":\"t\",\"arguments\":{\"a\":1}}}");
    CHECK_STR(requests[1], "{\"jsonrpc\":\"2.0\",\"id\":102,\"method\":\"tools/call\",\"params\":{" META_2026(
                               102) ",\"name\":\"t\",\"arguments\":{\"a\":1},"
                                    "\"inputResponses\":{\"step1\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}},"
                                    "\"requestState\":\"s-1\"}}");
    CHECK_STR(requests[2], "{\"jsonrpc\":\"2.0\",\"id\":103,\"method\":\"tools/call\",\"params\":{" META_2026(
                               103) ",\"name\":\"t\",\"arguments\":{\"a\":1},\"requestState\":\"s-2\"}}");

    /* no requestState given: none is sent back */
    const char *const roots[] = {
        "{\"resultType\":\"input_required\",\"inputRequests\":{\"r\":{\"method\":\"roots/list\"}}}",
        "{\"resultType\":\"complete\",\"messages\":[]}",
    };
    CHECK(converse("prompts/get", "{\"name\":\"p\"}", roots, 2, NULL, requests, &sent) == MCPC_MRTR_COMPLETE);
    CHECK(sent == 2);
    CHECK(strstr(requests[1], "\"inputResponses\":{\"r\":{\"roots\":[]}}") != NULL);
    CHECK(strstr(requests[1], "requestState") == NULL);

    /* a server that never stops asking is given up on after the last allowed request */
    const char *endless[MCPC_MRTR_MAX_ROUNDS + 1];
    for (size_t i = 0; i != MCPC_MRTR_MAX_ROUNDS + 1; ++i)
        endless[i] = "{\"resultType\":\"input_required\",\"requestState\":\"again\"}";
    CHECK(converse("resources/read", "{\"uri\":\"u\"}", endless, MCPC_MRTR_MAX_ROUNDS + 1, NULL, requests, &sent) == MCPC_ERR_RPC);
    CHECK(sent == MCPC_MRTR_MAX_ROUNDS);

    /* sampling stops the conversation at once */
    const char *const sampling[] = {
        "{\"resultType\":\"input_required\",\"inputRequests\":{\"s\":{\"method\":\"sampling/"
        "createMessage\"}},\"requestState\":\"x\"}",
        "{\"resultType\":\"complete\"}",
    };
    CHECK(converse("tools/call", "{\"name\":\"t\"}", sampling, 2, NULL, requests, &sent) == MCPC_ERR_RPC);
    CHECK(sent == 1);
}

int
main(void)
{
    RUN(test_parse_elicit);
    RUN(test_result_type);
    RUN(test_answers);
    RUN(test_next);
    RUN(test_conversations);
    return TEST_REPORT("test_client_mrtr");
}
