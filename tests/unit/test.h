/*
 * test.h: a minimal unit-test harness. Each test file defines test functions and a main() that runs
 * them with RUN(); CHECK() records a failure with its location and carries on. The last line printed
 * is "N passed, N failed", and the exit status is non-zero when anything failed.
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/*
 * The directory of a third-party test suite the tests read in place (AWS's SigV4 cases, JSON-Schema-Test-Suite):
 * $MCP_TEST_SUITES_DIR/<name> when set, else shared/reference/test-suites/<name> in the nearest directory above
 * the source tree that has it (../shared beside a clone, as on CI; ../../shared beside a git worktree under
 * wt/). Returns 1 with the path in out, or 0 (out then names the first place looked): the caller fails, unless
 * MCP_TEST_SUITES_OPTIONAL=1 says a missing suite may be skipped (test_suite_missing()).
 */
static inline int
test_suite_dir(const char *name, char *out, size_t out_len)
{
    const char *root = getenv("MCP_TEST_SUITES_DIR");
    struct stat st;
    if (root != NULL && root[0] != '\0') {
        snprintf(out, out_len, "%s/%s", root, name);
        return stat(out, &st) == 0 && S_ISDIR(st.st_mode);
    }
    for (int up = 1; up <= 3; ++up) {
        char parents[16] = "";
        for (int i = 0; i != up; ++i)
            strcat(parents, "../");
        snprintf(out, out_len, "%s/%sshared/reference/test-suites/%s", TEST_SOURCE_DIR, parents, name);
        if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
            return 1;
    }
    snprintf(out, out_len, "%s/../shared/reference/test-suites/%s", TEST_SOURCE_DIR, name);
    return 0;
}

/* Reports a suite test_suite_dir() did not find; returns the exit status: 0 only when MCP_TEST_SUITES_OPTIONAL=1. */
static inline int
test_suite_missing(const char *test, const char *path)
{
    const char *optional = getenv("MCP_TEST_SUITES_OPTIONAL");
    int skip = optional != NULL && strcmp(optional, "1") == 0;
    fprintf(stderr, "%s: the test suite %s is not there, nor in the directories above (set MCP_TEST_SUITES_DIR)%s\n", test, path,
            skip ? "" : "; MCP_TEST_SUITES_OPTIONAL=1 would skip it");
    printf("%s: %s\n", test, skip ? "NOT RUN (MCP_TEST_SUITES_OPTIONAL=1)" : "FAILED: test suite missing");
    return skip ? 0 : 1;
}

#define TEST_REPORT(name) (printf("%s: %d passed, %d failed\n", (name), test_passed, test_failed), test_failed != 0)

#endif
