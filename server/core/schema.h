/*
 * schema: JSON Schema (2020-12 subset) validation of tool arguments and structured results.
 *
 * Supported keywords: type (a name or an array of names; "integer" accepts any integral number),
 * properties, required, additionalProperties (boolean or schema), enum, const, minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum, multipleOf (numbers compared as exact decimals), minLength,
 * maxLength (counted in code points), pattern, items (a schema), prefixItems, minItems, maxItems,
 * uniqueItems, minProperties, maxProperties, allOf, anyOf, oneOf, not, if/then/else, $defs and
 * definitions, $anchor, and $ref within the schema: "#" (or ""), "#NAME" for the subschema whose $anchor is
 * NAME (anchors are unique names of the 2020-12 syntax, ^[A-Za-z_][-A-Za-z0-9._]*$), or "#/..." for any
 * subschema by JSON pointer (each step through a keyword that holds schemas: "#/$defs/a", "#/properties/x",
 * "#/prefixItems/0"); each may start with the root's own $id, exactly as written. Annotations ($id and
 * $schema at the root, title, description, default, examples, format, $comment, deprecated, readOnly,
 * writeOnly, contentMediaType, contentEncoding, contentSchema) are accepted and not applied; "x-" names are
 * vendor extensions. $schema, if present, must name 2020-12 ("https://json-schema.org/draft/2020-12/schema").
 *
 * pattern is an ECMA-262 regular expression with the u flag, as JSON Schema means it, run by PCRE2 with a
 * bound on backtracking; where the two differ (\s and \S, '.', \p{...} names such as \p{Letter}, surrogate
 * pair escapes) schema.c rewrites the pattern so it keeps ECMA-262's meaning.
 *
 * Not supported, and refused by schema_check() so that a tool cannot silently ship a schema the server would
 * not enforce: contains, minContains, maxContains, patternProperties, propertyNames, dependentRequired,
 * dependentSchemas, dependencies, additionalItems, unevaluatedItems, unevaluatedProperties, $dynamicRef,
 * $dynamicAnchor, $recursiveRef, $vocabulary, any other unknown keyword, $id or $schema in a subschema (a
 * change of base URI or dialect), another dialect, and a $ref to another document or relative to an $id.
 * tests/unit/test_schema_suite.c runs JSON-Schema-Test-Suite (draft2020-12) against this list: every case of
 * a supported keyword passes, and every schema using an unsupported one is refused.
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
