/*
 * admission.h: the bounds that keep the server responsive under load and against hostile clients: how
 * many tool calls may be queued or running on workers, and how many may wait for a client's answer
 * (sampling, elicitation), at once. Past a bound a call is refused at once (HTTP 503 with Retry-After,
 * handle.c) rather than queued behind work that may never finish; clients that behave are not slowed.
 * Counters are atomics: any thread, no lock.
 */
#ifndef MCP_ADMISSION_H
#define MCP_ADMISSION_H

#include "config.h"

typedef struct st_admission_t admission_t;

admission_t *admission_new(const mcp_config_t *config);
void admission_free(admission_t *a);
/*
 * A slot for a call on a worker, and with waits_for_client also a slot to wait for a client's answer (a
 * tool that declares it needs sampling, elicitation or roots). Returns 0, or -1 when a bound is reached
 * (logged, at most once a second per bound).
 */
int admission_take_call(admission_t *a, int waits_for_client);
void admission_release_call(admission_t *a, int waits_for_client);
/* A slot to wait for a client, for a call that asks without having declared it: 0, or -1 at the bound. */
int admission_take_wait(admission_t *a);
void admission_release_wait(admission_t *a);

#endif
