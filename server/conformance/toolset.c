/*
 * toolset.c: the "conformance" set: the fixtures the official MCP conformance suite
 * (@modelcontextprotocol/conformance, 0.1.16 and the 0.2 line with its 2025-11-25 and 2026-07-28
 * requirement sets) calls by name. Enable it only to run the suite: its tools
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
extern const mcp_tool_t mcp_tool_test_missing_capability;
extern const mcp_tool_t mcp_tool_test_input_required_result_elicitation;
extern const mcp_tool_t mcp_tool_test_input_required_result_sampling;
extern const mcp_tool_t mcp_tool_test_input_required_result_list_roots;
extern const mcp_tool_t mcp_tool_test_input_required_result_request_state;
extern const mcp_tool_t mcp_tool_test_input_required_result_multiple_inputs;
extern const mcp_tool_t mcp_tool_test_input_required_result_multi_round;
extern const mcp_tool_t mcp_tool_test_input_required_result_tampered_state;
extern const mcp_tool_t mcp_tool_test_input_required_result_capabilities;
extern const mcp_tool_t mcp_tool_test_streaming_elicitation;
extern const mcp_tool_t mcp_tool_test_logging_tool;
extern const mcp_tool_t mcp_tool_test_trigger_tool_change;
extern const mcp_tool_t mcp_tool_test_trigger_prompt_change;
extern const mcp_tool_t mcp_tool_test_mcp_param_headers;

extern const mcp_resource_t mcp_resource_static_text;
extern const mcp_resource_t mcp_resource_static_binary;
extern const mcp_resource_t mcp_resource_watched_resource;
extern const mcp_resource_t mcp_resource_template_data;

extern const mcp_prompt_t mcp_prompt_test_simple_prompt;
extern const mcp_prompt_t mcp_prompt_test_prompt_with_arguments;
extern const mcp_prompt_t mcp_prompt_test_prompt_with_embedded_resource;
extern const mcp_prompt_t mcp_prompt_test_prompt_with_image;
extern const mcp_prompt_t mcp_prompt_test_input_required_result_prompt;

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
            &mcp_tool_test_missing_capability,
            &mcp_tool_test_input_required_result_elicitation,
            &mcp_tool_test_input_required_result_sampling,
            &mcp_tool_test_input_required_result_list_roots,
            &mcp_tool_test_input_required_result_request_state,
            &mcp_tool_test_input_required_result_multiple_inputs,
            &mcp_tool_test_input_required_result_multi_round,
            &mcp_tool_test_input_required_result_tampered_state,
            &mcp_tool_test_input_required_result_capabilities,
            &mcp_tool_test_streaming_elicitation,
            &mcp_tool_test_logging_tool,
            &mcp_tool_test_trigger_tool_change,
            &mcp_tool_test_trigger_prompt_change,
            &mcp_tool_test_mcp_param_headers,
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
            &mcp_prompt_test_input_required_result_prompt,
            NULL,
        },
};
