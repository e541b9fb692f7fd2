/* workers.c: the worker pool (see workers.h). */
#include "workers.h"

#include <pthread.h>
#include <stdlib.h>

#define MAX_QUEUED_JOBS 1024
#define MAX_THREADS 256
#define WORKER_STACK_SIZE (512 * 1024)

typedef struct st_job_t {
    struct st_job_t *next;
    workers_job_t job;
} job_t;

struct st_workers_t {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    job_t *head, *tail;
    size_t queued;
    pthread_t threads[MAX_THREADS];
    job_t *running[MAX_THREADS]; /* the job each thread runs, NULL when idle */
    unsigned max_threads, num_threads, idle;
    int stopping;
};

workers_t *
workers_new(unsigned max_threads)
{
    workers_t *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->max_threads = max_threads < MAX_THREADS ? max_threads : MAX_THREADS;
    return w;
}

typedef struct st_thread_arg_t {
    workers_t *w;
    unsigned index;
} thread_arg_t;

static void *
worker_main(void *arg)
{
    workers_t *w = ((thread_arg_t *)arg)->w;
    unsigned index = ((thread_arg_t *)arg)->index;
    free(arg);
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->head == NULL && !w->stopping) {
            ++w->idle;
            pthread_cond_wait(&w->cond, &w->lock);
            --w->idle;
        }
        if (w->head == NULL)
            break;
        job_t *job = w->head;
        w->head = job->next;
        if (w->head == NULL)
            w->tail = NULL;
        --w->queued;
        w->running[index] = job;
        if (w->stopping && job->job.wake != NULL)
            job->job.wake(job->job.data);
        pthread_mutex_unlock(&w->lock);
        job->job.run(job->job.data);
        pthread_mutex_lock(&w->lock);
        w->running[index] = NULL;
        pthread_mutex_unlock(&w->lock);
        if (job->job.done != NULL)
            job->job.done(job->job.data);
        free(job);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int
workers_submit(workers_t *w, const workers_job_t *j)
{
    job_t *job = malloc(sizeof(*job));
    if (job == NULL)
        return -1;
    *job = (job_t){.job = *j};
    pthread_mutex_lock(&w->lock);
    if (w->queued >= MAX_QUEUED_JOBS || w->stopping)
        goto refuse;
    if (w->idle <= w->queued && w->num_threads < w->max_threads) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
        thread_arg_t *arg = malloc(sizeof(*arg));
        if (arg != NULL) {
            *arg = (thread_arg_t){w, w->num_threads};
            if (pthread_create(&w->threads[w->num_threads], &attr, worker_main, arg) == 0)
                ++w->num_threads;
            else
                free(arg);
        }
        pthread_attr_destroy(&attr);
        if (w->num_threads == 0)
            goto refuse;
    }
    if (w->tail != NULL)
        w->tail->next = job;
    else
        w->head = job;
    w->tail = job;
    ++w->queued;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return 0;
refuse:
    pthread_mutex_unlock(&w->lock);
    free(job);
    return -1;
}

void
workers_shutdown(workers_t *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_broadcast(&w->cond);
    for (unsigned i = 0; i != w->num_threads; ++i)
        if (w->running[i] != NULL && w->running[i]->job.wake != NULL)
            w->running[i]->job.wake(w->running[i]->job.data);
    unsigned n = w->num_threads;
    w->num_threads = 0;
    pthread_mutex_unlock(&w->lock);
    for (unsigned i = 0; i != n; ++i)
        pthread_join(w->threads[i], NULL);
}

void
workers_free(workers_t *w)
{
    if (w == NULL)
        return;
    workers_shutdown(w);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}
