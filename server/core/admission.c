/* admission.c: the bounds on calls and on calls waiting for clients (see admission.h). */
#include "admission.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "core.h"
#include "log.h"

typedef struct st_bound_t {
    const char *name;
    unsigned limit;
    atomic_uint used;
    _Atomic int64_t last_log_ms; /* monotonic */
    atomic_uint refused_since_log;
} bound_t;

struct st_admission_t {
    bound_t calls;
    bound_t waits;
};

admission_t *
admission_new(const mcp_config_t *config)
{
    admission_t *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    a->calls.name = "calls";
    a->calls.limit = config->max_calls;
    a->waits.name = "client waits";
    a->waits.limit = config->max_client_waits;
    return a;
}

void
admission_free(admission_t *a)
{
    free(a);
}

/* Under attack every refusal would be a line: one a second, with how many were refused since. */
static void
log_refusal(bound_t *b)
{
    atomic_fetch_add(&b->refused_since_log, 1);
    int64_t now = mcp_monotonic_ms(), last = atomic_load(&b->last_log_ms);
    if (now - last < 1000 || !atomic_compare_exchange_strong(&b->last_log_ms, &last, now))
        return;
    unsigned refused = atomic_exchange(&b->refused_since_log, 0);
    log_line_t l;
    if (log_begin(&l, LOG_WARN, "overloaded")) {
        jsonw_kv_string(&l.w, "bound", b->name);
        jsonw_kv_int(&l.w, "limit", b->limit);
        jsonw_kv_int(&l.w, "refused", refused);
        log_end(&l);
    }
}

static int
take(bound_t *b)
{
    unsigned used = atomic_load(&b->used);
    do {
        if (used >= b->limit) {
            log_refusal(b);
            return -1;
        }
    } while (!atomic_compare_exchange_weak(&b->used, &used, used + 1));
    return 0;
}

static void
release(bound_t *b)
{
    atomic_fetch_sub(&b->used, 1);
}

int
admission_take_call(admission_t *a, int waits_for_client)
{
    if (take(&a->calls) != 0)
        return -1;
    if (waits_for_client && take(&a->waits) != 0) {
        release(&a->calls);
        return -1;
    }
    return 0;
}

void
admission_release_call(admission_t *a, int waits_for_client)
{
    if (waits_for_client)
        release(&a->waits);
    release(&a->calls);
}

int
admission_take_wait(admission_t *a)
{
    return take(&a->waits);
}

void
admission_release_wait(admission_t *a)
{
    release(&a->waits);
}
