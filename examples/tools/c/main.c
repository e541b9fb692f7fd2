/*
 * A registered tool written in C: a Lambda custom runtime (the Runtime API loop of common/lambda_runtime.h), no MCP
 * library. It follows Amazon Bedrock AgentCore Gateway's contract for Lambda targets: the event is the tool's
 * arguments, and the tool's name arrives in the client context (the Lambda-Runtime-Client-Context header of the
 * Runtime API, JSON) as custom.bedrockAgentCoreToolName, "<target>___<tool>". It serves one tool, reverse_text:
 * {"text": "abc"} -> {"reversed": "cba"} (plain JSON; the server makes it the result's text, and its structured
 * content when the record declares an output schema). Anything else is a function error, which the server turns
 * into the tool's isError result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"
#include "jsonw.h"
#include "lambda_runtime.h"

/* The tool's name without its target, or NULL. */
static const char *
tool_name(arena_t *a, const char *client_context)
{
    json_value_t *cc;
    if (client_context[0] == '\0' || json_parse_lenient(a, client_context, strlen(client_context), 16, &cc) != 0)
        return NULL;
    const char *full = json_string(json_get(json_get(cc, "custom"), "bedrockAgentCoreToolName"));
    const char *sep = full != NULL ? strstr(full, "___") : NULL;
    return sep != NULL ? sep + 3 : NULL;
}

static void
handle(lambda_runtime_t *rt, const lambda_invocation_t *inv)
{
    arena_t a;
    arena_init(&a, 8u << 20);
    const char *tool = tool_name(&a, inv->client_context);
    json_value_t *event = NULL;
    if (tool == NULL || strcmp(tool, "reverse_text") != 0) {
        lambda_runtime_report_error(rt, inv->request_id, "UnknownTool", "this function serves the tool reverse_text only");
    } else if (json_parse_lenient(&a, inv->event, inv->event_len, 64, &event) != 0 ||
               json_string(json_get(event, "text")) == NULL) {
        lambda_runtime_report_error(rt, inv->request_id, "BadArguments", "text must be a string");
    } else {
        const json_value_t *text = json_get(event, "text");
        /* reversed by code point, so UTF-8 stays valid */
        char *out = malloc(text->u.str.len + 1);
        size_t n = text->u.str.len, o = 0;
        for (size_t end = n; end > 0;) {
            size_t start = end - 1;
            while (start > 0 && ((unsigned char)text->u.str.ptr[start] & 0xC0) == 0x80)
                --start;
            memcpy(out + o, text->u.str.ptr + start, end - start);
            o += end - start;
            end = start;
        }
        buf_t body = BUF_INIT(0);
        jsonw_t w;
        jsonw_init(&w, &body);
        jsonw_object_begin(&w);
        jsonw_key(&w, "reversed");
        jsonw_stringn(&w, out, o);
        jsonw_object_end(&w);
        lambda_runtime_respond(rt, inv->request_id, body.data, body.len);
        buf_dispose(&body);
        free(out);
    }
    arena_dispose(&a);
}

int
main(void)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    lambda_runtime_t rt;
    if (api == NULL || lambda_runtime_init(&rt, api) != 0) {
        fprintf(stderr, "example-c-tool: runs as a Lambda function (AWS_LAMBDA_RUNTIME_API)\n");
        return 2;
    }
    for (;;) {
        lambda_invocation_t inv;
        if (lambda_runtime_next(&rt, &inv) != 0)
            break;
        handle(&rt, &inv);
        lambda_invocation_dispose(&inv);
    }
    lambda_runtime_dispose(&rt);
    return 1;
}
