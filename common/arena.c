#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct st_arena_chunk_t {
    arena_chunk_t *next;
    alignas(max_align_t) char data[];
};

#define ARENA_CHUNK_SIZE 8192
#define ARENA_ALIGN (alignof(max_align_t))

void
arena_init(arena_t *a, size_t limit)
{
    a->chunks = NULL;
    uintptr_t p = ((uintptr_t)a->first + ARENA_ALIGN - 1) & ~(uintptr_t)(ARENA_ALIGN - 1);
    a->cur = (char *)p;
    a->end = a->first + sizeof(a->first);
    a->used = 0;
    a->limit = limit;
}

void *
arena_alloc(arena_t *a, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL; /* rounding up would wrap to a small size */
    size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (size <= (size_t)(a->end - a->cur)) {
        void *p = a->cur;
        a->cur += size;
        return p;
    }
    size_t chunk = size > ARENA_CHUNK_SIZE / 2 ? size : ARENA_CHUNK_SIZE;
    if (a->limit != 0 && (a->used + chunk > a->limit || a->used + chunk < a->used))
        return NULL;
    arena_chunk_t *c = malloc(sizeof(*c) + chunk);
    if (c == NULL)
        return NULL;
    a->used += chunk;
    c->next = a->chunks;
    a->chunks = c;
    if (chunk == size)
        return c->data; /* a large block: keep the current chunk's free space */
    a->cur = c->data + size;
    a->end = c->data + chunk;
    return c->data;
}

char *
arena_strndup(arena_t *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void
arena_dispose(arena_t *a)
{
    while (a->chunks != NULL) {
        arena_chunk_t *next = a->chunks->next;
        free(a->chunks);
        a->chunks = next;
    }
    arena_init(a, a->limit);
}
