/*
 * test.h: a minimal unit-test harness. Each test file defines test functions and a main() that runs
 * them with RUN(); CHECK() records a failure with its location and carries on. The last line printed
 * is "N passed, N failed", and the exit status is non-zero when anything failed.
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <string.h>

#include "buf.h"

static int test_checks_failed;
static int test_passed, test_failed;

#define CHECK(cond)                                                                                                                \
    do {                                                                                                                           \
        if (!(cond)) {                                                                                                             \
            fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                             \
            ++test_checks_failed;                                                                                                  \
        }                                                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                                                            \
    do {                                                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                                                           \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                                                                     \
            fprintf(stderr, "  %s:%d: %s == %s\n    got:      %s\n    expected: %s\n", __FILE__, __LINE__, #a, #b,                 \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                                                       \
            ++test_checks_failed;                                                                                                  \
        }                                                                                                                          \
    } while (0)

#define RUN(fn)                                                                                                                    \
    do {                                                                                                                           \
        test_checks_failed = 0;                                                                                                    \
        fn();                                                                                                                      \
        if (test_checks_failed == 0) {                                                                                             \
            ++test_passed;                                                                                                         \
        } else {                                                                                                                   \
            ++test_failed;                                                                                                         \
            fprintf(stderr, "FAIL %s\n", #fn);                                                                                     \
        }                                                                                                                          \
    } while (0)

/* Appends s[0..len) to b with CR and LF written as \\r and \\n, for one-line transcripts of parsed input. */
static inline void
append_escaped(buf_t *b, const char *s, size_t len)
{
    for (size_t i = 0; i != len; ++i) {
        if (s[i] == '\n')
            buf_append_str(b, "\\n");
        else if (s[i] == '\r')
            buf_append_str(b, "\\r");
        else
            buf_append_char(b, s[i]);
    }
}

#define TEST_REPORT(name) (printf("%s: %d passed, %d failed\n", (name), test_passed, test_failed), test_failed != 0)

#endif
