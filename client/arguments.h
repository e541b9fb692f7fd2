/*
 * arguments: the key=value words of `call` and `prompt` turned into a JSON arguments object.
 *
 *   key=value   for a tool, the property's type in the tool's inputSchema decides: when it allows
 *               "string" the value is sent verbatim as a string; otherwise a value that is valid JSON
 *               (42, true, null, [1,2], {"a":1}) is sent as that JSON, and anything else as a string.
 *               With no schema, or a property it does not list, the same "valid JSON, else string" rule
 *               applies. For a prompt every value is a string (prompt arguments are strings).
 *   key:=json   the value is JSON, whatever the schema says (tools only).
 *
 * A key may be given once.
 */
#ifndef MCPC_ARGUMENTS_H
#define MCPC_ARGUMENTS_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

/*
 * Appends the arguments object built from words[0..n) to out. input_schema may be NULL. Returns 0, or
 * MCPC_ERR_USAGE with the reason in err.
 */
int mcpc_arguments_build(char *const *words, size_t n, const json_value_t *input_schema, int strings_only, buf_t *out, char *err,
                         size_t err_len);

#endif
