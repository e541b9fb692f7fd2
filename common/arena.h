/*
 * arena: a bump allocator for request-scoped memory.
 *
 * Everything a request allocates (the parsed JSON tree, decoded strings, response pieces) comes from one
 * arena and is released at once by arena_dispose(). Nothing allocated from an arena is freed on its own.
 * An arena has a byte limit: past it, arena_alloc() returns NULL and the caller reports "too large"
 * instead of growing without bound. Not thread-safe: one arena belongs to one thread at a time.
 *
 * Never copy an arena_t (or a struct that embeds one) by value: cur points into the inline first chunk,
 * so a copy would hand out the original's memory.
 */
#ifndef COMMON_ARENA_H
#define COMMON_ARENA_H

#include <stddef.h>

typedef struct st_arena_chunk_t arena_chunk_t;

typedef struct st_arena_t {
    arena_chunk_t *chunks; /* newest first */
    char *cur;             /* free space in the newest chunk */
    char *end;
    size_t used;      /* bytes obtained from malloc so far */
    size_t limit;     /* 0: no limit */
    char first[1024]; /* inline first chunk: small requests never call malloc */
} arena_t;

void arena_init(arena_t *a, size_t limit);
/* Memory aligned for any type, or NULL when the limit would be exceeded or malloc fails. */
void *arena_alloc(arena_t *a, size_t size);
/* A NUL-terminated copy of s[0..len). */
char *arena_strndup(arena_t *a, const char *s, size_t len);
/* Frees every chunk; the arena may be initialised again afterwards. */
void arena_dispose(arena_t *a);

#endif
