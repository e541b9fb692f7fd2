/*
 * server/core/schema.c against JSON-Schema-Test-Suite (draft2020-12), read in place from
 * ../shared/reference/test-suites/json-schema-test-suite (test_suite_dir(); a missing suite fails the test).
 *
 * The table below names every file of the suite's draft2020-12 directory, so a file is never skipped by
 * omission (a file the table does not name fails the test):
 *   - a file of a keyword the validator supports: every case of every group gets its verdict. A group that
 *     needs what the validator does not claim (a remote $ref, a nested $id, ...) is listed in not_claimed[]
 *     with the reason, and schema_check() must refuse it: a tool could not register such a schema.
 *   - a file of a keyword the validator does not support: schema_check() must refuse every group's schema,
 *     naming an unsupported keyword, as it does at tool registration.
 *   - an optional file the validator does not claim at all: listed with the reason and counted, not run.
 * Each invalid verdict's message is also checked for the validator's guarantee that nothing of the instance
 * is echoed. The counts are printed.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "schema.h"
#include "test.h"

#define SUITE "json-schema-test-suite/tests/draft2020-12"

typedef enum en_file_kind_t {
    SUPPORTED,   /* run every case (groups in not_claimed[] excepted, and refused) */
    UNSUPPORTED, /* the keyword is refused by schema_check(): every group must be */
    NOT_CLAIMED, /* optional behaviour the validator does not claim: listed, not run */
} file_kind_t;

#define FORMAT_ASSERTION "format as an assertion (here it is an annotation, 2020-12's default)"
static const struct st_suite_file_t {
    const char *name; /* under draft2020-12/ */
    file_kind_t kind;
    const char *why; /* UNSUPPORTED: the keyword; NOT_CLAIMED: the reason */
} files[] = {
    {"additionalProperties.json", SUPPORTED, NULL},
    {"allOf.json", SUPPORTED, NULL},
    {"anchor.json", SUPPORTED, NULL},
    {"anyOf.json", SUPPORTED, NULL},
    {"boolean_schema.json", SUPPORTED, NULL},
    {"const.json", SUPPORTED, NULL},
    {"contains.json", UNSUPPORTED, "contains"},
    {"content.json", SUPPORTED, NULL},
    {"default.json", SUPPORTED, NULL},
    {"defs.json", SUPPORTED, NULL},
    {"dependentRequired.json", UNSUPPORTED, "dependentRequired"},
    {"dependentSchemas.json", UNSUPPORTED, "dependentSchemas"},
    {"dynamicRef.json", UNSUPPORTED, "$dynamicRef"},
    {"enum.json", SUPPORTED, NULL},
    {"exclusiveMaximum.json", SUPPORTED, NULL},
    {"exclusiveMinimum.json", SUPPORTED, NULL},
    {"format.json", SUPPORTED, NULL},
    {"if-then-else.json", SUPPORTED, NULL},
    {"infinite-loop-detection.json", SUPPORTED, NULL},
    {"items.json", SUPPORTED, NULL},
    {"maxContains.json", UNSUPPORTED, "maxContains"},
    {"maxItems.json", SUPPORTED, NULL},
    {"maxLength.json", SUPPORTED, NULL},
    {"maxProperties.json", SUPPORTED, NULL},
    {"maximum.json", SUPPORTED, NULL},
    {"minContains.json", UNSUPPORTED, "minContains"},
    {"minItems.json", SUPPORTED, NULL},
    {"minLength.json", SUPPORTED, NULL},
    {"minProperties.json", SUPPORTED, NULL},
    {"minimum.json", SUPPORTED, NULL},
    {"multipleOf.json", SUPPORTED, NULL},
    {"not.json", SUPPORTED, NULL},
    {"oneOf.json", SUPPORTED, NULL},
    {"pattern.json", SUPPORTED, NULL},
    {"patternProperties.json", UNSUPPORTED, "patternProperties"},
    {"prefixItems.json", SUPPORTED, NULL},
    {"properties.json", SUPPORTED, NULL},
    {"propertyNames.json", UNSUPPORTED, "propertyNames"},
    {"ref.json", SUPPORTED, NULL},
    {"refRemote.json", UNSUPPORTED, "$ref"},
    {"required.json", SUPPORTED, NULL},
    {"type.json", SUPPORTED, NULL},
    {"unevaluatedItems.json", UNSUPPORTED, "unevaluatedItems"},
    {"unevaluatedProperties.json", UNSUPPORTED, "unevaluatedProperties"},
    {"uniqueItems.json", SUPPORTED, NULL},
    {"vocabulary.json", UNSUPPORTED, "$vocabulary"},
    /* optional: what a 2020-12 validator may do, and this one claims for the keywords it supports */
    {"optional/bignum.json", SUPPORTED, NULL},
    {"optional/ecmascript-regex.json", SUPPORTED, NULL},
    {"optional/float-overflow.json", SUPPORTED, NULL},
    {"optional/non-bmp-regex.json", SUPPORTED, NULL},
    {"optional/anchor.json", NOT_CLAIMED, "anchors in subschemas with their own $id (base URI changes are not supported)"},
    {"optional/cross-draft.json", NOT_CLAIMED, "references to schemas of other drafts (remote $ref)"},
    {"optional/dependencies-compatibility.json", NOT_CLAIMED, "draft-07's dependencies keyword"},
    {"optional/dynamicRef.json", NOT_CLAIMED, "$dynamicRef is not supported"},
    {"optional/format-assertion.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/id.json", NOT_CLAIMED, "$id in subschemas (base URI changes are not supported)"},
    {"optional/no-schema.json", NOT_CLAIMED, "a schema without $schema read as another draft's"},
    {"optional/refOfUnknownKeyword.json", NOT_CLAIMED, "$ref into unknown keywords (unknown keywords are refused)"},
    {"optional/unknownKeyword.json", NOT_CLAIMED, "unknown keywords are refused, not ignored"},
    {"optional/format/date-time.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/date.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/duration.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/ecmascript-regex.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/email.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/hostname.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/idn-email.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/idn-hostname.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/ipv4.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/ipv6.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/iri-reference.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/iri.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/json-pointer.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/regex.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/relative-json-pointer.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/time.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/unknown.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/uri-reference.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/uri-template.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/uri.json", NOT_CLAIMED, FORMAT_ASSERTION},
    {"optional/format/uuid.json", NOT_CLAIMED, FORMAT_ASSERTION},
};

/* Groups of SUPPORTED files that need what the validator does not claim; schema_check() must refuse each. */
#define USES(keyword) "uses " keyword ", a keyword the validator does not support"
#define NESTED_ID "an $id in a subschema (a change of base URI), which the validator does not support"
#define RELATIVE_REF "a $ref resolved against an $id as a relative URI, which the validator does not support"
#define REMOTE_REF "a $ref to another document (the 2020-12 meta-schema), which the validator does not fetch"
static const struct st_not_claimed_t {
    const char *file;
    const char *group; /* the group's description, exactly */
    const char *why;
} not_claimed[] = {
    {"additionalProperties.json", "additionalProperties being false does not allow other properties", USES("patternProperties")},
    {"additionalProperties.json", "non-ASCII pattern with additionalProperties", USES("patternProperties")},
    {"additionalProperties.json", "additionalProperties with propertyNames", USES("propertyNames")},
    {"additionalProperties.json", "dependentSchemas with additionalProperties", USES("dependentSchemas")},
    {"anchor.json", "Location-independent identifier with absolute URI", NESTED_ID},
    {"anchor.json", "Location-independent identifier with base URI change in subschema", NESTED_ID},
    {"anchor.json", "same $anchor with different base uri", NESTED_ID},
    {"defs.json", "validate definition against metaschema", REMOTE_REF},
    {"not.json", "collect annotations inside a 'not', even if collection is disabled", USES("unevaluatedProperties")},
    {"properties.json", "properties, patternProperties, additionalProperties interaction", USES("patternProperties")},
    {"ref.json", "remote ref, containing refs itself", REMOTE_REF},
    {"ref.json", "Recursive references between schemas", NESTED_ID},
    {"ref.json", "ref creates new scope when adjacent to keywords", USES("unevaluatedProperties")},
    {"ref.json", "refs with relative uris and defs", NESTED_ID},
    {"ref.json", "relative refs with absolute uris and defs", NESTED_ID},
    {"ref.json", "$id must be resolved against nearest parent, not just immediate parent", NESTED_ID},
    {"ref.json", "order of evaluation: $id and $ref", RELATIVE_REF},
    {"ref.json", "order of evaluation: $id and $anchor and $ref", NESTED_ID},
    {"ref.json", "order of evaluation: $id and $ref on nested schema", RELATIVE_REF},
    {"ref.json", "URN ref with nested pointer ref", NESTED_ID},
    {"ref.json", "ref to if", NESTED_ID},
    {"ref.json", "ref to then", NESTED_ID},
    {"ref.json", "ref to else", NESTED_ID},
    {"ref.json", "ref with absolute-path-reference", NESTED_ID},
    {"optional/ecmascript-regex.json", "patterns always use unicode semantics with patternProperties", USES("patternProperties")},
    {"optional/ecmascript-regex.json", "\\w in patternProperties matches [A-Za-z0-9_], not unicode letters",
     USES("patternProperties")},
    {"optional/ecmascript-regex.json", "patternProperties with ASCII ranges", USES("patternProperties")},
    {"optional/ecmascript-regex.json", "\\d in patternProperties matches [0-9], not unicode digits", USES("patternProperties")},
    {"optional/ecmascript-regex.json", "patternProperties with non-ASCII digits", USES("patternProperties")},
    {"optional/non-bmp-regex.json", "Proper UTF-16 surrogate pair handling: patternProperties", USES("patternProperties")},
};

static struct {
    size_t files_run, groups_run, tests_run, tests_failed;
    size_t groups_not_claimed, unsupported_files, unsupported_groups, files_not_claimed;
} count;

static char suite_dir[1024];

static char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    buf_t b = BUF_INIT(0);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) != 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_release(&b, len);
}

static const char *
not_claimed_reason(const char *file, const char *group)
{
    for (size_t i = 0; i != sizeof(not_claimed) / sizeof(not_claimed[0]); ++i)
        if (strcmp(not_claimed[i].file, file) == 0 && strcmp(not_claimed[i].group, group) == 0)
            return not_claimed[i].why;
    return NULL;
}

/* Whether s occurs in any string or member name of the schema (which a message may quote: the schema is the tool's). */
static int
schema_mentions(const json_value_t *v, const char *s)
{
    if (v->type == JSON_STRING)
        return strstr(v->u.str.ptr, s) != NULL;
    if (v->type == JSON_ARRAY)
        for (size_t i = 0; i != v->u.arr.len; ++i)
            if (schema_mentions(v->u.arr.items[i], s))
                return 1;
    if (v->type == JSON_OBJECT)
        for (size_t i = 0; i != v->u.obj.len; ++i)
            if (strstr(v->u.obj.items[i].key, s) != NULL || schema_mentions(v->u.obj.items[i].value, s))
                return 1;
    return 0;
}

/* Whether the message quotes a string of the instance (a value or a member name) that the schema does not have. */
static int
echoes_instance(const json_value_t *instance, const json_value_t *schema, const char *message)
{
    if (instance->type == JSON_STRING)
        return instance->u.str.len >= 3 && strlen(instance->u.str.ptr) == instance->u.str.len &&
               strstr(message, instance->u.str.ptr) != NULL && !schema_mentions(schema, instance->u.str.ptr);
    if (instance->type == JSON_ARRAY)
        for (size_t i = 0; i != instance->u.arr.len; ++i)
            if (echoes_instance(instance->u.arr.items[i], schema, message))
                return 1;
    if (instance->type == JSON_OBJECT)
        for (size_t i = 0; i != instance->u.obj.len; ++i) {
            const json_member_t *m = &instance->u.obj.items[i];
            if ((m->key_len >= 3 && strstr(message, m->key) != NULL && !schema_mentions(schema, m->key)) ||
                echoes_instance(m->value, schema, message))
                return 1;
        }
    return 0;
}

static void
run_group(const char *file, const json_value_t *group)
{
    const char *description = json_string(json_get(group, "description"));
    const json_value_t *schema = json_get(group, "schema"), *tests = json_get(group, "tests");
    CHECK(description != NULL && schema != NULL && tests != NULL && tests->type == JSON_ARRAY);
    if (description == NULL || schema == NULL || tests == NULL || tests->type != JSON_ARRAY)
        return;
    char err[512];
    int checked = schema_check(schema, err, sizeof(err));
    const char *why = not_claimed_reason(file, description);
    if (why != NULL) {
        if (checked == 0)
            fprintf(stderr, "  %s \"%s\": listed as not claimed (%s), but schema_check() accepts it\n", file, description, why);
        CHECK(checked != 0);
        ++count.groups_not_claimed;
        return;
    }
    if (checked != 0) {
        fprintf(stderr, "  %s \"%s\": schema_check() refuses the schema: %s\n", file, description, err);
        CHECK(checked == 0);
        return;
    }
    ++count.groups_run;
    for (size_t i = 0; i != tests->u.arr.len; ++i) {
        const json_value_t *t = tests->u.arr.items[i], *data = json_get(t, "data"), *valid = json_get(t, "valid");
        const char *what = json_string(json_get(t, "description"));
        CHECK(data != NULL && valid != NULL && (valid->type == JSON_TRUE || valid->type == JSON_FALSE));
        if (data == NULL || valid == NULL)
            continue;
        ++count.tests_run;
        int verdict = schema_validate(schema, data, err, sizeof(err)) == 0;
        if (verdict != (valid->type == JSON_TRUE)) {
            fprintf(stderr, "  %s \"%s\" / \"%s\": expected %s, got %s (%s)\n", file, description, what != NULL ? what : "?",
                    valid->type == JSON_TRUE ? "valid" : "invalid", verdict ? "valid" : "invalid", verdict ? "" : err);
            ++count.tests_failed;
            CHECK(verdict == (valid->type == JSON_TRUE));
        }
        if (!verdict && echoes_instance(data, schema, err)) {
            fprintf(stderr, "  %s \"%s\" / \"%s\": the message echoes the instance: %s\n", file, description, what, err);
            CHECK(!"a message echoes the instance");
        }
    }
}

/* A group of a file whose keyword is not supported: a tool could not register its schema. */
static void
refuse_group(const char *file, const char *keyword, const json_value_t *group)
{
    const char *description = json_string(json_get(group, "description"));
    const json_value_t *schema = json_get(group, "schema");
    CHECK(description != NULL && schema != NULL);
    if (description == NULL || schema == NULL)
        return;
    char err[512];
    if (schema_check(schema, err, sizeof(err)) == 0) {
        fprintf(stderr, "  %s \"%s\": schema_check() accepts a schema of an unsupported keyword (%s)\n", file, description,
                keyword);
        CHECK(!"an unsupported keyword's schema is refused");
    }
    ++count.unsupported_groups;
}

static void
run_file(const struct st_suite_file_t *f)
{
    if (f->kind == NOT_CLAIMED) {
        ++count.files_not_claimed;
        return;
    }
    char path[1400];
    snprintf(path, sizeof(path), "%s/%s", suite_dir, f->name);
    size_t len;
    char *text = read_all(path, &len);
    if (text == NULL) {
        fprintf(stderr, "  cannot read %s\n", path);
        CHECK(text != NULL);
        return;
    }
    arena_t a;
    arena_init(&a, 0);
    json_value_t *groups;
    /* the suite's own JSON spells U+0000 in strings (const, enum): read it as data, as AWS events are */
    int ret = json_parse_lenient(&a, text, len, 128, &groups);
    CHECK(ret == 0 && groups->type == JSON_ARRAY);
    for (size_t i = 0; ret == 0 && groups->type == JSON_ARRAY && i != groups->u.arr.len; ++i) {
        if (f->kind == SUPPORTED)
            run_group(f->name, groups->u.arr.items[i]);
        else
            refuse_group(f->name, f->why, groups->u.arr.items[i]);
    }
    if (f->kind == SUPPORTED)
        ++count.files_run;
    else
        ++count.unsupported_files;
    arena_dispose(&a);
    free(text);
}

static int
listed(const char *name)
{
    for (size_t i = 0; i != sizeof(files) / sizeof(files[0]); ++i)
        if (strcmp(files[i].name, name) == 0)
            return 1;
    return 0;
}

/* Every .json file of the directory (and its optional/ and optional/format/) is in the table. */
static void
test_every_file_listed(void)
{
    static const char *const subdirs[] = {"", "optional/", "optional/format/"};
    size_t seen = 0;
    for (size_t k = 0; k != sizeof(subdirs) / sizeof(subdirs[0]); ++k) {
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", suite_dir, subdirs[k]);
        DIR *d = opendir(path);
        CHECK(d != NULL);
        if (d == NULL)
            continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
                continue;
            char name[512];
            snprintf(name, sizeof(name), "%s%s", subdirs[k], e->d_name);
            if (!listed(name))
                fprintf(stderr, "  %s is not in the table: say whether its keyword is supported\n", name);
            CHECK(listed(name));
            ++seen;
        }
        closedir(d);
    }
    CHECK(seen == sizeof(files) / sizeof(files[0]));
}

static void
test_suite(void)
{
    for (size_t i = 0; i != sizeof(files) / sizeof(files[0]); ++i)
        run_file(&files[i]);
    /* every listed group was met */
    CHECK(count.groups_not_claimed == sizeof(not_claimed) / sizeof(not_claimed[0]));
}

/* How many listed groups or files each reason covers, one line per reason. */
static void
print_reasons(const char *what, const char *const *reasons, size_t n)
{
    for (size_t i = 0; i != n; ++i) {
        size_t seen = 0, first = i;
        for (size_t j = 0; j != n; ++j)
            if (strcmp(reasons[j], reasons[i]) == 0 && seen++ == 0)
                first = j;
        if (first == i)
            printf("test_schema_suite:   %zu %s: %s\n", seen, what, reasons[i]);
    }
}

int
main(void)
{
    if (!test_suite_dir(SUITE, suite_dir, sizeof(suite_dir)))
        return test_suite_missing("test_schema_suite", suite_dir);
    RUN(test_every_file_listed);
    RUN(test_suite);
    printf("test_schema_suite: JSON-Schema-Test-Suite draft2020-12: %zu files run, %zu groups, %zu tests (%zu failed); "
           "%zu groups not claimed (listed, refused by schema_check); %zu files of unsupported keywords (%zu groups, each "
           "refused); %zu optional files not claimed (listed, not run)\n",
           count.files_run, count.groups_run, count.tests_run, count.tests_failed, count.groups_not_claimed,
           count.unsupported_files, count.unsupported_groups, count.files_not_claimed);
    const char *reasons[sizeof(not_claimed) / sizeof(not_claimed[0]) + sizeof(files) / sizeof(files[0])];
    size_t n = 0;
    for (size_t i = 0; i != sizeof(not_claimed) / sizeof(not_claimed[0]); ++i)
        reasons[n++] = not_claimed[i].why;
    print_reasons("groups not claimed", reasons, n);
    n = 0;
    for (size_t i = 0; i != sizeof(files) / sizeof(files[0]); ++i)
        if (files[i].kind == NOT_CLAIMED)
            reasons[n++] = files[i].why;
    print_reasons("optional files not claimed", reasons, n);
    return TEST_REPORT("test_schema_suite");
}
