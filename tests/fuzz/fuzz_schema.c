/*
 * fuzz_schema: a libFuzzer target over the JSON Schema validator (server/core/schema.c), schema and instance both
 * fuzzed. The input is a schema, a newline, and an instance (JSON has no raw newline inside a token, so the first
 * one splits them); an input without a newline is both the schema and the instance. The schema goes through
 * schema_check() as a tool's schema does at start-up; one it accepts then validates the instance, as arguments are
 * validated on every call. Checked on every input:
 *   - the results are 0 or -1, and a refusal always comes with a message, NUL-terminated within the buffer;
 *   - validation is deterministic (the same instance twice, and a copy of it, give the same answer and message);
 *   - for a schema without "$" (so no $ref or root-only keyword moves when it is nested) and a validation that did
 *     not give up (a loop, the work budget): a valid instance stays valid in {"allOf":[schema]} and
 *     {"anyOf":[schema,false]}, an invalid one stays invalid there, and {"not":schema} answers the opposite.
 * Timeouts matter here too: pattern runs PCRE2 with a backtracking bound, and $ref chains have a limit.
 * Build and run: tests/fuzz/run.sh SECONDS schema.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"
#include "jsonw.h"
#include "schema.h"

#define MAX_DEPTH 32
#define ERR_SIZE 256

static void
require(int ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz_schema: guarantee broken: %s\n", what);
    abort();
}

/* The messages of a validation that could not go on (schema.c's give_up()): then not:schema is no negation. */
static int
gave_up(const char *err)
{
    static const char *const texts[] = {"the schema is invalid", "not a valid number", "too large to validate",
                                        "out of memory",         "nest too deeply",    "too complex to validate",
                                        "nested too deeply"};
    for (size_t i = 0; i != sizeof(texts) / sizeof(texts[0]); ++i)
        if (strstr(err, texts[i]) != NULL)
            return 1;
    return 0;
}

static int
validate(const json_value_t *schema, const json_value_t *instance, char *err)
{
    memset(err, 'x', ERR_SIZE);
    err[0] = '\0';
    int r = schema_validate(schema, instance, err, ERR_SIZE);
    require(r == 0 || r == -1, "validation answers 0 or -1");
    require(memchr(err, '\0', ERR_SIZE) != NULL, "the message is NUL-terminated");
    require(r == 0 || err[0] != '\0', "a refusal says why");
    return r;
}

/* The schema wrapped as prefix schema suffix, parsed; NULL if the wrapping is no schema the validator takes. */
static json_value_t *
wrap(arena_t *arena, const char *prefix, const json_value_t *schema, const char *suffix)
{
    buf_t text = BUF_INIT(0);
    jsonw_t w;
    buf_append_str(&text, prefix);
    jsonw_init(&w, &text);
    jsonw_value(&w, schema);
    buf_append_str(&text, suffix);
    json_value_t *v = NULL;
    char err[ERR_SIZE];
    if (json_parse(arena, text.data, text.len, MAX_DEPTH + 2, &v) != 0 || schema_check(v, err, sizeof(err)) != 0)
        v = NULL;
    buf_dispose(&text);
    return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *newline = memchr(text, '\n', size);
    size_t schema_len = newline != NULL ? (size_t)(newline - text) : size;
    const char *instance_text = newline != NULL ? newline + 1 : text;
    size_t instance_len = newline != NULL ? size - schema_len - 1 : size;

    arena_t arena;
    arena_init(&arena, 0);
    json_value_t *schema = NULL, *instance = NULL;
    char err[ERR_SIZE], again[ERR_SIZE];
    if (json_parse(&arena, text, schema_len, MAX_DEPTH, &schema) != 0)
        goto done;
    memset(err, 'x', sizeof(err));
    int checked = schema_check(schema, err, sizeof(err));
    require(checked == 0 || checked == -1, "the check answers 0 or -1");
    require(memchr(err, '\0', sizeof(err)) != NULL, "the check's message is NUL-terminated");
    if (checked != 0 || json_parse(&arena, instance_text, instance_len, MAX_DEPTH, &instance) != 0)
        goto done;

    int r = validate(schema, instance, err);
    require(validate(schema, instance, again) == r && strcmp(err, again) == 0, "validation is deterministic");
    require(validate(schema, json_copy(&arena, instance), again) == r && strcmp(err, again) == 0, "a copy validates alike");

    if (memchr(text, '$', schema_len) != NULL || gave_up(err))
        goto done;
    const json_value_t *all_of = wrap(&arena, "{\"allOf\":[", schema, "]}");
    const json_value_t *any_of = wrap(&arena, "{\"anyOf\":[", schema, ",false]}");
    const json_value_t *not = wrap(&arena, "{\"not\":", schema, "}");
    require(all_of != NULL && any_of != NULL && not != NULL, "a checked schema can be wrapped");
    int r_all = validate(all_of, instance, again);
    require(r_all == r || gave_up(again), "allOf:[schema] agrees");
    int r_any = validate(any_of, instance, again);
    require(r_any == r || gave_up(again), "anyOf:[schema,false] agrees");
    int r_not = validate(not, instance, again);
    require(r_not == (r == 0 ? -1 : 0) || gave_up(again), "not:schema disagrees");
done:
    arena_dispose(&arena);
    return 0;
}
