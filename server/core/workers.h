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
/* A job: run, then done, on a worker thread; wake may be called meanwhile. */
typedef struct st_workers_job_t {
    void (*run)(void *data);
    /*
     * Called (with the pool's lock held) when the pool stops while the job runs, so that a job waiting on
     * something stops waiting; may be NULL. It is never called once run has returned, so data stays valid
     * for it until then.
     */
    void (*wake)(void *data);
    void (*done)(void *data); /* after run, once wake can no longer be called: frees what data holds; may be NULL */
    void *data;
} workers_job_t;

/*
 * Queues the job for a worker thread. Returns 0, or -1 when the queue is full, the pool is stopping or no
 * thread could be started (nothing is then called). Called from one thread only (the front door's),
 * which is what lets threads be started lazily without a race.
 */
int workers_submit(workers_t *w, const workers_job_t *job);
/* Stops taking jobs, wakes the running ones, lets the queued ones run, and joins the threads (idempotent; NULL is fine). */
void workers_shutdown(workers_t *w);
void workers_free(workers_t *w);

#endif
