#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(buf_t *b, size_t limit)
{
    b->data = NULL;
    b->len = 0;
    b->capacity = 0;
    b->limit = limit;
    b->failed = 0;
}

char *
buf_reserve(buf_t *b, size_t n)
{
    if (b->failed)
        return NULL;
    size_t need = b->len + n + 1;
    if (need < b->len || (b->limit != 0 && b->len + n > b->limit)) {
        b->failed = 1;
        return NULL;
    }
    if (need > b->capacity) {
        size_t cap = b->capacity != 0 ? b->capacity : 256;
        while (cap < need)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->failed = 1;
            return NULL;
        }
        b->data = p;
        b->capacity = cap;
    }
    return b->data + b->len;
}

void
buf_commit(buf_t *b, size_t n)
{
    b->len += n;
    b->data[b->len] = '\0';
}

void
buf_append(buf_t *b, const void *p, size_t n)
{
    char *dst = buf_reserve(b, n);
    if (dst == NULL)
        return;
    if (n != 0)
        memcpy(dst, p, n);
    buf_commit(b, n);
}

void
buf_append_str(buf_t *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void
buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof(small)) {
        buf_append(b, small, (size_t)n);
        return;
    }
    char *dst = buf_reserve(b, (size_t)n);
    if (dst == NULL)
        return;
    vsnprintf(dst, (size_t)n + 1, fmt, ap);
    buf_commit(b, (size_t)n);
}

void
buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void
buf_reset(buf_t *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

char *
buf_release(buf_t *b, size_t *len)
{
    char *p = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->capacity = 0;
    b->failed = 0;
    return p;
}

void
buf_dispose(buf_t *b)
{
    free(b->data);
    buf_init(b, b->limit);
}

int
buf_append_stream(buf_t *b, FILE *f)
{
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) != 0 && !b->failed)
        buf_append(b, chunk, n);
    return ferror(f) || b->failed ? -1 : 0;
}
