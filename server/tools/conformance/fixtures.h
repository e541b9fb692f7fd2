/*
 * fixtures.h: what several conformance fixtures share: the test image, and the elicitation of one field
 * (on top of mcp.h's mcp_elicit(), which turns every failure into an isError result the suite can read).
 */
#ifndef CONFORMANCE_FIXTURES_H
#define CONFORMANCE_FIXTURES_H

#include "mcp.h"

/* A 1x1 red pixel, RGB PNG, base64 (the image tools, the binary resource and the image prompt). */
extern const char conformance_png_base64[];

/*
 * Asks the user, through elicitation/create, for one field: name and its JSON Schema type ("string",
 * "boolean"). Returns as mcp_ask(), with *value set to the field's value when the user accepted (NULL
 * otherwise).
 */
int conformance_elicit(mcp_ctx_t *ctx, const char *key, const char *message, const char *name, const char *type,
                       const json_value_t **value);

/*
 * Emits the client's elicitation answer (action and content) as one text block,
 * "<prefix>action=accept, content={...}". Returns the handler's return value.
 */
int conformance_report_elicitation(mcp_ctx_t *ctx, const char *prefix, const char *action, const json_value_t *content);

#endif
