/*
 * test_prompt_with_arguments: a message quoting both arguments (conformance scenario
 * prompts-get-with-args); arg1 completes from a short list (scenario completion-complete).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mcp.h"

static const mcp_prompt_arg_t arguments[] = {
    {.name = "arg1", .description = "First test argument", .required = 1},
    {.name = "arg2", .description = "Second test argument", .required = 1},
    {NULL},
};

static const char *const arg1_values[] = {"test", "testValue1", "testValue2", "testing", "example", "sample", NULL};

static int
get_prompt_with_arguments(mcp_ctx_t *ctx, const json_value_t *args)
{
    static const char fmt[] = "Prompt with arguments: arg1='%s', arg2='%s'";
    const char *arg1 = json_string(json_get(args, "arg1")), *arg2 = json_string(json_get(args, "arg2"));
    size_t size = sizeof(fmt) + strlen(arg1) + strlen(arg2);
    char *text = mcp_alloc(ctx, size);
    if (text == NULL)
        return 1;
    snprintf(text, size, fmt, arg1, arg2);
    mcp_prompt_text(ctx, "user", text);
    return 0;
}

/* Case-insensitive prefix match, so "TE" finds "testValue1" too. */
static int
complete_prompt_with_arguments(mcp_ctx_t *ctx, const char *argument, const char *value, const json_value_t *context)
{
    (void)context;
    if (strcmp(argument, "arg1") != 0)
        return 0;
    size_t len = strlen(value);
    for (const char *const *v = arg1_values; *v != NULL; ++v)
        if (strncasecmp(*v, value, len) == 0)
            mcp_completion(ctx, *v);
    return 0;
}

MCP_PROMPT(test_prompt_with_arguments, .title = "Prompt with arguments",
           .description = "A prompt with two required arguments, quoted in its message (conformance fixture).",
           .arguments = arguments, .get = get_prompt_with_arguments, .complete = complete_prompt_with_arguments);
