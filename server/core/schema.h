/*
 * schema: JSON Schema (2020-12 subset) validation of tool arguments and structured results.
 *
 * Supported keywords: type (a name or an array of names; "integer" accepts any integral number),
 * properties, required, additionalProperties (boolean or schema), enum, const, minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum, multipleOf, minLength, maxLength (counted in code points), pattern
 * (ECMA-262 regular expressions, run by PCRE2 with a bound on backtracking), items
 * (a schema), prefixItems, minItems, maxItems, uniqueItems, minProperties, maxProperties, allOf, anyOf,
 * oneOf, not, if/then/else, and $ref to a local "#/$defs/NAME" or "#/definitions/NAME" or "#", or to
 * "#NAME" for the subschema whose $anchor is NAME (anchors are unique names of the 2020-12 syntax,
 * ^[A-Za-z_][-A-Za-z0-9._]*$). Annotations ($schema, $id, title, description, default, examples,
 * format, ...) are accepted and ignored. A $ref to anything else, or an unknown keyword with a validating
 * meaning (contains, patternProperties, $dynamicRef, ...), is reported by schema_check() so a tool cannot silently
 * ship a schema the server would not enforce.
 */
#ifndef MCP_SCHEMA_H
#define MCP_SCHEMA_H

#include <stddef.h>

#include "json.h"

/*
 * Checks that schema is an object the validator fully understands. Returns 0, or -1 with a description
 * of the first problem in err (always NUL-terminated). Called once per schema at start-up.
 */
int schema_check(const json_value_t *schema, char *err, size_t err_len);

/*
 * Validates instance against schema (which passed schema_check). Returns 0 when valid, or -1 with a
 * short message for the client in err, such as "argument 'city': expected string" or "missing required
 * argument 'city'". The message names only properties the schema itself names; it never quotes values
 * from the instance. Recursion is bounded by the instance's depth (the parser's limit) and a fixed limit
 * on $ref chains.
 */
int schema_validate(const json_value_t *schema, const json_value_t *instance, char *err, size_t err_len);

#endif
