/*
 * commands: what each mcp-client command does, in one table.
 *
 * Every command runs on a connected session (either era); it sends its requests, prints the result
 * (output.h) and returns 0 or a negative MCPC_ERR_*. A usage problem found while running (a bad
 * key=value) is described in run->error; anything else in the session's error.
 */
#ifndef MCPC_COMMANDS_H
#define MCPC_COMMANDS_H

#include <stddef.h>

#include "arena.h"
#include "cli.h"
#include "http_client.h"
#include "output.h"
#include "session.h"

typedef struct st_mcpc_run_t {
    mcpc_session_t *session;
    const mcpc_options_t *options;
    const mcpc_output_t *output;
    arena_t *arena;                   /* for results; disposed after the command */
    const mcpc_http_signer_t *signer; /* --aws-sigv4 (always for admin); NULL: unsigned */
    char error[512];
} mcpc_run_t;

/*
 * A row of the command table.
 *   name       what is typed
 *   synopsis   its arguments, for --help
 *   summary    one line for --help
 *   min_words, max_words
 *              how many arguments it takes (SIZE_MAX: any number)
 *   takes_args whether --args applies
 *   run        does it
 *   standalone it speaks HTTP itself (proxy, admin): run gets no MCP session (run->session is NULL)
 */
typedef struct st_mcpc_command_t {
    const char *name;
    const char *synopsis;
    const char *summary;
    size_t min_words, max_words;
    int takes_args;
    int (*run)(mcpc_run_t *run);
    int standalone;
} mcpc_command_t;

extern const mcpc_command_t mcpc_commands[]; /* ends with a row whose name is NULL */

const mcpc_command_t *mcpc_command_find(const char *name);

#endif
