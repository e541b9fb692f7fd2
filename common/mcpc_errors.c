/* errors.c: the text and exit status of each error code (errors.h). */
#include "mcpc_errors.h"

#include <stddef.h>

static const struct {
    int code;
    int exit_status;
    const char *text;
} errors[] = {
#define MCPC_ERR_ROW(name, code, exit_status, text) {code, exit_status, text},
    MCPC_ERRORS(MCPC_ERR_ROW)
#undef MCPC_ERR_ROW
};

const char *
mcpc_strerror(int err)
{
    for (size_t i = 0; i != sizeof(errors) / sizeof(errors[0]); ++i)
        if (errors[i].code == err)
            return errors[i].text;
    return "unknown error";
}

int
mcpc_exit_status(int err)
{
    if (err == 0)
        return MCPC_EXIT_OK;
    for (size_t i = 0; i != sizeof(errors) / sizeof(errors[0]); ++i)
        if (errors[i].code == err)
            return errors[i].exit_status;
    return MCPC_EXIT_TRANSPORT;
}
