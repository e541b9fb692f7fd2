/*
 * asan.h: marking memory that must not be touched, when AddressSanitizer is on (a no-op otherwise).
 *
 * Memory a program hands out itself (a scratch area, an object kept for reuse) is invisible to ASan unless it is
 * poisoned while it is not in use: then a stray access is reported as malloc'd memory would be.
 */
#ifndef COMMON_ASAN_H
#define COMMON_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define COMMON_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COMMON_ASAN 1
#endif
#endif

#ifdef COMMON_ASAN
#include <sanitizer/asan_interface.h>
#define ASAN_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define ASAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ASAN_POISON(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#endif
