/*
 * confirm_delete: asks the user to confirm, through one elicitation, before "deleting" a file (SEP-2663
 * fixture; nothing is deleted). As a task it waits in input_required until tasks/update answers.
 */
#include <stdio.h>

#include "fixtures.h"

#define CONFIRM_DELETE_PARAMS(P) P(filename, STRING, "The file to delete", .required = 1, .max_length = 200)
MCP_PARAMS(confirm_delete, CONFIRM_DELETE_PARAMS);

static int
confirm_delete(mcp_ctx_t *ctx, const struct confirm_delete_params *p)
{
    const json_value_t *confirm;
    char message[300];
    snprintf(message, sizeof(message), "Delete %s?", p->filename);
    if (conformance_elicit(ctx, "confirm", message, "confirm", "boolean", &confirm))
        return 1;
    mcp_textf(ctx, confirm != NULL && confirm->type == JSON_TRUE ? "Deleted %s." : "Kept %s.", p->filename);
    return 0;
}

MCP_TOOL_TYPED(confirm_delete, .title = "Confirm delete",
               .description = "Asks for a confirmation, then reports the file deleted (conformance fixture; deletes nothing).",
               .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}",
               .task_support = MCP_TASK_OPTIONAL);
