/* error: the one way a function that fails with a message writes it. */
#ifndef COMMON_ERROR_H
#define COMMON_ERROR_H

#include <stddef.h>

/* Formats the message into err (always NUL-terminated, truncated to err_len) and returns -1, for `return error_format(...)`. */
int error_format(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
