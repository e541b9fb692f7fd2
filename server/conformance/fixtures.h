/*
 * fixtures.h: what several conformance fixtures share: the test image, and asking the client for
 * sampling or elicitation with every failure turned into an isError result the suite can read.
 */
#ifndef CONFORMANCE_FIXTURES_H
#define CONFORMANCE_FIXTURES_H

#include "mcp.h"

/* A 1x1 red pixel, RGB PNG, base64 (the image tools, the binary resource and the image prompt). */
extern const char conformance_png_base64[];

/*
 * Sends method with params_json to the client and waits for its answer. capability is the client
 * capability the method needs ("sampling", "elicitation"). Returns 0 with *result set, or 1 after
 * turning the result into an isError text that says why (for `return conformance_ask(...)`).
 */
int conformance_ask(mcp_ctx_t *ctx, const char *capability, const char *method, const char *params_json,
                    const json_value_t **result);

/*
 * Emits the client's elicitation answer as one text block, "<prefix>action=accept, content={...}", or
 * an isError result when the answer carries no valid action. Returns the handler's return value.
 */
int conformance_report_elicitation(mcp_ctx_t *ctx, const char *prefix, const json_value_t *answer);

/*
 * The one value w wrote, copied into request memory; w's buffer is disposed. NULL when the writer
 * failed (too deep, too large) or request memory ran out.
 */
char *conformance_take_json(mcp_ctx_t *ctx, jsonw_t *w);

#endif
