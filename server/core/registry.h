/*
 * registry.h: what the server offers: the tools, resources, resource templates and prompts of the
 * enabled sets, each checked once at start (names, schemas, JSON fragments), so that a broken declaration
 * stops the server at start rather than producing bad answers later. Methods look entries up here.
 */
#ifndef MCP_REGISTRY_H
#define MCP_REGISTRY_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "json.h"
#include "mcp.h"
#include "mirrored_headers.h"

/* A tool as registered: the declaration plus what start-up derived from it. */
typedef struct st_mcp_tool_entry_t {
    const mcp_tool_t *tool;
    const json_value_t *input_schema; /* parsed once at start-up, or generated from the typed parameters; never NULL */
    const json_value_t *output_schema;
    const json_value_t *client_capabilities; /* the capabilities a modern request must declare; NULL: none */
    const mcp_header_param_t *header_params;
    size_t num_header_params;
} mcp_tool_entry_t;

typedef struct st_registry_t registry_t;

/* Builds the registry of the configured sets; returns 0, or -1 with the reason in err. */
int registry_new(const mcp_config_t *config, registry_t **out, char *err, size_t err_len);
void registry_free(registry_t *r);

size_t registry_num_tools(const registry_t *r);
const mcp_tool_entry_t *registry_tool(const registry_t *r, size_t i);
const mcp_tool_entry_t *registry_find_tool(const registry_t *r, const char *name);
/* Fixed-URI resources and URI templates, in declaration order. */
size_t registry_num_resources(const registry_t *r);
const mcp_resource_t *registry_resource(const registry_t *r, size_t i);
size_t registry_num_templates(const registry_t *r);
const mcp_resource_t *registry_template(const registry_t *r, size_t i);
size_t registry_num_prompts(const registry_t *r);
const mcp_prompt_t *registry_prompt(const registry_t *r, size_t i);
const mcp_prompt_t *registry_find_prompt(const registry_t *r, const char *name);
/* The request headers a browser may send (CORS): the protocol's, and the Mcp-Param-* names the tools declare. */
const char *registry_cors_allow_headers(const registry_t *r);

#endif
