/*
 * workers.h: where calls that may block run. A small pool of threads, started on first use so that cold
 * start pays nothing for it, takes jobs from a queue in order. The pool knows nothing of MCP: a job is a
 * function and its argument (tools.c submits tool calls).
 */
#ifndef MCP_WORKERS_H
#define MCP_WORKERS_H

typedef struct st_workers_t workers_t;

/* A pool of at most max_threads threads (none started yet); NULL when out of memory. */
workers_t *workers_new(unsigned max_threads);
/*
 * Queues run(data) for a worker thread. wake(data), if not NULL, is called (with the pool's lock held)
 * when the pool stops while the job runs, so that a job waiting on something stops waiting. Returns 0,
 * or -1 when the queue is full, the pool is stopping or no thread could be started (run is then not
 * called). Called from one thread only (the front door's), which is what lets threads be started lazily
 * without a race.
 */
int workers_submit(workers_t *w, void (*run)(void *data), void (*wake)(void *data), void *data);
/* Stops taking jobs, wakes the running ones, lets the queued ones run, and joins the threads (idempotent; NULL is fine). */
void workers_shutdown(workers_t *w);
void workers_free(workers_t *w);

#endif
