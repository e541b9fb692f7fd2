/*
 * spare.h: one freed object of a kind, kept for the next one made (a per-request object costs no malloc and free).
 *
 * The slot is an atomic pointer, so an object freed on any thread can be taken on any other. A kept object is poisoned
 * under AddressSanitizer until it is taken again.
 */
#ifndef COMMON_SPARE_H
#define COMMON_SPARE_H

#include <stdatomic.h>
#include <stddef.h>

#include "asan.h"

/* The kept object (unpoisoned), or NULL when there is none. */
static inline void *
spare_take(_Atomic(void *) *slot, size_t size)
{
    void *p = atomic_exchange_explicit(slot, NULL, memory_order_acquire);
    if (p != NULL)
        ASAN_UNPOISON(p, size);
    return p;
}

/* Keeps p; returns the object it displaces (unpoisoned, for the caller to free), or NULL. */
static inline void *
spare_put(_Atomic(void *) *slot, void *p, size_t size)
{
    ASAN_POISON(p, size);
    void *old = atomic_exchange_explicit(slot, p, memory_order_acq_rel);
    if (old != NULL)
        ASAN_UNPOISON(old, size);
    return old;
}

#endif
