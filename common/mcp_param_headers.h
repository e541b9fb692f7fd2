/*
 * mcp_param_headers: the x-mcp-header annotations of a tool's inputSchema (MCP 2026-07-28, Streamable HTTP
 * "Custom Headers from Tool Parameters", and server/tools "x-mcp-header"). An annotated argument travels
 * twice: in the body, and in an Mcp-Param-{Name} header a client adds so that intermediaries can route on it.
 * The server checks that the two agree; the client builds the headers. Both must read the schema the same
 * way, so the rule is written here once and both use it.
 *
 * The rule, as the specification states it:
 * - An annotation is the member "x-mcp-header" of a schema. It is valid only on a property schema that is
 *   statically reachable from the root: through a chain of "properties" keys alone. Anywhere else (the root
 *   itself, or under items, prefixItems, oneOf, anyOf, allOf, not, if, then, else, $defs (what a $ref points
 *   to), additionalProperties, patternProperties, ...) it makes the tool definition invalid.
 * - Its value is a non-empty RFC 9110 token, unique among the tool's annotations ignoring case.
 * - The property's "type" is "string", "integer" or "boolean" (never "number"), or an array of those that
 *   may add "null" (a null argument has no header); a property without "type" cannot be mirrored.
 * Two readings make the rule exact where the text is silent:
 * - The values of const, enum, default and examples are instance data, not schemas: an "x-mcp-header" key
 *   inside them is data, neither an annotation nor an error.
 * - The keys of properties, patternProperties, $defs, definitions, dependentSchemas, dependentRequired,
 *   dependencies and $vocabulary are names: a property (or definition) named "x-mcp-header" is no annotation.
 *   Their values are schemas (or lists of names) and are searched like any other.
 * Every other member's value is searched for annotations, whether or not the keyword is known, so that an
 * annotation misplaced under a misspelt keyword is reported rather than silently never mirrored.
 */
#ifndef COMMON_MCP_PARAM_HEADERS_H
#define COMMON_MCP_PARAM_HEADERS_H

#include <stddef.h>

#include "arena.h"
#include "json.h"

#define MCP_PARAM_HEADERS_MAX 32       /* annotations in one tool */
#define MCP_PARAM_HEADERS_MAX_DEPTH 32 /* properties from the root to an annotated one */

/* One x-mcp-header annotation. */
typedef struct st_mcp_param_header_t {
    const char *name;        /* the annotation's value, "Region" for Mcp-Param-Region (borrowed from the schema) */
    const char *const *path; /* the property names from the arguments object to the value (the array on the arena) */
    size_t path_len;         /* at least 1 */
} mcp_param_header_t;

/*
 * Collects the annotations of input_schema (NULL: none) in document order; the array is allocated from
 * arena and borrows the schema's strings. Returns 0, or -1 with the reason in err when the tool definition
 * is invalid (or the arena is full). The reason names the property and quotes the annotation: text from the
 * schema, which a client must clean before it shows it.
 */
int mcp_param_headers_collect(const json_value_t *input_schema, arena_t *arena, mcp_param_header_t **params, size_t *num, char *err,
                              size_t err_len);

#endif
