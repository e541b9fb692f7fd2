/*
 * buf: a growable byte buffer with a hard limit.
 *
 * Appends never fail loudly: once an append would pass the limit or malloc fails, the buffer is marked
 * failed, further appends are ignored, and the owner checks buf_failed() once at the end. This keeps
 * writers free of error checks on every call. The data is always NUL-terminated (not counted in len).
 */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct st_buf_t {
    char *data;
    size_t len;
    size_t capacity;
    size_t limit; /* 0: no limit */
    int failed;
} buf_t;

#define BUF_INIT(lim)                                                                                                              \
    {                                                                                                                              \
        NULL, 0, 0, (lim), 0                                                                                                       \
    }

void buf_init(buf_t *b, size_t limit);
void buf_append(buf_t *b, const void *p, size_t n);
void buf_append_str(buf_t *b, const char *s);
static inline void buf_append_char(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
/* Space for n more bytes, or NULL (and the buffer marked failed). Commit with buf_commit(). */
char *buf_reserve(buf_t *b, size_t n);
void buf_commit(buf_t *b, size_t n);
static inline int
buf_failed(const buf_t *b)
{
    return b->failed;
}
void buf_reset(buf_t *b); /* len = 0, failed = 0; keeps the memory */
/* Inline: JSON writing appends single characters all the time; the common case is a store and no call. */
static inline void
buf_append_char(buf_t *b, char c)
{
    if (!b->failed && b->len + 2 <= b->capacity && (b->limit == 0 || b->len < b->limit)) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    buf_append(b, &c, 1);
}
/* Appends everything f holds until its end. Returns 0, or -1 on a read error or when the buffer failed (its limit). */
int buf_append_stream(buf_t *b, FILE *f);
/* Hands the data to the caller (who frees it) and leaves the buffer empty. */
char *buf_release(buf_t *b, size_t *len);
void buf_dispose(buf_t *b);

#endif
