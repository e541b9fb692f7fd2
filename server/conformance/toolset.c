/*
 * toolset.c: the "conformance" set: the fixtures the official MCP conformance suite
 * (@modelcontextprotocol/conformance) calls by name. Enable it only to run the suite: its tools
 * exist to exercise the protocol, not to be useful.
 */
#include "mcp.h"

extern const mcp_tool_t mcp_tool_test_simple_text;
extern const mcp_tool_t mcp_tool_test_image_content;
extern const mcp_tool_t mcp_tool_test_audio_content;
extern const mcp_tool_t mcp_tool_test_embedded_resource;
extern const mcp_tool_t mcp_tool_test_multiple_content_types;
extern const mcp_tool_t mcp_tool_test_tool_with_logging;
extern const mcp_tool_t mcp_tool_test_tool_with_progress;
extern const mcp_tool_t mcp_tool_test_error_handling;
extern const mcp_tool_t mcp_tool_test_sampling;
extern const mcp_tool_t mcp_tool_test_elicitation;
extern const mcp_tool_t mcp_tool_test_elicitation_sep1034_defaults;
extern const mcp_tool_t mcp_tool_test_elicitation_sep1330_enums;
extern const mcp_tool_t mcp_tool_json_schema_2020_12_tool;
extern const mcp_tool_t mcp_tool_test_reconnection;

extern const mcp_resource_t mcp_resource_static_text;
extern const mcp_resource_t mcp_resource_static_binary;
extern const mcp_resource_t mcp_resource_watched_resource;
extern const mcp_resource_t mcp_resource_template_data;

extern const mcp_prompt_t mcp_prompt_test_simple_prompt;
extern const mcp_prompt_t mcp_prompt_test_prompt_with_arguments;
extern const mcp_prompt_t mcp_prompt_test_prompt_with_embedded_resource;
extern const mcp_prompt_t mcp_prompt_test_prompt_with_image;

const mcp_toolset_t mcp_toolset_conformance = {
    .name = "conformance",
    .description = "The fixtures of the MCP conformance suite (test_* tools, test:// resources, test_* prompts).",
    .tools =
        (const mcp_tool_t *const[]){
            &mcp_tool_test_simple_text,
            &mcp_tool_test_image_content,
            &mcp_tool_test_audio_content,
            &mcp_tool_test_embedded_resource,
            &mcp_tool_test_multiple_content_types,
            &mcp_tool_test_tool_with_logging,
            &mcp_tool_test_tool_with_progress,
            &mcp_tool_test_error_handling,
            &mcp_tool_test_sampling,
            &mcp_tool_test_elicitation,
            &mcp_tool_test_elicitation_sep1034_defaults,
            &mcp_tool_test_elicitation_sep1330_enums,
            &mcp_tool_json_schema_2020_12_tool,
            &mcp_tool_test_reconnection,
            NULL,
        },
    .resources =
        (const mcp_resource_t *const[]){
            &mcp_resource_static_text,
            &mcp_resource_static_binary,
            &mcp_resource_watched_resource,
            &mcp_resource_template_data,
            NULL,
        },
    .prompts =
        (const mcp_prompt_t *const[]){
            &mcp_prompt_test_simple_prompt,
            &mcp_prompt_test_prompt_with_arguments,
            &mcp_prompt_test_prompt_with_embedded_resource,
            &mcp_prompt_test_prompt_with_image,
            NULL,
        },
};
