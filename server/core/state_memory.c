/*
 * state_memory.c: the state store in this process's memory (see state_memory.h). One lock guards everything:
 * every operation is a short walk of one row, and a write's condition and effect happen under it, which is
 * what makes an increment atomic.
 */
#include "state_memory.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "state_token.h"

#define NUM_BUCKETS 4096 /* a power of two */
#define SWEEP_EVERY 1024 /* rows made between sweeps of the expired ones */
#define ROW_OVERHEAD 64  /* what a row costs beyond its values, for the bounds */
#define VALUE_OVERHEAD 16

typedef struct st_value_t {
    char key[65];
    int is_integer;
    int64_t integer;
    char *text;
    size_t text_len;
} value_t;

typedef struct st_row_t {
    struct st_row_t *next; /* in its bucket */
    char name[STATE_TOKEN_ROW_LEN + 1];
    int ended;
    int64_t last_used;
    int64_t expires_at;
    value_t *values;
    size_t num_values;
    size_t bytes;
} row_t;

typedef struct st_state_memory_t {
    mcp_state_store_t super;
    pthread_mutex_t lock;
    row_t *buckets[NUM_BUCKETS];
    size_t num_rows;
    size_t bytes;
    size_t made_since_sweep;
    int64_t (*now_s)(void);
} state_memory_t;

static int64_t
wall_now_s(void)
{
    return (int64_t)time(NULL);
}

static row_t **
bucket_of(state_memory_t *m, const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a: names end in random hex, any hash spreads them */
    for (const char *p = name; *p != '\0'; ++p)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return &m->buckets[h & (NUM_BUCKETS - 1)];
}

static row_t *
find(state_memory_t *m, const char *name)
{
    for (row_t *r = *bucket_of(m, name); r != NULL; r = r->next)
        if (strcmp(r->name, name) == 0)
            return r;
    return NULL;
}

static void
clear_values(state_memory_t *m, row_t *r)
{
    for (size_t i = 0; i != r->num_values; ++i)
        free(r->values[i].text);
    free(r->values);
    r->values = NULL;
    r->num_values = 0;
    m->bytes -= r->bytes - ROW_OVERHEAD;
    r->bytes = ROW_OVERHEAD;
}

static void
unlink_row(state_memory_t *m, row_t *r)
{
    for (row_t **pp = bucket_of(m, r->name); *pp != NULL; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            break;
        }
    }
    clear_values(m, r);
    m->bytes -= ROW_OVERHEAD;
    --m->num_rows;
    free(r);
}

/* Drops every row whose time is up, as DynamoDB's TTL would (sooner: nothing can read them in a useful way). */
static void
sweep(state_memory_t *m, int64_t now)
{
    for (size_t b = 0; b != NUM_BUCKETS; ++b) {
        row_t *r = m->buckets[b];
        while (r != NULL) {
            row_t *next = r->next;
            if (r->expires_at <= now)
                unlink_row(m, r);
            r = next;
        }
    }
    m->made_since_sweep = 0;
}

static row_t *
make_row(state_memory_t *m, const char *name, int64_t now, int *err)
{
    if (++m->made_since_sweep >= SWEEP_EVERY || m->num_rows >= STATE_MEMORY_MAX_ROWS)
        sweep(m, now);
    if (m->num_rows >= STATE_MEMORY_MAX_ROWS || m->bytes + ROW_OVERHEAD > STATE_MEMORY_MAX_BYTES) {
        *err = MCP_STATE_STORE_FULL;
        return NULL;
    }
    row_t *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        *err = MCP_STATE_STORE_FULL;
        return NULL;
    }
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->bytes = ROW_OVERHEAD;
    row_t **bucket = bucket_of(m, name);
    r->next = *bucket;
    *bucket = r;
    ++m->num_rows;
    m->bytes += ROW_OVERHEAD;
    return r;
}

static value_t *
find_value(row_t *r, const char *key)
{
    for (size_t i = 0; i != r->num_values; ++i)
        if (strcmp(r->values[i].key, key) == 0)
            return &r->values[i];
    return NULL;
}

static void
fill_value(const value_t *v, mcp_state_row_t *out)
{
    out->has_value = 1;
    out->is_integer = v->is_integer;
    out->integer = v->integer;
    if (!v->is_integer)
        buf_append(&out->text, v->text, v->text_len);
}

static void
fill_row(const row_t *r, mcp_state_row_t *out)
{
    out->exists = 1;
    out->ended = r->ended;
    out->last_used = r->last_used;
}

static int
memory_read(mcp_state_store_t *self, const char *name, const char *key, mcp_state_row_t *out)
{
    state_memory_t *m = (state_memory_t *)self;
    pthread_mutex_lock(&m->lock);
    const row_t *r = find(m, name);
    if (r != NULL) {
        fill_row(r, out);
        const value_t *v = key != NULL ? find_value((row_t *)r, key) : NULL;
        if (v != NULL)
            fill_value(v, out);
    }
    pthread_mutex_unlock(&m->lock);
    return buf_failed(&out->text) ? MCP_STATE_STORE_TOO_LARGE : 0;
}

/* Sets (or, with text NULL and !is_integer, removes) a value, within the row's bound. */
static int
put_value(state_memory_t *m, row_t *r, const mcp_state_write_t *w, int is_integer, int64_t integer)
{
    value_t *v = find_value(r, w->key);
    size_t old = v != NULL ? VALUE_OVERHEAD + strlen(v->key) + v->text_len : 0;
    size_t add = VALUE_OVERHEAD + strlen(w->key) + (is_integer ? 0 : w->text_len);
    if (r->bytes - old + add > STATE_MEMORY_MAX_ROW_BYTES)
        return MCP_STATE_STORE_TOO_LARGE;
    if (m->bytes - old + add > STATE_MEMORY_MAX_BYTES)
        return MCP_STATE_STORE_FULL;
    char *text = NULL;
    if (!is_integer && (text = malloc(w->text_len + 1)) == NULL)
        return MCP_STATE_STORE_FULL;
    if (v == NULL) {
        value_t *grown = realloc(r->values, (r->num_values + 1) * sizeof(*grown));
        if (grown == NULL) {
            free(text);
            return MCP_STATE_STORE_FULL;
        }
        r->values = grown;
        v = &r->values[r->num_values++];
        memset(v, 0, sizeof(*v));
        snprintf(v->key, sizeof(v->key), "%s", w->key);
    }
    free(v->text);
    v->text = text;
    v->text_len = 0;
    if (text != NULL) {
        memcpy(text, w->text, w->text_len);
        text[w->text_len] = '\0';
        v->text_len = w->text_len;
    }
    v->is_integer = is_integer;
    v->integer = integer;
    r->bytes = r->bytes - old + add;
    m->bytes = m->bytes - old + add;
    return 0;
}

static void
remove_value(state_memory_t *m, row_t *r, const char *key)
{
    value_t *v = find_value(r, key);
    if (v == NULL)
        return;
    size_t size = VALUE_OVERHEAD + strlen(v->key) + v->text_len;
    free(v->text);
    *v = r->values[--r->num_values];
    r->bytes -= size;
    m->bytes -= size;
}

static int
memory_write(mcp_state_store_t *self, const mcp_state_write_t *w, mcp_state_row_t *out)
{
    state_memory_t *m = (state_memory_t *)self;
    int ret = 0;
    pthread_mutex_lock(&m->lock);
    row_t *r = find(m, w->row);
    if (r != NULL ? r->ended || r->last_used < w->min_last_used : !w->may_create) {
        ret = MCP_STATE_STORE_CONDITION;
        goto exit;
    }
    value_t *v = w->op == MCP_STATE_INCREMENT && r != NULL ? find_value(r, w->key) : NULL;
    int64_t sum = 0;
    if (w->op == MCP_STATE_INCREMENT) {
        int64_t base = v != NULL ? v->integer : 0;
        /* DynamoDB keeps 38 digits; here an integer that leaves int64 is refused like a value of another type */
        if ((v != NULL && !v->is_integer) || __builtin_add_overflow(base, w->integer, &sum)) {
            ret = MCP_STATE_STORE_CONDITION;
            goto exit;
        }
    }
    int made = r == NULL;
    if (made && (r = make_row(m, w->row, w->now, &ret)) == NULL)
        goto exit;
    switch (w->op) {
    case MCP_STATE_TOUCH:
        break;
    case MCP_STATE_SET:
        ret = put_value(m, r, w, w->is_integer, w->integer);
        break;
    case MCP_STATE_REMOVE:
        remove_value(m, r, w->key);
        break;
    case MCP_STATE_INCREMENT:
        ret = put_value(m, r, w, 1, sum);
        if (ret == 0) {
            out->has_value = 1;
            out->is_integer = 1;
            out->integer = sum;
        }
        break;
    }
    if (ret != 0) {
        if (made)
            unlink_row(m, r);
        goto exit;
    }
    r->last_used = w->now;
    r->expires_at = w->expires_at;
    fill_row(r, out);
exit:
    pthread_mutex_unlock(&m->lock);
    return ret;
}

static int
memory_end(mcp_state_store_t *self, const char *name, int64_t expires_at)
{
    state_memory_t *m = (state_memory_t *)self;
    int ret = 0;
    pthread_mutex_lock(&m->lock);
    row_t *r = find(m, name);
    if (r == NULL)
        r = make_row(m, name, m->now_s(), &ret);
    if (r != NULL) {
        clear_values(m, r);
        r->ended = 1;
        r->expires_at = expires_at;
    }
    pthread_mutex_unlock(&m->lock);
    return ret;
}

mcp_state_store_t *
state_memory_new(int64_t (*now_s)(void))
{
    state_memory_t *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->super.read = memory_read;
    m->super.write = memory_write;
    m->super.end = memory_end;
    m->now_s = now_s != NULL ? now_s : wall_now_s;
    pthread_mutex_init(&m->lock, NULL);
    return &m->super;
}

void
state_memory_free(mcp_state_store_t *store)
{
    state_memory_t *m = (state_memory_t *)store;
    if (m == NULL)
        return;
    for (size_t b = 0; b != NUM_BUCKETS; ++b) {
        row_t *r = m->buckets[b];
        while (r != NULL) {
            row_t *next = r->next;
            unlink_row(m, r);
            r = next;
        }
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}
