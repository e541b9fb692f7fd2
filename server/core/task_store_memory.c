/*
 * task_store_memory.c: the tasks of one process (task_store.h), for the HTTP server. A list under one lock;
 * expired rows are dropped whenever a row is added, and the number of rows is bounded.
 */
#include "task_store_memory.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 10000

typedef struct st_memory_row_t {
    mcp_task_row_t row;
    struct st_memory_row_t *next;
} memory_row_t;

typedef struct st_memory_store_t {
    mcp_task_store_t super;
    pthread_mutex_t lock;
    memory_row_t *rows;
    size_t num_rows;
} memory_store_t;

void
mcp_task_row_init(mcp_task_row_t *row)
{
    memset(row, 0, sizeof(*row));
    buf_init(&row->input_requests, 0);
    buf_init(&row->answers, 0);
    buf_init(&row->outcome, 0);
    buf_init(&row->call, 0);
}

void
mcp_task_row_dispose(mcp_task_row_t *row)
{
    buf_dispose(&row->input_requests);
    buf_dispose(&row->answers);
    buf_dispose(&row->outcome);
    buf_dispose(&row->call);
}

static void
copy_buf(buf_t *dst, const buf_t *src)
{
    buf_reset(dst);
    if (src->len != 0)
        buf_append(dst, src->data, src->len);
}

/* Copies everything but the buffers' limits; returns 0, or -1 when out of memory. */
static int
copy_row(mcp_task_row_t *dst, const mcp_task_row_t *src)
{
    buf_t input_requests = dst->input_requests, answers = dst->answers, outcome = dst->outcome, call = dst->call;
    *dst = *src;
    dst->input_requests = input_requests;
    dst->answers = answers;
    dst->outcome = outcome;
    dst->call = call;
    copy_buf(&dst->input_requests, &src->input_requests);
    copy_buf(&dst->answers, &src->answers);
    copy_buf(&dst->outcome, &src->outcome);
    copy_buf(&dst->call, &src->call);
    return buf_failed(&dst->input_requests) || buf_failed(&dst->answers) || buf_failed(&dst->outcome) || buf_failed(&dst->call) ? -1
                                                                                                                                : 0;
}

static memory_row_t **
find_locked(memory_store_t *m, const char *id)
{
    memory_row_t **pp = &m->rows;
    while (*pp != NULL && strcmp((*pp)->row.id, id) != 0)
        pp = &(*pp)->next;
    return pp;
}

static void
expire_locked(memory_store_t *m, int64_t now)
{
    for (memory_row_t **pp = &m->rows; *pp != NULL;) {
        memory_row_t *r = *pp;
        if (r->row.expires_ms <= now) {
            *pp = r->next;
            mcp_task_row_dispose(&r->row);
            free(r);
            --m->num_rows;
        } else {
            pp = &r->next;
        }
    }
}

static int
memory_create(mcp_task_store_t *self, const mcp_task_row_t *row)
{
    memory_store_t *m = (memory_store_t *)self;
    int ret = 0;
    pthread_mutex_lock(&m->lock);
    expire_locked(m, mcp_now_ms());
    memory_row_t *r = NULL;
    if (*find_locked(m, row->id) != NULL) {
        ret = MCP_TASK_STORE_CONDITION;
    } else if (m->num_rows >= MAX_ROWS) {
        ret = MCP_TASK_STORE_FULL;
    } else if ((r = malloc(sizeof(*r))) == NULL) {
        ret = MCP_TASK_STORE_UNAVAILABLE;
    } else {
        mcp_task_row_init(&r->row);
        if (copy_row(&r->row, row) != 0) {
            mcp_task_row_dispose(&r->row);
            free(r);
            ret = MCP_TASK_STORE_UNAVAILABLE;
        } else {
            r->next = m->rows;
            m->rows = r;
            ++m->num_rows;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return ret;
}

static int
memory_read(mcp_task_store_t *self, const char *id, mcp_task_row_t *out)
{
    memory_store_t *m = (memory_store_t *)self;
    pthread_mutex_lock(&m->lock);
    memory_row_t *r = *find_locked(m, id);
    int ret = r == NULL ? MCP_TASK_STORE_NOT_FOUND : copy_row(out, &r->row) != 0 ? MCP_TASK_STORE_UNAVAILABLE : 0;
    pthread_mutex_unlock(&m->lock);
    return ret;
}

static int
memory_write(mcp_task_store_t *self, const mcp_task_row_t *row)
{
    memory_store_t *m = (memory_store_t *)self;
    pthread_mutex_lock(&m->lock);
    memory_row_t *r = *find_locked(m, row->id);
    int ret = r == NULL                            ? MCP_TASK_STORE_NOT_FOUND
              : r->row.version + 1 != row->version ? MCP_TASK_STORE_CONDITION
              : copy_row(&r->row, row) != 0        ? MCP_TASK_STORE_UNAVAILABLE
                                                   : 0;
    pthread_mutex_unlock(&m->lock);
    return ret;
}

mcp_task_store_t *
task_store_memory_new(void)
{
    memory_store_t *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->super = (mcp_task_store_t){.create = memory_create, .read = memory_read, .write = memory_write};
    pthread_mutex_init(&m->lock, NULL);
    return &m->super;
}

void
task_store_memory_free(mcp_task_store_t *store)
{
    memory_store_t *m = (memory_store_t *)store;
    if (m == NULL)
        return;
    expire_locked(m, INT64_MAX);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
