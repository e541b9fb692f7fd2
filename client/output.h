/*
 * output: how results and notifications are shown.
 *
 * With --json, a result is one line of JSON on stdout (a listing is {"<key>": [every item of every
 * page]}), and each notification one line of JSON on stderr. Otherwise the output is for a person:
 * text content as text, other content as a one-line summary, structured content as indented JSON, and
 * notifications (progress, log messages) as lines on stderr. Text from the server has its control
 * characters replaced on stderr always, and on stdout when stdout is a terminal.
 */
#ifndef MCPC_OUTPUT_H
#define MCPC_OUTPUT_H

#include <stdio.h>

#include "json.h"
#include "negotiate.h"

typedef struct st_mcpc_output_t {
    FILE *out; /* results */
    FILE *err; /* notifications */
    int json;  /* --json */
    int clean; /* replace control characters in text written to out */
} mcpc_output_t;

/* v as one line of JSON; with key, wrapped as {"key": v}. */
void mcpc_output_json(const mcpc_output_t *o, const char *key, const json_value_t *v);
/* v as indented JSON (two spaces a level), ending with a newline. */
void mcpc_output_pretty(FILE *f, const json_value_t *v, int clean);

/* A notification from the server (an mcpc_on_notification_cb; data is the mcpc_output_t). */
void mcpc_output_notification(void *data, const json_value_t *message);

/* Human-readable renderings of each command's result. */
/* init: result is the initialize result (legacy era) or the server/discover result (modern era). */
void mcpc_output_init(const mcpc_output_t *o, const json_value_t *result, mcpc_era_t era, const char *version);
void mcpc_output_tools(const mcpc_output_t *o, const json_value_t *tools);
void mcpc_output_call(const mcpc_output_t *o, const json_value_t *result);
void mcpc_output_resources(const mcpc_output_t *o, const json_value_t *resources);
void mcpc_output_templates(const mcpc_output_t *o, const json_value_t *templates);
void mcpc_output_read(const mcpc_output_t *o, const json_value_t *result);
void mcpc_output_prompts(const mcpc_output_t *o, const json_value_t *prompts);
void mcpc_output_prompt(const mcpc_output_t *o, const json_value_t *result);
void mcpc_output_completion(const mcpc_output_t *o, const json_value_t *result);

#endif
