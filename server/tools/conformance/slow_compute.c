/*
 * slow_compute: works for a given number of seconds, reporting progress each second when asked, and
 * stops early when cancelled (the client left, the deadline, shutdown). The tasks extension's scenarios
 * call it (SEP-2663 fixtures): with a client that declares the extension it runs as a task, and a task
 * cancelled while it works stops at its next second. The reliability tests use it to hold a worker in a
 * known state.
 */
#include "mcp.h"

#define SLOW_COMPUTE_PARAMS(P)                                                                                                     \
    P(seconds, NUMBER, "How long to work, in seconds", .required = 1, .minimum = "0", .maximum = "600")                            \
    P(label, STRING, "A name for this run, echoed in the result", .max_length = 200)
MCP_PARAMS(slow_compute, SLOW_COMPUTE_PARAMS);

static int
slow_compute(mcp_ctx_t *ctx, const struct slow_compute_params *p)
{
    double done = 0;
    while (done < p->seconds) {
        double step = p->seconds - done < 1 ? p->seconds - done : 1;
        if (mcp_sleep(ctx, (unsigned)(step * 1000)))
            return mcp_error(ctx, "The computation was cancelled after %.1f of %.1f seconds.", done, p->seconds);
        done += step;
        mcp_progress(ctx, done, p->seconds, NULL);
    }
    if (p->label != NULL)
        mcp_textf(ctx, "Computed for %g seconds (%s).", p->seconds, p->label);
    else
        mcp_textf(ctx, "Computed for %g seconds.", p->seconds);
    return 0;
}

MCP_TOOL_TYPED(slow_compute, .title = "Slow computation",
               .description = "Works for the given number of seconds, with progress each second, then returns (conformance "
                              "fixture).",
               .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}",
               .task_support = MCP_TASK_OPTIONAL);
