/*
 * tool_params.h: typed tool parameters and typed structured results (mcp.h's MCP_PARAMS and
 * MCP_OUTPUT). One row list per tool yields three things: the JSON Schema the server advertises and
 * validates with (generated once at start), the C struct the handler receives, and the code that fills
 * that struct from the validated arguments (or writes structured content from it).
 */
#ifndef MCP_TOOL_PARAMS_H
#define MCP_TOOL_PARAMS_H

#include <stddef.h>

#include "buf.h"
#include "json.h"
#include "mcp.h"

/*
 * Writes the object schema the rows describe (properties, required, additionalProperties false) to out.
 * Returns 0, or -1 with the reason in err for a row the server could not honour: a bad name, a default
 * or bound that is not of the row's type, an enum without values, x-mcp-header on an array.
 */
int tool_params_schema(const mcp_param_t *rows, buf_t *out, char *err, size_t err_len);
/*
 * Calls the tool's handler: a typed one with its struct filled from args (which passed the generated
 * schema), or the one that reads the JSON tree. Returns the handler's result; a value the struct cannot
 * hold (an integer beyond 64 bits) becomes an isError result without calling the handler.
 */
int tool_params_invoke(mcp_ctx_t *ctx, const mcp_tool_t *tool, const json_value_t *args);

#endif
