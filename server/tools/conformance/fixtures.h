/*
 * fixtures.h: what several conformance fixtures share: the test image, and asking the client for
 * sampling, elicitation or roots with every failure turned into an isError result the suite can read.
 */
#ifndef CONFORMANCE_FIXTURES_H
#define CONFORMANCE_FIXTURES_H

#include "mcp.h"

/* A 1x1 red pixel, RGB PNG, base64 (the image tools, the binary resource and the image prompt). */
extern const char conformance_png_base64[];

/*
 * Asks the client (mcp_client_request_named(); key NULL numbers the questions). Returns 0 with *result
 * set to the client's answer (an object); or 1 when the handler must return now: the question goes to a
 * 2026-07-28 client with the round's result, or the failure has been turned into an isError text that
 * says why (for `return conformance_ask(...)`).
 */
int conformance_ask(mcp_ctx_t *ctx, const char *key, const char *method, const char *params_json, const json_value_t **result);

/*
 * Asks the user, through elicitation/create, for one field: name and its JSON Schema type ("string",
 * "boolean"). Returns as conformance_ask(), with the answer's action checked and *value set to the
 * field's value when the user accepted (NULL otherwise).
 */
int conformance_elicit(mcp_ctx_t *ctx, const char *key, const char *message, const char *name, const char *type,
                       const json_value_t **value);

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
