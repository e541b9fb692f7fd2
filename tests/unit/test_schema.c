/*
 * Unit tests for server/core/schema.c: tables of (schema, instance, expected message) for
 * schema_validate(), tables of (schema, expected problem) for schema_check(), and the adversarial
 * cases (reference loops, exponential schemas, long arrays, tiny error buffers) on their own.
 *
 * In the tables, ' stands for " so the JSON needs no escaping.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "schema.h"
#include "test.h"

#define SENTINEL "SECRET-VALUE"

static arena_t arena;
static int table_cases;

/* Parses text (' read as "); a table with invalid JSON is a bug in the test, so it stops the run. */
static const json_value_t *
parse(const char *text)
{
    size_t len = strlen(text);
    char *copy = arena_alloc(&arena, len + 1);
    for (size_t i = 0; i != len; ++i)
        copy[i] = text[i] == '\'' ? '"' : text[i];
    copy[len] = '\0';
    json_value_t *v;
    int ret = json_parse(&arena, copy, len, 64, &v);
    if (ret != 0) {
        fprintf(stderr, "test JSON does not parse (%s): %.200s\n", json_strerror(ret), text);
        exit(2);
    }
    return v;
}

/* ---- schema_validate tables ---- */

typedef struct st_validate_case_t {
    int line;
    const char *schema;
    const char *instance;
    const char *message; /* NULL: valid; otherwise a substring of the expected message */
} validate_case_t;

#define VALID(schema, instance)                                                                                                    \
    {                                                                                                                              \
        __LINE__, schema, instance, NULL                                                                                           \
    }
#define INVALID(schema, instance, message)                                                                                         \
    {                                                                                                                              \
        __LINE__, schema, instance, message                                                                                        \
    }

/*
 * Every message is also re-produced into buffers of every size up to its length: each result must be
 * NUL-terminated, a prefix of the full message and valid UTF-8 (a sanitizer build catches overruns,
 * since each buffer is allocated at exactly that size).
 */
static void
check_truncation(const json_value_t *schema, const json_value_t *instance, const char *full, int line)
{
    size_t full_len = strlen(full);
    for (size_t size = 0; size <= full_len + 1; ++size) {
        char *err = malloc(size != 0 ? size : 1);
        if (size != 0)
            memset(err, 'x', size);
        int ret = instance != NULL ? schema_validate(schema, instance, size != 0 ? err : NULL, size)
                                   : schema_check(schema, size != 0 ? err : NULL, size);
        if (ret != -1 || (size != 0 && (memchr(err, '\0', size) == NULL || strncmp(err, full, strlen(err)) != 0 ||
                                        !json_utf8_valid(err, strlen(err))))) {
            fprintf(stderr, "  line %d: bad message in a %zu-byte buffer\n", line, size);
            CHECK(!"truncated message");
        }
        free(err);
    }
}

static void
run_validate_cases(const validate_case_t *cases, size_t n)
{
    for (size_t i = 0; i != n; ++i) {
        const validate_case_t *t = &cases[i];
        const json_value_t *schema = parse(t->schema), *instance = parse(t->instance);
        char err[256];
        ++table_cases;
        if (schema_check(schema, err, sizeof(err)) != 0) {
            fprintf(stderr, "  line %d: schema_check rejects the test schema: %s\n", t->line, err);
            CHECK(!"test schema is valid");
            continue;
        }
        memset(err, 'x', sizeof(err));
        int ret = schema_validate(schema, instance, err, sizeof(err));
        int ok = t->message == NULL ? ret == 0 && err[0] == '\0' : ret == -1 && strstr(err, t->message) != NULL;
        if (!ok) {
            fprintf(stderr, "  line %d: %s against %s\n    got:      %d \"%s\"\n    expected: %s\n", t->line, t->instance,
                    t->schema, ret, ret == 0 ? "" : err, t->message != NULL ? t->message : "valid");
            CHECK(!"validation result");
        }
        if (strstr(err, "SECRET") != NULL) {
            fprintf(stderr, "  line %d: message echoes the instance: %s\n", t->line, err);
            CHECK(!"message never quotes the instance");
        }
        if (ret != 0)
            check_truncation(schema, instance, err, t->line);
    }
}

#define RUN_TABLE(cases) run_validate_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void
test_type(void)
{
    static const validate_case_t cases[] = {
        VALID("{'type':'string'}", "'x'"),
        VALID("{'type':'string'}", "''"),
        INVALID("{'type':'string'}", "5", "arguments: expected string"),
        INVALID("{'type':'string'}", "null", "expected string"),
        VALID("{'type':'integer'}", "1"),
        VALID("{'type':'integer'}", "-0"),
        VALID("{'type':'integer'}", "1.0"),
        VALID("{'type':'integer'}", "1e2"),
        VALID("{'type':'integer'}", "1.5e1"),
        VALID("{'type':'integer'}", "123456789012345678901234567890"),
        VALID("{'type':'integer'}", "1E400"),
        INVALID("{'type':'integer'}", "1.5", "arguments: expected integer"),
        INVALID("{'type':'integer'}", "1.25e1", "expected integer"),
        INVALID("{'type':'integer'}", "1e-2", "expected integer"),
        INVALID("{'type':'integer'}", "1.0000000000000000000001", "expected integer"),
        INVALID("{'type':'integer'}", "'1'", "expected integer"),
        VALID("{'type':'number'}", "1"),
        VALID("{'type':'number'}", "-1.5e-300"),
        INVALID("{'type':'number'}", "'1'", "expected number"),
        VALID("{'type':'boolean'}", "true"),
        VALID("{'type':'boolean'}", "false"),
        INVALID("{'type':'boolean'}", "0", "expected boolean"),
        VALID("{'type':'null'}", "null"),
        INVALID("{'type':'null'}", "false", "expected null"),
        VALID("{'type':'array'}", "[]"),
        INVALID("{'type':'array'}", "{}", "expected array"),
        VALID("{'type':'object'}", "{}"),
        INVALID("{'type':'object'}", "[]", "arguments: expected object"),
        VALID("{'type':['string','null']}", "null"),
        VALID("{'type':['string','null']}", "'a'"),
        INVALID("{'type':['string','null']}", "3", "arguments: expected string or null"),
        INVALID("{'type':['integer','string','null']}", "true", "expected string, integer or null"),
        INVALID("{'type':['integer','string']}", "2.5", "expected string or integer"),
        INVALID("{'type':['number','integer']}", "'x'", "expected number"),
        VALID("{'type':['number','integer']}", "2.5"),
        VALID("{'type':['integer']}", "7"),
        VALID("true", "{'anything':[1,2]}"),
        VALID("{}", "'anything'"),
        INVALID("false", "1", "arguments: is not allowed"),
    };
    RUN_TABLE(cases);
}

static void
test_const_enum(void)
{
    static const validate_case_t cases[] = {
        VALID("{'const':'a'}", "'a'"),
        INVALID("{'const':'a'}", "'" SENTINEL "'", "arguments: must be equal to the allowed value"),
        VALID("{'const':1}", "1.0"),
        VALID("{'const':null}", "null"),
        INVALID("{'const':null}", "false", "must be equal to the allowed value"),
        VALID("{'const':{'a':[1,2],'b':true}}", "{'b':true,'a':[1,2]}"),
        INVALID("{'const':{'a':[1,2]}}", "{'a':[2,1]}", "must be equal"),
        INVALID("{'const':{'a':1}}", "{'a':1,'b':2}", "must be equal"),
        VALID("{'enum':['celsius','fahrenheit']}", "'celsius'"),
        INVALID("{'enum':['celsius','fahrenheit']}", "'" SENTINEL "'", "arguments: must be one of the allowed values"),
        INVALID("{'enum':['celsius','fahrenheit']}", "'Celsius'", "must be one of the allowed values"),
        VALID("{'enum':[1,null,'x',[1],{'a':1}]}", "null"),
        VALID("{'enum':[1,null,'x',[1],{'a':1}]}", "1.0"),
        VALID("{'enum':[1,null,'x',[1],{'a':1}]}", "{'a':1}"),
        INVALID("{'enum':[1,null,'x',[1],{'a':1}]}", "[1,1]", "must be one of the allowed values"),
        INVALID("{'enum':[]}", "1", "must be one of the allowed values"),
        INVALID("{'type':'string','enum':['a']}", "1", "expected string"),
        VALID("{'properties':{'unit':{'enum':['c','f']}}}", "{'unit':'f'}"),
        INVALID("{'properties':{'unit':{'enum':['c','f']}}}", "{'unit':'k'}", "argument 'unit': must be one of the allowed values"),
    };
    RUN_TABLE(cases);
}

static void
test_numbers(void)
{
    static const validate_case_t cases[] = {
        VALID("{'minimum':1}", "1"),
        VALID("{'minimum':1}", "1.0000000000000000000001"),
        INVALID("{'minimum':1}", "0.999", "arguments: must be at least 1"),
        INVALID("{'minimum':1}", "0.99999999999999999999999", "must be at least 1"),
        VALID("{'minimum':-5}", "-5"),
        INVALID("{'minimum':-5}", "-5.1", "must be at least -5"),
        INVALID("{'minimum':0}", "-1e-400", "must be at least 0"),
        VALID("{'minimum':0}", "-0"),
        VALID("{'maximum':14}", "14"),
        VALID("{'maximum':14}", "-1e400"),
        INVALID("{'maximum':14}", "15", "arguments: must be at most 14"),
        INVALID("{'maximum':14}", "14.0000000000000000000001", "must be at most 14"),
        VALID("{'maximum':1E+2}", "100"),
        VALID("{'maximum':1E+2}", "1e2"),
        INVALID("{'maximum':1E+2}", "100.5", "must be at most 1E+2"),
        INVALID("{'exclusiveMinimum':0}", "0", "arguments: must be greater than 0"),
        INVALID("{'exclusiveMinimum':0}", "-0.0", "must be greater than 0"),
        VALID("{'exclusiveMinimum':0}", "1e-300"),
        INVALID("{'exclusiveMaximum':10}", "10", "arguments: must be less than 10"),
        INVALID("{'exclusiveMaximum':10}", "10.0", "must be less than 10"),
        VALID("{'exclusiveMaximum':10}", "9.99"),
        VALID("{'exclusiveMinimum':1.5,'exclusiveMaximum':2.5}", "2"),
        INVALID("{'exclusiveMinimum':1.5,'exclusiveMaximum':2.5}", "1.5", "greater than 1.5"),
        /* integers beyond double precision compare exactly */
        VALID("{'maximum':9007199254740992}", "9007199254740992"),
        INVALID("{'maximum':9007199254740992}", "9007199254740993", "must be at most 9007199254740992"),
        INVALID("{'minimum':-9223372036854775808}", "-9223372036854775809", "must be at least"),
        VALID("{'maximum':18446744073709551616}", "18446744073709551615"),
        INVALID("{'minimum':1e400}", "1e399", "must be at least 1e400"),
        VALID("{'minimum':1e400}", "10e399"),
        INVALID("{'minimum':1e-400}", "0", "must be at least"),
        VALID("{'maximum':1}", "1e-99999999999999999999999"),
        INVALID("{'minimum':1}", "1e-99999999999999999999999", "must be at least 1"),
        /* multipleOf, exact for decimal steps */
        VALID("{'multipleOf':0.01}", "19.99"),
        INVALID("{'multipleOf':0.01}", "19.991", "arguments: must be a multiple of 0.01"),
        VALID("{'multipleOf':0.1}", "0.3"),
        VALID("{'multipleOf':3}", "9"),
        VALID("{'multipleOf':3}", "-9"),
        VALID("{'multipleOf':3}", "0"),
        VALID("{'multipleOf':3}", "9.0"),
        VALID("{'multipleOf':3}", "3e3"),
        INVALID("{'multipleOf':3}", "10", "must be a multiple of 3"),
        INVALID("{'multipleOf':3}", "1e3", "must be a multiple of 3"),
        INVALID("{'multipleOf':3}", "4.5", "must be a multiple of 3"),
        VALID("{'multipleOf':2.5}", "7.5"),
        VALID("{'multipleOf':2.5}", "5e0"),
        INVALID("{'multipleOf':2.5}", "6", "multiple of 2.5"),
        VALID("{'multipleOf':1e-3}", "0.001"),
        VALID("{'multipleOf':0.5}", "1e400"),
        VALID("{'multipleOf':7}", "70000000000000000000000000000000007"),
        INVALID("{'multipleOf':7}", "70000000000000000000000000000000008", "multiple of 7"),
        VALID("{'multipleOf':1}", "123456789012345678901234567890"),
        INVALID("{'multipleOf':1}", "0.5", "multiple of 1"),
        VALID("{'multipleOf':1234567890123456789012}", "2469135780246913578024"),
        VALID("{'multipleOf':999999999999999999}", "1999999999999999998"),
        INVALID("{'multipleOf':999999999999999999}", "1999999999999999997", "multiple of"),
        /* numeric keywords ignore other types */
        VALID("{'minimum':5,'multipleOf':2}", "'abc'"),
        VALID("{'maximum':0}", "[1]"),
        VALID("{'type':'object','properties':{'days':{'type':'integer','minimum':1,'maximum':14}}}", "{'days':7}"),
        INVALID("{'type':'object','properties':{'days':{'type':'integer','minimum':1,'maximum':14}}}", "{'days':15}",
                "argument 'days': must be at most 14"),
        INVALID("{'type':'object','properties':{'days':{'type':'integer','minimum':1,'maximum':14}}}", "{'days':7.5}",
                "argument 'days': expected integer"),
    };
    RUN_TABLE(cases);
}

static void
test_strings(void)
{
    static const validate_case_t cases[] = {
        VALID("{'minLength':2}", "'日本'"),
        VALID("{'minLength':2}", "'ab'"),
        INVALID("{'minLength':2}", "'日'", "arguments: must be at least 2 characters long"),
        INVALID("{'minLength':1}", "''", "must be at least 1 character long"),
        /* pattern: ECMA-262, unanchored, over code points; the pattern is schema text, so it may be named */
        VALID("{'pattern':'^[a-z]+$'}", "'abc'"),
        INVALID("{'pattern':'^[a-z]+$'}", "'abC'", "arguments: does not match the pattern ^[a-z]+$"),
        VALID("{'pattern':'b'}", "'abc'"),
        VALID("{'pattern':'^.$'}", "'日'"),
        VALID("{'pattern':'^\\\\d{3}$'}", "'123'"),
        VALID("{'pattern':'^\\\\u00e9$'}", "'\u00e9'"),
        VALID("{'pattern':'^a'}", "5"),
        /* ECMA-262's meaning where PCRE2's differs: \s and \S, '.', property names, surrogate pair escapes, '[' in a class */
        VALID("{'pattern':'^\\\\s$'}", "'\\u00a0'"),
        VALID("{'pattern':'^\\\\s$'}", "'\\ufeff'"),
        VALID("{'pattern':'^\\\\s$'}", "'\\u2029'"),
        VALID("{'pattern':'^\\\\s$'}", "'\\u000b'"),
        INVALID("{'pattern':'^\\\\s$'}", "'\\u200b'", "does not match"),
        INVALID("{'pattern':'^\\\\S$'}", "'\\u3000'", "does not match"),
        VALID("{'pattern':'^\\\\S$'}", "'\\u200b'"),
        VALID("{'pattern':'^\\\\S$'}", "'\\ud83d\\ude00'"),
        VALID("{'pattern':'^[\\\\s\\\\d]+$'}", "'1\\u3000 2'"),
        INVALID("{'pattern':'^[\\\\S]$'}", "'\\u2000'", "does not match"),
        VALID("{'pattern':'^[^\\\\S]$'}", "'\\u2000'"),
        INVALID("{'pattern':'^.$'}", "'\\n'", "does not match"),
        INVALID("{'pattern':'^.$'}", "'\\r'", "does not match"),
        INVALID("{'pattern':'^.$'}", "'\\u2028'", "does not match"),
        VALID("{'pattern':'^.$'}", "'\\u0085'"),
        VALID("{'pattern':'^[.]$'}", "'.'"),
        INVALID("{'pattern':'^[.]$'}", "'x'", "does not match"),
        VALID("{'pattern':'^\\\\.$'}", "'.'"),
        VALID("{'pattern':'^\\\\p{Letter}+$'}", "'\\u00e9cole'"),
        INVALID("{'pattern':'^\\\\p{Letter}+$'}", "'l1'", "does not match"),
        VALID("{'pattern':'^\\\\p{digit}+$'}", "'\\u09ea\\u09e8'"),
        VALID("{'pattern':'^\\\\P{L}$'}", "'1'"),
        VALID("{'pattern':'^\\\\p{gc=Uppercase_Letter}\\\\p{General_Category=Ll}$'}", "'Ab'"),
        VALID("{'pattern':'^\\\\p{Script=Greek}\\\\p{sc=Grek}\\\\p{scx=Greek}$'}", "'\\u03b1\\u03b2\\u03b3'"),
        VALID("{'pattern':'^\\\\p{ASCII}\\\\p{Assigned}$'}", "'a\\u00e9'"),
        INVALID("{'pattern':'^\\\\p{Assigned}$'}", "'\\u0378'", "does not match"),
        VALID("{'pattern':'^\\\\P{Assigned}$'}", "'\\u0378'"),
        VALID("{'pattern':'^[\\\\p{Lu}\\\\d]+$'}", "'A1'"),
        VALID("{'pattern':'^\\\\ud83d\\\\ude00$'}", "'\\ud83d\\ude00'"),
        VALID("{'pattern':'^[\\\\ud83d\\\\ude00x]$'}", "'\\ud83d\\ude00'"),
        VALID("{'pattern':'^[[:a]]$'}", "':]'"),
        INVALID("{'pattern':'^[[:alpha:]]$'}", "'b'", "does not match"),
        VALID("{'pattern':'^[^]$'}", "'\\n'"),
        INVALID("{'pattern':'[]'}", "'anything'", "does not match"),
        VALID("{'pattern':'^\\\\[a.\\\\]$'}", "'[ab]'"),
        VALID("{'pattern':'^\\\\\\\\s$'}", "'\\\\s'"),
        INVALID("{'pattern':'^(a+)+$'}", "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'", "could not be matched against its pattern"),
        INVALID("{'pattern':'x'}", "'" SENTINEL "'", "does not match the pattern x"),
        VALID("{'maxLength':2}", "'日本'"),
        INVALID("{'maxLength':2}", "'日本語'", "arguments: must be at most 2 characters long"),
        INVALID("{'maxLength':2}", "'" SENTINEL "'", "must be at most 2 characters long"),
        VALID("{'maxLength':1}", "'😀'"),
        VALID("{'maxLength':1}", "'\\u00e9'"),
        VALID("{'maxLength':1}", "'\\ud83d\\ude00'"),
        INVALID("{'maxLength':1}", "'e\\u0301'", "at most 1 character long"),
        VALID("{'maxLength':0}", "''"),
        VALID("{'minLength':2.0,'maxLength':3}", "'abc'"),
        VALID("{'maxLength':1e30}", "'abc'"),
        VALID("{'minLength':5}", "12"),
        VALID("{'format':'email'}", "'not an email'"),
    };
    RUN_TABLE(cases);
}

static void
test_arrays(void)
{
    static const validate_case_t cases[] = {
        VALID("{'items':{'type':'string'}}", "['a','b']"),
        INVALID("{'items':{'type':'string'}}", "['a','b',3]", "argument '[2]': expected string"),
        VALID("{'properties':{'tags':{'type':'array','items':{'type':'string'}}}}", "{'tags':[]}"),
        INVALID("{'properties':{'tags':{'type':'array','items':{'type':'string'}}}}", "{'tags':['a','b',3]}",
                "argument 'tags[2]': expected string"),
        INVALID("{'properties':{'m':{'items':{'items':{'type':'integer'}}}}}", "{'m':[[1],[2,'x']]}",
                "argument 'm[1][1]': expected integer"),
        VALID("{'prefixItems':[{'type':'string'},{'type':'integer'}]}", "['a',1]"),
        VALID("{'prefixItems':[{'type':'string'},{'type':'integer'}]}", "['a']"),
        VALID("{'prefixItems':[{'type':'string'},{'type':'integer'}]}", "['a',1,null,{}]"),
        INVALID("{'prefixItems':[{'type':'string'},{'type':'integer'}]}", "['a','b']", "argument '[1]': expected integer"),
        INVALID("{'prefixItems':[{'type':'string'},{'type':'integer'}],'items':false}", "['a',1,null]",
                "arguments: must have at most 2 items"),
        VALID("{'prefixItems':[{'type':'string'},{'type':'integer'}],'items':false}", "['a',1]"),
        VALID("{'prefixItems':[{'type':'string'}],'items':{'type':'boolean'}}", "['a',true,false]"),
        INVALID("{'prefixItems':[{'type':'string'}],'items':{'type':'boolean'}}", "['a',true,2]",
                "argument '[2]': expected boolean"),
        INVALID("{'items':false}", "[1]", "must have at most 0 items"),
        VALID("{'items':false}", "[]"),
        VALID("{'minItems':2}", "[1,2]"),
        INVALID("{'minItems':2}", "[1]", "arguments: must have at least 2 items"),
        INVALID("{'maxItems':1}", "[1,2]", "arguments: must have at most 1 item"),
        VALID("{'maxItems':1}", "[[1,2,3]]"),
        VALID("{'uniqueItems':true}", "[1,2,3]"),
        VALID("{'uniqueItems':true}", "[]"),
        INVALID("{'uniqueItems':true}", "[1,2,1]", "arguments: must not contain duplicate items"),
        INVALID("{'uniqueItems':true}", "[1,1.0]", "duplicate items"),
        INVALID("{'uniqueItems':true}", "[0,-0]", "duplicate items"),
        /* an object with a name given twice is the object of its last member (json_get(), json_equal()) */
        INVALID("{'uniqueItems':true}", "[{'a':1,'a':2},{'a':2}]", "duplicate items"),
        VALID("{'uniqueItems':true}", "[{'a':1,'a':1},{'a':1,'b':2}]"),
        VALID("{'const':{'a':2}}", "{'a':1,'a':2}"),
        INVALID("{'const':{'a':1,'b':2}}", "{'a':1,'a':1}", "must be equal to the allowed value"),
        INVALID("{'uniqueItems':true}", "['" SENTINEL "','" SENTINEL "']", "duplicate items"),
        INVALID("{'uniqueItems':true}", "[{'a':1,'b':2},{'b':2,'a':1}]", "duplicate items"),
        INVALID("{'uniqueItems':true}", "[[1,{'x':null}],[1,{'x':null}]]", "duplicate items"),
        VALID("{'uniqueItems':true}", "[[1,2],[2,1]]"),
        VALID("{'uniqueItems':true}", "['1',1,true,null,[],{}]"),
        VALID("{'uniqueItems':true}", "[{'a':1},{'a':2},{'b':1}]"),
        VALID("{'uniqueItems':false}", "[1,1]"),
        VALID("{'minItems':3,'uniqueItems':true}", "'not an array'"),
    };
    RUN_TABLE(cases);
}

static void
test_objects(void)
{
    static const validate_case_t cases[] = {
        VALID("{'required':['city']}", "{'city':'Paris'}"),
        INVALID("{'required':['city']}", "{}", "missing required argument 'city'"),
        VALID("{'required':['city','days']}", "{'city':1,'days':2,'x':3,'y':4}"),
        INVALID("{'properties':{'city':{'type':'string'}}}", "{'city':5}", "argument 'city': expected string"),
        VALID("{'properties':{'city':{'type':'string'}}}", "{'other':5}"),
        INVALID("{'properties':{'city':{'type':'string'}},'additionalProperties':false}", "{'city':'x','" SENTINEL "':1}",
                "unexpected argument"),
        VALID("{'properties':{'city':{'type':'string'}},'additionalProperties':false}", "{'city':'x'}"),
        VALID("{'properties':{'city':{'type':'string'}},'additionalProperties':{'type':'integer'}}", "{'city':'x','extra':1}"),
        INVALID("{'properties':{'city':{'type':'string'}},'additionalProperties':{'type':'integer'}}", "{'" SENTINEL "':'x'}",
                "argument '*': expected integer"),
        INVALID("{'properties':{'city':{'type':'string'}},'additionalProperties':{'type':'integer'}}", "{'city':1}",
                "argument 'city': expected string"),
        VALID("{'additionalProperties':true}", "{'a':1}"),
        INVALID("{'properties':{'address':{'type':'object','properties':{'street':{'type':'string'}}}}}",
                "{'address':{'street':1}}", "argument 'address.street': expected string"),
        INVALID("{'properties':{'address':{'type':'object','required':['street']}}}", "{'address':{}}",
                "missing required argument 'address.street'"),
        INVALID("{'properties':{'address':{'type':'object','additionalProperties':false}}}", "{'address':{'" SENTINEL "':1}}",
                "argument 'address': unexpected property"),
        INVALID("{'properties':{'list':{'items':{'required':['id']}}}}", "{'list':[{'id':1},{}]}",
                "missing required argument 'list[1].id'"),
        INVALID("{'properties':{'cfg':{'additionalProperties':{'type':'string'}}}}", "{'cfg':{'" SENTINEL "':[]}}",
                "argument 'cfg.*': expected string"),
        INVALID("{'properties':{'legacy':false}}", "{'legacy':1}", "argument 'legacy': is not allowed"),
        VALID("{'properties':{'legacy':false}}", "{}"),
        VALID("{'minProperties':1}", "{'a':1}"),
        INVALID("{'minProperties':1}", "{}", "arguments: must have at least 1 property"),
        INVALID("{'maxProperties':1}", "{'a':1,'b':2}", "arguments: must have at most 1 property"),
        INVALID("{'maxProperties':0}", "{'a':1}", "must have at most 0 properties"),
        VALID("{'required':['a'],'properties':{'a':{'type':'string'}},'maxProperties':0}", "'not an object'"),
        /* a name listed twice by the client is checked each time */
        INVALID("{'properties':{'n':{'type':'integer'}}}", "{'n':1,'n':'" SENTINEL "'}", "argument 'n': expected integer"),
        VALID("{'properties':{'日本':{'type':'string'}}}", "{'日本':'x'}"),
        INVALID("{'properties':{'日本':{'type':'string'}}}", "{'日本':1}", "argument '日本': expected string"),
    };
    RUN_TABLE(cases);
}

static void
test_combinators(void)
{
    static const validate_case_t cases[] = {
        VALID("{'allOf':[{'type':'integer'},{'minimum':3}]}", "4"),
        INVALID("{'allOf':[{'type':'integer'},{'minimum':3}]}", "2", "arguments: must be at least 3"),
        INVALID("{'allOf':[{'type':'integer'},{'minimum':3}]}", "3.5", "expected integer"),
        VALID("{'anyOf':[{'type':'string','maxLength':3},{'type':'null'}]}", "null"),
        VALID("{'anyOf':[{'type':'string','maxLength':3},{'type':'null'}]}", "'ab'"),
        INVALID("{'anyOf':[{'type':'string','maxLength':3},{'type':'null'}]}", "'" SENTINEL "'",
                "arguments: must be at most 3 characters long"),
        INVALID("{'anyOf':[{'type':'string','maxLength':3},{'type':'null'}]}", "5", "arguments: expected string or null"),
        INVALID("{'anyOf':[{'type':'integer'},{'type':'string'}]}", "1.5", "expected string or integer"),
        INVALID("{'anyOf':[{'minimum':10},{'maximum':0}]}", "5", "arguments: does not match any of the allowed schemas"),
        INVALID("{'anyOf':[{'const':'a'},{'const':'b'}]}", "'" SENTINEL "'", "does not match any of the allowed schemas"),
        INVALID("{'anyOf':[{'const':'a'},{'enum':['b','c']}]}", "5", "expected string"),
        INVALID("{'anyOf':[false,false]}", "5", "does not match any of the allowed schemas"),
        INVALID("{'properties':{'when':{'anyOf':[{'type':'string'},{'type':'integer','minimum':0}]}}}", "{'when':-1}",
                "argument 'when': must be at least 0"),
        VALID("{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1.5"),
        INVALID("{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1", "arguments: matches more than one of the allowed schemas"),
        INVALID("{'oneOf':[{'type':'integer'},{'type':'number'}]}", "'x'", "expected number"),
        VALID("{'oneOf':[{'multipleOf':3},{'multipleOf':5}]}", "9"),
        INVALID("{'oneOf':[{'multipleOf':3},{'multipleOf':5}]}", "15", "matches more than one"),
        INVALID("{'oneOf':[{'multipleOf':3},{'multipleOf':5}]}", "7", "does not match any of the allowed schemas"),
        VALID("{'oneOf':[{'required':['a']},{'required':['b']}]}", "{'a':1}"),
        INVALID("{'oneOf':[{'required':['a']},{'required':['b']}]}", "{'a':1,'b':2}", "matches more than one"),
        VALID("{'not':{'type':'null'}}", "1"),
        INVALID("{'not':{'type':'null'}}", "null", "arguments: is not allowed"),
        INVALID("{'not':{}}", "1", "is not allowed"),
        VALID("{'not':{'not':{'type':'string'}}}", "'x'"),
        INVALID("{'properties':{'x':{'not':{'const':'" SENTINEL "'}}}}", "{'x':'" SENTINEL "'}", "argument 'x': is not allowed"),
    };
    RUN_TABLE(cases);
}

static void
test_refs(void)
{
    /* the 2020-12 example from the MCP conformance suite */
    static const char conformance[] = "{'$schema':'https://json-schema.org/draft/2020-12/schema','type':'object',"
                                      "'$defs':{'address':{'type':'object','properties':{'street':{'type':'string'},"
                                      "'city':{'type':'string'}}}},'properties':{'name':{'type':'string'},"
                                      "'address':{'$ref':'#/$defs/address'}},'additionalProperties':false}";
    static const char tree[] = "{'type':'object','required':['value'],'properties':{'value':{'type':'integer'},"
                               "'children':{'type':'array','items':{'$ref':'#'}}}}";
    static const validate_case_t cases[] = {
        VALID(conformance, "{'name':'Ada','address':{'street':'1 Main St','city':'Springfield'}}"),
        VALID(conformance, "{}"),
        INVALID(conformance, "{'name':'Ada','address':{'street':12,'city':'x'}}", "argument 'address.street': expected string"),
        INVALID(conformance, "{'name':'Ada','address':'" SENTINEL "'}", "argument 'address': expected object"),
        INVALID(conformance, "{'name':'Ada','" SENTINEL "':1}", "unexpected argument"),
        INVALID(conformance, "[]", "arguments: expected object"),
        VALID(tree, "{'value':1,'children':[{'value':2},{'value':3,'children':[]}]}"),
        INVALID(tree, "{'value':1,'children':[{'value':2,'children':[{'value':3},{'value':'" SENTINEL "'}]}]}",
                "argument 'children[0].children[1].value': expected integer"),
        INVALID(tree, "{'value':1,'children':[{}]}", "missing required argument 'children[0].value'"),
        INVALID("{'definitions':{'pos':{'type':'integer','minimum':1}},'properties':{'n':{'$ref':'#/definitions/pos'}}}", "{'n':0}",
                "argument 'n': must be at least 1"),
        INVALID("{'$defs':{'a/b':{'type':'string'},'c~d':{'type':'integer'}},'properties':{'x':{'$ref':'#/$defs/a~1b'},"
                "'y':{'$ref':'#/$defs/c~0d'}}}",
                "{'x':1}", "argument 'x': expected string"),
        INVALID("{'$defs':{'a/b':{'type':'string'},'c~d':{'type':'integer'}},'properties':{'x':{'$ref':'#/$defs/a~1b'},"
                "'y':{'$ref':'#/$defs/c~0d'}}}",
                "{'y':'s'}", "argument 'y': expected integer"),
        INVALID("{'$defs':{'a b':{'type':'string'}},'properties':{'x':{'$ref':'#/$defs/a%20b'}}}", "{'x':1}",
                "argument 'x': expected string"),
        VALID("{'$defs':{'a b':{'type':'string'}},'properties':{'x':{'$ref':'#/$defs/a%20b'}}}", "{'x':'y'}"),
        /* a $ref chain through $defs, and $ref with sibling keywords (both apply in 2020-12) */
        VALID("{'$defs':{'a':{'$ref':'#/$defs/b'},'b':{'type':'string'}},'$ref':'#/$defs/a','maxLength':3}", "'abc'"),
        INVALID("{'$defs':{'a':{'$ref':'#/$defs/b'},'b':{'type':'string'}},'$ref':'#/$defs/a','maxLength':3}", "'abcd'",
                "at most 3 characters"),
        INVALID("{'$defs':{'a':{'$ref':'#/$defs/b'},'b':{'type':'string'}},'$ref':'#/$defs/a','maxLength':3}", "4",
                "arguments: expected string"),
        /* anyOf over referenced alternatives still names the types they allow */
        INVALID("{'$defs':{'s':{'type':'string'},'n':{'type':'null'}},'anyOf':[{'$ref':'#/$defs/s'},{'$ref':'#/$defs/n'}]}", "[]",
                "expected string or null"),
        /* reference loops stop with an error instead of looping */
        INVALID("{'$ref':'#'}", "1", "schema references nest too deeply"),
        INVALID("{'$ref':'#'}", "{'a':'" SENTINEL "'}", "schema references nest too deeply"),
        INVALID("{'$defs':{'a':{'$ref':'#/$defs/b'},'b':{'$ref':'#/$defs/a'}},'$ref':'#/$defs/a'}", "null",
                "schema references nest too deeply"),
        INVALID("{'not':{'$ref':'#'}}", "1", "schema references nest too deeply"),
        INVALID("{'anyOf':[{'$ref':'#'},{'type':'integer'}]}", "1", "schema references nest too deeply"),
        INVALID("{'properties':{'a':{'$ref':'#'}},'$ref':'#'}", "{'a':{'a':{}}}", "schema references nest too deeply"),
    };
    RUN_TABLE(cases);
}

static void
test_conditionals(void)
{
    /* the input schema the MCP conformance suite (SEP-2106) asks of json_schema_2020_12_tool */
    static const char contact[] =
        "{'$schema':'https://json-schema.org/draft/2020-12/schema','type':'object','$defs':{'address':{'$anchor':'addressDef',"
        "'type':'object','properties':{'street':{'type':'string'},'city':{'type':'string'}}}},'properties':{'name':{'type':"
        "'string'},'address':{'$ref':'#/$defs/address'},'contactMethod':{'type':'string','enum':['phone','email']},'phone':{"
        "'type':'string'},'email':{'type':'string'}},'allOf':[{'anyOf':[{'required':['phone']},{'required':['email']}]}],"
        "'if':{'properties':{'contactMethod':{'const':'phone'}},'required':['contactMethod']},'then':{'required':['phone']},"
        "'else':{'required':['email']},'additionalProperties':false}";
    static const char kind[] = "{'if':{'properties':{'kind':{'const':'phone'}},'required':['kind']},'then':{'required':['phone']}}";
    static const char nested[] = "{'properties':{'contact':{'type':'object','if':{'properties':{'method':{'const':'email'}},"
                                 "'required':['method']},'then':{'required':['email']},'else':{'required':['phone']}}}}";
    static const validate_case_t cases[] = {
        /* if/then: "then" applies only when "if" validates */
        VALID(kind, "{'kind':'phone','phone':'1'}"),
        INVALID(kind, "{'kind':'phone'}", "missing required argument 'phone'"),
        VALID(kind, "{'kind':'" SENTINEL "'}"),
        VALID(kind, "{}"),
        VALID(kind, "'not an object'"),
        /* if/else: "else" applies only when "if" fails */
        VALID("{'if':{'type':'string'},'else':{'minimum':0}}", "'x'"),
        VALID("{'if':{'type':'string'},'else':{'minimum':0}}", "3"),
        INVALID("{'if':{'type':'string'},'else':{'minimum':0}}", "-5", "arguments: must be at least 0"),
        /* if/then/else */
        VALID("{'if':{'type':'integer'},'then':{'minimum':1},'else':{'type':'string'}}", "5"),
        INVALID("{'if':{'type':'integer'},'then':{'minimum':1},'else':{'type':'string'}}", "0", "arguments: must be at least 1"),
        VALID("{'if':{'type':'integer'},'then':{'minimum':1},'else':{'type':'string'}}", "'" SENTINEL "'"),
        INVALID("{'if':{'type':'integer'},'then':{'minimum':1},'else':{'type':'string'}}", "1.5", "arguments: expected string"),
        INVALID("{'if':{'type':'integer'},'then':{'minimum':1},'else':{'type':'string'}}", "null", "expected string"),
        VALID("{'if':true,'then':true,'else':false}", "1"),
        INVALID("{'if':true,'then':false,'else':true}", "1", "arguments: is not allowed"),
        INVALID("{'if':false,'then':true,'else':false}", "1", "arguments: is not allowed"),
        /* "if" failing leaves no message behind; its own complaints are never reported */
        VALID("{'if':{'type':'string','maxLength':1},'then':{'minLength':1}}", "'" SENTINEL "'"),
        INVALID("{'if':{'properties':{'a':{'type':'string'}}},'then':{'required':['b']}}", "{'a':'" SENTINEL "'}",
                "missing required argument 'b'"),
        VALID("{'if':{'properties':{'a':{'type':'string'}}},'then':{'required':['b']}}", "{'a':5}"),
        /* "if" alone has no effect, and is not even tried; "then" and "else" without "if" are ignored */
        VALID("{'if':false}", "1"),
        VALID("{'if':{'type':'string'}}", "1"),
        VALID("{'if':{'$ref':'#'}}", "1"),
        VALID("{'then':false}", "1"),
        VALID("{'else':false}", "1"),
        VALID("{'then':false,'else':false}", "{'a':1}"),
        /* nested inside properties: the branch's message names the property */
        VALID(nested, "{'contact':{'method':'email','email':'a@b'}}"),
        VALID(nested, "{'contact':{'phone':'1'}}"),
        INVALID(nested, "{'contact':{'method':'email'}}", "missing required argument 'contact.email'"),
        INVALID(nested, "{'contact':{'method':'" SENTINEL "'}}", "missing required argument 'contact.phone'"),
        INVALID(nested, "{'contact':5}", "argument 'contact': expected object"),
        INVALID("{'properties':{'n':{'if':{'type':'number'},'then':{'maximum':10}}}}", "{'n':11}",
                "argument 'n': must be at most 10"),
        INVALID("{'items':{'if':{'type':'string'},'then':{'maxLength':2},'else':{'type':'integer'}}}", "['ab',1,'abc']",
                "argument '[2]': must be at most 2 characters long"),
        INVALID("{'items':{'if':{'type':'string'},'then':{'maxLength':2},'else':{'type':'integer'}}}", "['ab',1.5]",
                "argument '[1]': expected integer"),
        /* conditionals inside other applicators and through references */
        INVALID("{'anyOf':[{'if':{'type':'string'},'then':false,'else':{'type':'integer'}},{'type':'null'}]}", "'x'",
                "arguments: is not allowed"),
        VALID("{'anyOf':[{'if':{'type':'string'},'then':false,'else':{'type':'integer'}},{'type':'null'}]}", "1"),
        INVALID("{'$defs':{'c':{'if':{'minimum':0},'then':{'multipleOf':2}}},'$ref':'#/$defs/c'}", "3", "must be a multiple of 2"),
        VALID("{'$defs':{'c':{'if':{'minimum':0},'then':{'multipleOf':2}}},'$ref':'#/$defs/c'}", "-3"),
        /* a reference loop inside "if" still stops everything */
        INVALID("{'if':{'$ref':'#'},'then':true}", "1", "schema references nest too deeply"),
        INVALID("{'not':{'if':{'$ref':'#'},'else':true}}", "1", "schema references nest too deeply"),
        /* the conformance schema: the allOf/anyOf asks for a phone or an email, the conditional says which */
        VALID(contact, "{'contactMethod':'phone','phone':'555'}"),
        VALID(contact, "{'email':'a@b','address':{'street':'1 Main St','city':'x'}}"),
        VALID(contact, "{'contactMethod':'email','email':'a@b','phone':'555'}"),
        INVALID(contact, "{'contactMethod':'phone','email':'a@b'}", "missing required argument 'phone'"),
        INVALID(contact, "{'contactMethod':'email','phone':'555'}", "missing required argument 'email'"),
        INVALID(contact, "{'phone':'555'}", "missing required argument 'email'"),
        INVALID(contact, "{}", "arguments: does not match any of the allowed schemas"),
        INVALID(contact, "{'contactMethod':'" SENTINEL "','email':'a@b'}",
                "argument 'contactMethod': must be one of the allowed values"),
        INVALID(contact, "{'email':'a@b','address':{'street':1}}", "argument 'address.street': expected string"),
        INVALID(contact, "{'email':'a@b','" SENTINEL "':1}", "unexpected argument"),
    };
    RUN_TABLE(cases);
}

static void
test_anchors(void)
{
    static const char addr[] = "{'$defs':{'address':{'$anchor':'addr','type':'object','properties':{'street':{'type':'string'}},"
                               "'required':['street']}},'properties':{'home':{'$ref':'#addr'},'work':{'$ref':'#/$defs/address'}}}";
    static const char list[] =
        "{'$anchor':'node','type':'object','properties':{'value':{'type':'integer'},'next':{'$ref':'#node'}},"
        "'additionalProperties':false}";
    static const validate_case_t cases[] = {
        VALID(addr, "{'home':{'street':'1 Main St'}}"),
        INVALID(addr, "{'home':{'street':1}}", "argument 'home.street': expected string"),
        INVALID(addr, "{'home':{}}", "missing required argument 'home.street'"),
        INVALID(addr, "{'home':'" SENTINEL "'}", "argument 'home': expected object"),
        INVALID(addr, "{'work':{}}", "missing required argument 'work.street'"),
        /* an anchor at the root makes a recursive schema; each level into the instance resets the chain */
        VALID(list, "{'value':1,'next':{'value':2,'next':{'value':3}}}"),
        INVALID(list, "{'value':1,'next':{'value':2,'next':{'value':'" SENTINEL "'}}}",
                "argument 'next.next.value': expected integer"),
        INVALID(list, "{'next':{'" SENTINEL "':1}}", "argument 'next': unexpected property"),
        /* anchors anywhere a subschema is: items, allOf, nested $defs, properties, "then" without "if" */
        INVALID("{'items':{'$anchor':'item','type':'string'},'properties':{'x':{'$ref':'#item'}}}", "{'x':1}",
                "argument 'x': expected string"),
        INVALID("{'allOf':[{'$anchor':'pos','minimum':1}],'properties':{'n':{'$ref':'#pos'}}}", "{'n':0}",
                "argument 'n': must be at least 1"),
        INVALID("{'$defs':{'outer':{'$defs':{'inner':{'$anchor':'deep','type':'null'}}}},'$ref':'#deep'}", "1",
                "arguments: expected null"),
        VALID("{'$defs':{'outer':{'$defs':{'inner':{'$anchor':'deep','type':'null'}}}},'$ref':'#deep'}", "null"),
        INVALID("{'properties':{'a':{'$anchor':'A','type':'string'},'b':{'$ref':'#A'}}}", "{'b':2}",
                "argument 'b': expected string"),
        INVALID("{'then':{'$anchor':'t','type':'string'},'properties':{'x':{'$ref':'#t'}}}", "{'x':1}",
                "argument 'x': expected string"),
        VALID("{'then':{'$anchor':'t','type':'string'},'properties':{'x':{'$ref':'#t'}}}", "{'x':'s'}"),
        /* every character an anchor name allows; names are case-sensitive */
        INVALID("{'$defs':{'a':{'$anchor':'_a.b-C_9','maxLength':1},'b':{'$anchor':'_a.b-c_9','maxLength':2}},'$ref':'#_a.b-C_9'}",
                "'ab'", "must be at most 1 character long"),
        VALID("{'$defs':{'a':{'$anchor':'_a.b-C_9','maxLength':1},'b':{'$anchor':'_a.b-c_9','maxLength':2}},'$ref':'#_a.b-c_9'}",
              "'ab'"),
        /* many anchors: the lookup finds each */
        INVALID(
            "{'$defs':{'a':{'$anchor':'m','minimum':1},'b':{'$anchor':'c','minimum':2},'c':{'$anchor':'x','minimum':3},"
            "'d':{'$anchor':'b','minimum':4},'e':{'$anchor':'z','minimum':5}},'properties':{'p':{'$ref':'#m'},'q':{'$ref':'#x'},"
            "'r':{'$ref':'#z'}}}",
            "{'p':1,'q':3,'r':4}", "argument 'r': must be at least 5"),
        /* $ref to an anchor and sibling keywords both apply */
        INVALID("{'$defs':{'s':{'$anchor':'s','type':'string'}},'$ref':'#s','maxLength':2}", "'abc'", "at most 2 characters"),
        INVALID("{'$defs':{'s':{'$anchor':'s','type':'string'}},'$ref':'#s','maxLength':2}", "5", "arguments: expected string"),
        /* anyOf over anchored alternatives still names the types they allow */
        INVALID("{'$defs':{'s':{'$anchor':'S','type':'string'},'n':{'$anchor':'N','type':'null'}},'anyOf':[{'$ref':'#S'},"
                "{'$ref':'#N'}]}",
                "[]", "expected string or null"),
        /* reference loops through anchors stop with an error */
        INVALID("{'$anchor':'self','$ref':'#self'}", "1", "schema references nest too deeply"),
        INVALID("{'$defs':{'a':{'$anchor':'a','$ref':'#b'},'b':{'$anchor':'b','$ref':'#a'}},'$ref':'#a'}", "null",
                "schema references nest too deeply"),
        INVALID("{'$defs':{'a':{'$anchor':'a','$ref':'#/$defs/b'},'b':{'$ref':'#a'}},'not':{'$ref':'#a'}}", "{}",
                "schema references nest too deeply"),
        INVALID("{'$anchor':'r','if':{'$ref':'#r'},'then':true}", "1", "schema references nest too deeply"),
    };
    RUN_TABLE(cases);
}

/* ---- exact messages ---- */

static void
expect_message(const char *schema, const char *instance, const char *message)
{
    char err[256];
    CHECK(schema_validate(parse(schema), parse(instance), err, sizeof(err)) == -1);
    CHECK_STR(err, message);
}

static void
test_messages(void)
{
    expect_message("{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}", "{}",
                   "missing required argument 'city'");
    expect_message("{'type':'object','properties':{'city':{'type':'string'}}}", "{'city':true}",
                   "argument 'city': expected string");
    expect_message("{'properties':{'days':{'maximum':14}}}", "{'days':15}", "argument 'days': must be at most 14");
    expect_message("{'properties':{'unit':{'enum':['c','f']}}}", "{'unit':'k'}",
                   "argument 'unit': must be one of the allowed values");
    expect_message("{'properties':{},'additionalProperties':false}", "{'x':1}", "unexpected argument");
    expect_message("{'properties':{'a':{'properties':{'street':{'type':'string'}}}}}", "{'a':{'street':[]}}",
                   "argument 'a.street': expected string");
    expect_message("{'properties':{'tags':{'items':{'type':'string'}}}}", "{'tags':['a','b',{}]}",
                   "argument 'tags[2]': expected string");

    /* success leaves an empty message; a NULL or empty buffer is allowed */
    char err[64] = "junk";
    CHECK(schema_validate(parse("{'type':'string'}"), parse("'x'"), err, sizeof(err)) == 0);
    CHECK_STR(err, "");
    CHECK(schema_validate(parse("{'type':'string'}"), parse("1"), NULL, 100) == -1);
    CHECK(schema_validate(parse("{'type':'string'}"), parse("1"), err, 0) == -1);
    CHECK(schema_check(parse("{'contains':{}}"), NULL, 100) == -1);
    CHECK(schema_validate(NULL, parse("1"), err, sizeof(err)) == -1);
    CHECK(schema_validate(parse("{}"), NULL, err, sizeof(err)) == -1);
    CHECK(schema_check(NULL, err, sizeof(err)) == -1);

    /* a path too long for the buffer is cut with "...", and never in the middle of a character */
    buf_t b = BUF_INIT(0);
    buf_append_str(&b, "{'properties':{'");
    for (int i = 0; i != 100; ++i)
        buf_append_str(&b, "日本");
    buf_append_str(&b, "':{'type':'string'}}}");
    const json_value_t *schema = parse(b.data);
    buf_reset(&b);
    buf_append_str(&b, "{'");
    for (int i = 0; i != 100; ++i)
        buf_append_str(&b, "日本");
    buf_append_str(&b, "':1}");
    char big[1024];
    CHECK(schema_validate(schema, parse(b.data), big, sizeof(big)) == -1);
    CHECK(strncmp(big, "argument '日本日本", strlen("argument '日本日本")) == 0);
    CHECK(strstr(big, "...': expected string") != NULL);
    CHECK(json_utf8_valid(big, strlen(big)));
    CHECK(strlen(big) < 300);
    buf_dispose(&b);
}

/* ---- schema_check tables ---- */

typedef struct st_check_case_t {
    int line;
    const char *schema;
    const char *message; /* NULL: accepted; otherwise a substring of the expected problem */
} check_case_t;

#define ACCEPT(schema)                                                                                                             \
    {                                                                                                                              \
        __LINE__, schema, NULL                                                                                                     \
    }
#define REJECT(schema, message)                                                                                                    \
    {                                                                                                                              \
        __LINE__, schema, message                                                                                                  \
    }

static void
run_check_cases(const check_case_t *cases, size_t n)
{
    for (size_t i = 0; i != n; ++i) {
        const check_case_t *t = &cases[i];
        const json_value_t *schema = parse(t->schema);
        char err[256];
        ++table_cases;
        memset(err, 'x', sizeof(err));
        int ret = schema_check(schema, err, sizeof(err));
        int ok = t->message == NULL ? ret == 0 && err[0] == '\0' : ret == -1 && strstr(err, t->message) != NULL;
        if (!ok) {
            fprintf(stderr, "  line %d: schema_check(%s)\n    got:      %d \"%s\"\n    expected: %s\n", t->line, t->schema, ret,
                    err, t->message != NULL ? t->message : "accepted");
            CHECK(!"schema_check result");
        }
        if (ret != 0)
            check_truncation(schema, NULL, err, t->line);
    }
}

static void
test_check_accepts(void)
{
    static const check_case_t cases[] = {
        ACCEPT("true"),
        ACCEPT("false"),
        ACCEPT("{}"),
        ACCEPT("{'$schema':'https://json-schema.org/draft/2020-12/schema','$id':'https://example.com/tool','$comment':'c',"
               "'title':'T','description':'D','default':{'pattern':1},'examples':[1,'a'],'deprecated':false,'readOnly':true,"
               "'writeOnly':false,'type':'object'}"),
        ACCEPT("{'type':'object','properties':{'city':{'type':'string','x-mcp-header':'X-City','format':'hostname',"
               "'contentMediaType':'text/plain','contentEncoding':'base64'}}}"),
        ACCEPT("{'x-anything':{'pattern':'^a','if':true},'x-n':5}"),
        ACCEPT("{'properties':{'pattern':{'type':'string'},'if':{},'$ref':true}}"),
        ACCEPT("{'const':{'pattern':'x'},'enum':[{'if':1},null]}"),
        ACCEPT("{'type':['string','null','integer','number','boolean','array','object']}"),
        ACCEPT("{'required':[],'properties':{},'minProperties':0,'maxProperties':10}"),
        ACCEPT("{'minimum':-1.5e3,'maximum':1E400,'exclusiveMinimum':0,'exclusiveMaximum':-0.0,'multipleOf':1e-9}"),
        ACCEPT("{'minLength':0,'maxLength':2.0,'minItems':1e1,'maxItems':100000000000000000000000}"),
        ACCEPT("{'prefixItems':[true,{'type':'string'}],'items':false,'uniqueItems':true}"),
        ACCEPT("{'allOf':[{}],'anyOf':[true,false],'oneOf':[{'type':'null'}],'not':{'type':'string'}}"),
        ACCEPT("{'$ref':'#'}"),
        ACCEPT("{'$defs':{'a':{'type':'string'}},'$ref':'#/$defs/a'}"),
        ACCEPT("{'definitions':{'a':{'type':'string'}},'properties':{'x':{'$ref':'#/definitions/a'}}}"),
        ACCEPT("{'$defs':{'a/b':true,'c~d':true,'e f':true,'':true},'allOf':[{'$ref':'#/$defs/a~1b'},{'$ref':'#/$defs/c~0d'},"
               "{'$ref':'#/$defs/e%20f'},{'$ref':'#/$defs/'},{'$ref':'#/$defs/a%7E1b'}]}"),
        ACCEPT("{'additionalProperties':{'$ref':'#/$defs/x'},'$defs':{'x':{'$defs':{'nested':{}}}}}"),
        ACCEPT("{'if':{'required':['a']},'then':{'required':['b']},'else':false}"),
        ACCEPT("{'if':true}"),
        ACCEPT("{'then':{'type':'string'}}"),
        ACCEPT("{'else':false}"),
        ACCEPT("{'properties':{'a':{'if':{'properties':{'b':{'if':{},'then':{}}}},'else':{'not':{'if':true,'else':{}}}}}}"),
        ACCEPT("{'$anchor':'root','$ref':'#root'}"),
        ACCEPT("{'$defs':{'a':{'$anchor':'addr'}},'properties':{'x':{'$ref':'#addr'},'y':{'$ref':'#/$defs/a'}}}"),
        ACCEPT("{'$anchor':'_','items':{'$anchor':'A9'},'prefixItems':[{'$anchor':'a-b'}],'additionalProperties':{'$anchor':'a.b'},"
               "'not':{'$anchor':'a_b'},'if':{'$anchor':'i'},'then':{'$anchor':'t'},'else':{'$anchor':'e'},"
               "'allOf':[{'$anchor':'x'}],'anyOf':[{'$anchor':'y'}],'oneOf':[{'$anchor':'z'}],'definitions':{'d':{'$anchor':'d'}},"
               "'$ref':'#_','properties':{'p':{'$ref':'#A9'},'q':{'$ref':'#a-b'},'r':{'$ref':'#a.b'},'s':{'$ref':'#e'},"
               "'t':{'$ref':'#d'},'u':{'$ref':'#z'}}}"),
        /* an "$anchor" where no subschema is does not count: not a duplicate, and not a target */
        ACCEPT("{'$defs':{'a':{'$anchor':'a'}},'default':{'$anchor':'a'},'const':{'$anchor':'a'},'enum':[{'$anchor':'a'}],"
               "'examples':[{'$anchor':'a'}],'x-ext':{'$anchor':'a'},'$ref':'#a'}"),
        ACCEPT("{'properties':{'$anchor':{'type':'string'},'if':{'$anchor':'if'}},'$ref':'#if'}"),
        /* a JSON pointer may name any subschema, each step through a keyword that holds schemas */
        ACCEPT("{'$ref':'#/properties/a','properties':{'a':{}}}"),
        ACCEPT("{'$ref':'#/$defs/a/properties/b','$defs':{'a':{'properties':{'b':{}}}}}"),
        ACCEPT("{'prefixItems':[{},{'$ref':'#/prefixItems/0'}],'items':{'$ref':'#/allOf/1/not'},'allOf':[{},{'not':{}}]}"),
        ACCEPT("{'$defs':{'':{'$defs':{'':{}}}},'$ref':'#/$defs//$defs/'}"),
        ACCEPT("{'if':{},'then':{'$ref':'#/if'},'else':{'$ref':'#/additionalProperties'},'additionalProperties':false}"),
        ACCEPT("{'$ref':''}"), /* this document */
        /* and the root by its own $id, exactly as written */
        ACCEPT(
            "{'$id':'urn:uuid:deadbeef','properties':{'a':{'$ref':'urn:uuid:deadbeef'},'b':{'$ref':'urn:uuid:deadbeef#/$defs/x'},"
            "'c':{'$ref':'urn:uuid:deadbeef#x'}},'$defs':{'x':{'$anchor':'x'}}}"),
        ACCEPT("{'$id':'https://example.com/s.json#','$ref':'https://example.com/s.json'}"),
        /* the 2020-12 dialect, named at the root; contentSchema is an annotation, never applied */
        ACCEPT("{'$schema':'https://json-schema.org/draft/2020-12/schema#'}"),
        ACCEPT("{'contentMediaType':'application/json','contentSchema':{'type':'object','contains':{}}}"),
        ACCEPT("{'contentSchema':false}"),
        ACCEPT("{'pattern':'^\\\\p{Letter}\\\\s\\\\S.[\\\\s\\\\S][^]\\\\p{gc=Lu}\\\\P{digit}$'}"),
    };
    run_check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_check_rejects(void)
{
    static const check_case_t cases[] = {
        REJECT("{'type':'array','contains':{}}", "(root): unsupported keyword 'contains'"),
        REJECT("{'properties':{'city':{'type':'string','contains':{}}}}", "/properties/city: unsupported keyword 'contains'"),
        REJECT("{'type':'string','pattern':'(unclosed'}", "/pattern: not a regular expression this server can run"),
        REJECT("{'type':'string','pattern':5}", "/pattern: must be a string"),
        REJECT("{'pattern':'\\\\s\\\\p{Nope}'}", "/pattern: not a regular expression this server can run: unknown property"),
        /* offsets are in the pattern as written, not as rewritten for PCRE2 */
        REJECT("{'pattern':'.\\\\s(?<=a+)'}", "lookbehind assertion is not fixed length at offset 3"),
        REJECT("{'pattern':'\\\\p{Letter}.\\\\S('}", "missing closing parenthesis at offset 14"),
        REJECT("{'$schema':'http://json-schema.org/draft-07/schema#'}", "/$schema: unsupported dialect (only JSON Schema 2020-12"),
        REJECT("{'$schema':'http://localhost:1234/draft2020-12/metaschema-no-validation.json'}", "unsupported dialect"),
        REJECT("{'properties':{'a':{'$schema':'https://json-schema.org/draft/2020-12/schema'}}}",
               "/properties/a/$schema: '$schema' is only supported at the root"),
        REJECT("{'contentSchema':5}", "/contentSchema: must be a schema"),
        REJECT("{'patternProperties':{}}", "unsupported keyword 'patternProperties'"),
        REJECT("{'propertyNames':{}}", "unsupported keyword 'propertyNames'"),
        REJECT("{'dependentRequired':{}}", "unsupported keyword 'dependentRequired'"),
        REJECT("{'dependentSchemas':{}}", "unsupported keyword 'dependentSchemas'"),
        REJECT("{'dependencies':{}}", "unsupported keyword 'dependencies'"),
        REJECT("{'contains':{}}", "unsupported keyword 'contains'"),
        REJECT("{'minContains':1}", "unsupported keyword 'minContains'"),
        REJECT("{'maxContains':1}", "unsupported keyword 'maxContains'"),
        REJECT("{'unevaluatedProperties':false}", "unsupported keyword 'unevaluatedProperties'"),
        REJECT("{'unevaluatedItems':false}", "unsupported keyword 'unevaluatedItems'"),
        REJECT("{'additionalItems':false}", "unsupported keyword 'additionalItems'"),
        REJECT("{'$dynamicRef':'#a'}", "unsupported keyword '$dynamicRef'"),
        REJECT("{'$dynamicAnchor':'a'}", "unsupported keyword '$dynamicAnchor'"),
        REJECT("{'$recursiveRef':'#'}", "unsupported keyword '$recursiveRef'"),
        REJECT("{'$vocabulary':{}}", "unsupported keyword '$vocabulary'"),
        REJECT("{'nullable':true}", "unsupported keyword 'nullable'"),
        REJECT("{'Type':'string'}", "unsupported keyword 'Type'"),
        REJECT("{'X-vendor':1}", "unsupported keyword 'X-vendor'"),
        REJECT("{'xml':{}}", "unsupported keyword 'xml'"),
        REJECT("{'x_vendor':1}", "unsupported keyword 'x_vendor'"),
        /* where the problem is */
        REJECT("{'properties':{'a/b~c':{'contains':{}}}}", "/properties/a~1b~0c: unsupported keyword 'contains'"),
        REJECT("{'$defs':{'x':{'if':true,'then':{'contains':{}}}}}", "/$defs/x/then: unsupported keyword 'contains'"),
        REJECT("{'if':{'contains':{}},'then':{}}", "/if: unsupported keyword 'contains'"),
        REJECT("{'else':{'properties':{'a':{'$dynamicAnchor':'a'}}}}", "/else/properties/a: unsupported keyword '$dynamicAnchor'"),
        REJECT("{'anyOf':[{'type':'string'},{'contains':{}}]}", "/anyOf/1: unsupported keyword 'contains'"),
        REJECT("{'items':{'items':{'not':{'format':'x','contains':{}}}}}", "/items/items/not: unsupported keyword 'contains'"),
        REJECT("{'additionalProperties':{'properties':{'x':{'propertyNames':{}}}}}",
               "/additionalProperties/properties/x: unsupported keyword 'propertyNames'"),
        /* references */
        REJECT("{'$ref':'http://example.com/schema.json'}", "/$ref: unsupported reference 'http://example.com/schema.json'"),
        REJECT("{'$ref':'other.json#/$defs/a'}", "unsupported reference"),
        REJECT("{'$ref':'#/enum/0','enum':[{}]}", "unsupported reference"),
        REJECT("{'$ref':'#/default','default':{}}", "unsupported reference"),
        REJECT("{'$ref':'#/x-ext','x-ext':{}}", "unsupported reference"),
        REJECT("{'$ref':'#/contentSchema','contentSchema':{}}", "unsupported reference"),
        REJECT("{'$ref':'#/properties','properties':{}}", "unsupported reference"),
        REJECT("{'$ref':'#/allOf','allOf':[{}]}", "unsupported reference"),
        REJECT("{'$ref':'#/allOf/a','allOf':[{}]}", "unsupported reference"),
        REJECT("{'$ref':'#/allOf/00','allOf':[{}]}", "unsupported reference"),
        REJECT("{'$ref':'#/allOf/1','allOf':[{}]}", "/$ref: '#/allOf/1' does not resolve"),
        REJECT("{'$ref':'#/properties/a/type','properties':{'a':{'type':'string'}}}", "unsupported reference"),
        REJECT("{'$ref':'#/not','properties':{}}", "does not resolve"),
        REJECT("{'$id':'urn:x','$ref':'urn:y'}", "unsupported reference"),
        REJECT("{'$id':'urn:x','$ref':'urn:xy'}", "unsupported reference"),
        REJECT("{'$id':'https://example.com/a/s.json','$ref':'s.json'}", "unsupported reference"),
        REJECT("{'$ref':'urn:x'}", "unsupported reference"),
        REJECT("{'$ref':'#/$defs'}", "unsupported reference"),
        REJECT("{'$ref':'#a'}", "/$ref: '#a' does not resolve"),
        REJECT("{'$ref':'#nowhere','$defs':{'a':{'$anchor':'somewhere'}}}", "/$ref: '#nowhere' does not resolve"),
        REJECT("{'properties':{'a':{'$ref':'#Addr'}},'$defs':{'addr':{'$anchor':'addr'}}}",
               "/properties/a/$ref: '#Addr' does not resolve"),
        REJECT("{'default':{'$anchor':'a'},'$ref':'#a'}", "/$ref: '#a' does not resolve"),
        REJECT("{'x-ext':{'$anchor':'a'},'$ref':'#a'}", "/$ref: '#a' does not resolve"),
        REJECT("{'$ref':'#a b'}", "/$ref: unsupported reference '#a b'"),
        REJECT("{'$ref':'#1a','$defs':{'a':{'$anchor':'a'}}}", "unsupported reference"),
        REJECT("{'$ref':'#a%62','$defs':{'a':{'$anchor':'ab'}}}", "unsupported reference"),
        REJECT("{'$ref':'other.json#addr','$defs':{'a':{'$anchor':'addr'}}}", "unsupported reference"),
        REJECT("{'$ref':'#/$defs/a~2','$defs':{'a~2':{}}}", "unsupported reference"),
        REJECT("{'$ref':'#/$defs/a%2','$defs':{}}", "unsupported reference"),
        REJECT("{'$ref':'#/$defs/a%00','$defs':{}}", "unsupported reference"),
        REJECT("{'$ref':'#/$defs/a%2Fb','$defs':{'a/b':{}}}", "does not resolve"), /* decoded first: two tokens */
        REJECT("{'$ref':'#/$defs/missing'}", "/$ref: '#/$defs/missing' does not resolve"),
        REJECT("{'$ref':'#/definitions/a','$defs':{'a':{}}}", "does not resolve"),
        REJECT("{'properties':{'a':{'$ref':'#/$defs/a'}},'$defs':{'b':{}}}", "/properties/a/$ref: '#/$defs/a' does not resolve"),
        REJECT("{'$ref':5}", "/$ref: must be a string"),
        /* anchors */
        REJECT("{'$anchor':5}", "/$anchor: must be a string"),
        REJECT("{'$anchor':''}", "/$anchor: must be a letter or '_' followed by letters, digits, '-', '.' or '_'"),
        REJECT("{'$anchor':'1a'}", "/$anchor: must be a letter"),
        REJECT("{'$anchor':'-a'}", "/$anchor: must be a letter"),
        REJECT("{'$anchor':'.a'}", "/$anchor: must be a letter"),
        REJECT("{'$anchor':'a b'}", "/$anchor: must be a letter"),
        REJECT("{'$anchor':'#a'}", "/$anchor: must be a letter"),
        REJECT("{'$anchor':'a/b'}", "/$anchor: must be a letter"),
        REJECT("{'$anchor':'caf\u00e9'}", "/$anchor: must be a letter"),
        REJECT("{'properties':{'a':{'$anchor':'a:b'}}}", "/properties/a/$anchor: must be a letter"),
        REJECT("{'$defs':{'a':{'$anchor':'x'},'b':{'$anchor':'x'}}}", "/$defs/b/$anchor: duplicate anchor 'x'"),
        REJECT("{'$anchor':'x','properties':{'p':{'items':{'$anchor':'x'}}}}", "/properties/p/items/$anchor: duplicate anchor 'x'"),
        REJECT("{'properties':{'p':{'$anchor':'x'}},'$anchor':'x'}", "/$anchor: duplicate anchor 'x'"),
        REJECT("{'allOf':[{'$anchor':'a'},{'$anchor':'b'},{'not':{'$anchor':'a'}}]}", "/allOf/2/not/$anchor: duplicate anchor 'a'"),
        REJECT("{'if':{'$anchor':'c'},'then':{'$anchor':'c'}}", "/then/$anchor: duplicate anchor 'c'"),
        REJECT("{'$anchor':'a','$anchor':'b'}", "(root): duplicate keyword '$anchor'"),
        REJECT("{'properties':{'a':{'$id':'https://example.com/a'}}}", "/properties/a/$id: '$id' is only supported at the root"),
        /* malformed values */
        REJECT("{'type':'strin'}", "/type: unknown type 'strin'"),
        REJECT("{'type':['string','float']}", "/type: unknown type 'float'"),
        REJECT("{'type':[]}", "/type: must be a type name or a non-empty array of type names"),
        REJECT("{'type':['string','string']}", "/type: duplicate type 'string'"),
        REJECT("{'type':5}", "/type: must be a type name"),
        REJECT("{'type':['string',null]}", "/type: must be a type name"),
        REJECT("{'required':'city'}", "/required: must be an array of strings"),
        REJECT("{'required':[1]}", "/required: must be an array of strings"),
        REJECT("{'required':['a','a']}", "/required: duplicate name 'a'"),
        REJECT("{'minimum':'5'}", "/minimum: must be a number"),
        REJECT("{'maximum':null}", "/maximum: must be a number"),
        REJECT("{'exclusiveMinimum':true}", "/exclusiveMinimum: must be a number"),
        REJECT("{'exclusiveMaximum':[1]}", "/exclusiveMaximum: must be a number"),
        REJECT("{'multipleOf':0}", "/multipleOf: must be a number greater than 0"),
        REJECT("{'multipleOf':-1}", "/multipleOf: must be a number greater than 0"),
        REJECT("{'minLength':-1}", "/minLength: must be a non-negative integer"),
        REJECT("{'maxLength':1.5}", "/maxLength: must be a non-negative integer"),
        REJECT("{'minItems':'1'}", "/minItems: must be a non-negative integer"),
        REJECT("{'maxItems':1e-1}", "/maxItems: must be a non-negative integer"),
        REJECT("{'minProperties':true}", "/minProperties: must be a non-negative integer"),
        REJECT("{'maxProperties':-0.5}", "/maxProperties: must be a non-negative integer"),
        REJECT("{'items':[{'type':'string'}]}", "/items: must be a schema (use 'prefixItems' for a list of schemas)"),
        REJECT("{'items':5}", "/items: a schema must be an object or a boolean"),
        REJECT("{'prefixItems':[]}", "/prefixItems: must be a non-empty array of schemas"),
        REJECT("{'prefixItems':[{}, 1]}", "/prefixItems/1: a schema must be an object or a boolean"),
        REJECT("{'allOf':{}}", "/allOf: must be a non-empty array of schemas"),
        REJECT("{'anyOf':[]}", "/anyOf: must be a non-empty array of schemas"),
        REJECT("{'oneOf':[null]}", "/oneOf/0: a schema must be an object or a boolean"),
        REJECT("{'not':5}", "/not: a schema must be an object or a boolean"),
        REJECT("{'if':5,'then':{}}", "/if: a schema must be an object or a boolean"),
        REJECT("{'then':[]}", "/then: a schema must be an object or a boolean"),
        REJECT("{'else':'x'}", "/else: a schema must be an object or a boolean"),
        REJECT("{'properties':{'a':{'if':{},'then':null}}}", "/properties/a/then: a schema must be an object or a boolean"),
        REJECT("{'additionalProperties':'no'}", "/additionalProperties: a schema must be an object or a boolean"),
        REJECT("{'properties':[]}", "/properties: must be an object of schemas"),
        REJECT("{'properties':{'a':5}}", "/properties/a: a schema must be an object or a boolean"),
        REJECT("{'properties':{'a':{},'a':{}}}", "/properties: duplicate name 'a'"),
        REJECT("{'$defs':[]}", "/$defs: must be an object of schemas"),
        REJECT("{'definitions':{'x':'y'}}", "/definitions/x: a schema must be an object or a boolean"),
        REJECT("{'uniqueItems':'yes'}", "/uniqueItems: must be a boolean"),
        REJECT("{'deprecated':1}", "/deprecated: must be a boolean"),
        REJECT("{'title':5}", "/title: must be a string"),
        REJECT("{'description':null}", "/description: must be a string"),
        REJECT("{'format':{}}", "/format: must be a string"),
        REJECT("{'$schema':1}", "/$schema: must be a string"),
        REJECT("{'examples':{}}", "/examples: must be an array"),
        REJECT("{'enum':5}", "/enum: must be an array"),
        REJECT("{'type':'string','type':'number'}", "(root): duplicate keyword 'type'"),
        REJECT("5", "(root): a schema must be an object or a boolean"),
        REJECT("'string'", "(root): a schema must be an object or a boolean"),
        REJECT("[]", "(root): a schema must be an object or a boolean"),
        REJECT("null", "(root): a schema must be an object or a boolean"),
    };
    run_check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- adversarial and generated cases ---- */

static void
test_deep_recursion(void)
{
    char err[256];
    /* a legitimately recursive schema on an instance as deep as the parser allows: each level resets the $ref chain */
    const json_value_t *schema = parse("{'type':'object','properties':{'next':{'$ref':'#'}},'additionalProperties':false}");
    CHECK(schema_check(schema, err, sizeof(err)) == 0);
    buf_t b = BUF_INIT(0);
    for (int i = 0; i != 63; ++i)
        buf_append_str(&b, "{'next':");
    buf_append_str(&b, "{}");
    for (int i = 0; i != 63; ++i)
        buf_append_char(&b, '}');
    CHECK(schema_validate(schema, parse(b.data), err, sizeof(err)) == 0);

    /* the same with a wrong leaf: the path names every level */
    buf_reset(&b);
    for (int i = 0; i != 63; ++i)
        buf_append_str(&b, "{'next':");
    buf_append_str(&b, "5");
    for (int i = 0; i != 63; ++i)
        buf_append_char(&b, '}');
    CHECK(schema_validate(schema, parse(b.data), err, sizeof(err)) == -1);
    CHECK(strncmp(err, "argument 'next.next.next.", 25) == 0);
    CHECK(strstr(err, "': expected object") != NULL);

    /* the same through an anchor, with a conditional at every level */
    schema = parse("{'$defs':{'node':{'$anchor':'node','type':'object','properties':{'next':{'$ref':'#node'}},"
                   "'if':{'required':['next']},'else':{'maxProperties':0},'additionalProperties':false}},'$ref':'#node'}");
    CHECK(schema_check(schema, err, sizeof(err)) == 0);
    buf_reset(&b);
    for (int i = 0; i != 63; ++i)
        buf_append_str(&b, "{'next':");
    buf_append_str(&b, "{}");
    for (int i = 0; i != 63; ++i)
        buf_append_char(&b, '}');
    CHECK(schema_validate(schema, parse(b.data), err, sizeof(err)) == 0);
    buf_reset(&b);
    for (int i = 0; i != 63; ++i)
        buf_append_str(&b, "{'next':");
    buf_append_str(&b, "[]");
    for (int i = 0; i != 63; ++i)
        buf_append_char(&b, '}');
    CHECK(schema_validate(schema, parse(b.data), err, sizeof(err)) == -1);
    CHECK(strncmp(err, "argument 'next.next.next.", 25) == 0);
    CHECK(strstr(err, "': expected object") != NULL);
    buf_dispose(&b);
}

/* Parses a document deeper than the server's limit, as only a test would. */
static const json_value_t *
parse_deep(const char *text)
{
    json_value_t *v;
    int ret = json_parse(&arena, text, strlen(text), 1000, &v);
    if (ret != 0) {
        fprintf(stderr, "deep test JSON does not parse (%s)\n", json_strerror(ret));
        exit(2);
    }
    return v;
}

/* long paths keep their head and tail; steps past the kept depth are elided; nesting limits hold */
static void
test_long_paths(void)
{
    char err[256];
    buf_t b = BUF_INIT(0);

    for (int i = 0; i != 20; ++i)
        buf_append_str(&b, "{\"properties\":{\"level\":");
    buf_append_str(&b, "{\"contains\":{}}");
    for (int i = 0; i != 40; ++i)
        buf_append_char(&b, '}');
    CHECK(schema_check(parse(b.data), err, sizeof(err)) == -1);
    CHECK_STR(err, "/properties/level/properties/level.../level/properties/level/properties/level/properties/level/properties/"
                   "level: unsupported keyword 'contains'");

    /* deeper than the steps kept: only the head is shown */
    buf_reset(&b);
    for (int i = 0; i != 150; ++i)
        buf_append_str(&b, "{\"not\":");
    buf_append_str(&b, "{\"contains\":{}}");
    for (int i = 0; i != 150; ++i)
        buf_append_char(&b, '}');
    CHECK(schema_check(parse_deep(b.data), err, sizeof(err)) == -1);
    CHECK_STR(err, "/not/not/not/not/not/not/not/not/not/not...: unsupported keyword 'contains'");

    buf_reset(&b);
    for (int i = 0; i != 300; ++i)
        buf_append_str(&b, "{\"not\":");
    buf_append_str(&b, "{}");
    for (int i = 0; i != 300; ++i)
        buf_append_char(&b, '}');
    CHECK(schema_check(parse_deep(b.data), err, sizeof(err)) == -1);
    CHECK(strstr(err, ": schema nested too deeply") != NULL);

    const json_value_t *nested = parse("{'type':'array','items':{'$ref':'#'}}");
    buf_reset(&b);
    for (int i = 0; i != 150; ++i)
        buf_append_char(&b, '[');
    buf_append_char(&b, '5');
    for (int i = 0; i != 150; ++i)
        buf_append_char(&b, ']');
    CHECK(schema_validate(nested, parse_deep(b.data), err, sizeof(err)) == -1);
    CHECK_STR(err, "argument '[0][0][0][0][0][0][0][0][0][0][0][0][0]...': expected array");

    /* 50 levels (150 bytes): 40 bytes of head, 80 of tail */
    buf_reset(&b);
    for (int i = 0; i != 50; ++i)
        buf_append_char(&b, '[');
    buf_append_char(&b, '5');
    for (int i = 0; i != 50; ++i)
        buf_append_char(&b, ']');
    CHECK(schema_validate(nested, parse(b.data), err, sizeof(err)) == -1);
    char expected[256] = "argument '";
    for (int i = 0; i != 13; ++i)
        strcat(expected, "[0]");
    strcat(expected, "...");
    for (int i = 0; i != 26; ++i)
        strcat(expected, "[0]");
    strcat(expected, "': expected array");
    CHECK_STR(err, expected);

    /* control characters in names the schema lists are not copied into messages */
    CHECK(schema_validate(parse("{'properties':{'a\\nb':{'type':'string'}}}"), parse("{'a\\nb':1}"), err, sizeof(err)) == -1);
    CHECK_STR(err, "argument 'a?b': expected string");
    CHECK(schema_check(parse("{'properties':{'a\\u0001b':{'contains':1}}}"), err, sizeof(err)) == -1);
    CHECK_STR(err, "/properties/a?b: unsupported keyword 'contains'");

    /* a $ref loop through deeply nested allOf hits the frame limit before the reference-chain limit */
    buf_reset(&b);
    buf_append_str(&b, "{\"$ref\":\"#/$defs/a\",\"$defs\":{\"a\":");
    for (int i = 0; i != 100; ++i)
        buf_append_str(&b, "{\"allOf\":[");
    buf_append_str(&b, "{\"$ref\":\"#/$defs/a\"}");
    for (int i = 0; i != 100; ++i)
        buf_append_str(&b, "]}");
    buf_append_str(&b, "}}");
    const json_value_t *schema = parse_deep(b.data);
    CHECK(schema_check(schema, err, sizeof(err)) == 0);
    CHECK(schema_validate(schema, parse("1"), err, sizeof(err)) == -1);
    CHECK_STR(err, "arguments: schema nested too deeply");
    buf_dispose(&b);
}

/* anyOf over anyOf over ... doubles the work per level; the budget stops it */
static void
test_exponential_schema(void)
{
    buf_t b = BUF_INIT(0);
    buf_append_str(&b, "{'$ref':'#/$defs/d0','$defs':{");
    for (int i = 0; i != 30; ++i)
        buf_printf(&b, "'d%d':{'anyOf':[{'$ref':'#/$defs/d%d'},{'$ref':'#/$defs/d%d'}]},", i, i + 1, i + 1);
    buf_append_str(&b, "'d30':false}}");
    const json_value_t *schema = parse(b.data);
    char err[256];
    CHECK(schema_check(schema, err, sizeof(err)) == 0);
    CHECK(schema_validate(schema, parse("1"), err, sizeof(err)) == -1);
    CHECK_STR(err, "arguments: too complex to validate");

    /* "not" must not turn giving up into success */
    buf_reset(&b);
    buf_append_str(&b, "{'not':{'$ref':'#/$defs/d0'},'$defs':{");
    for (int i = 0; i != 30; ++i)
        buf_printf(&b, "'d%d':{'anyOf':[{'$ref':'#/$defs/d%d'},{'$ref':'#/$defs/d%d'}]},", i, i + 1, i + 1);
    buf_append_str(&b, "'d30':false}}");
    schema = parse(b.data);
    CHECK(schema_check(schema, err, sizeof(err)) == 0);
    CHECK(schema_validate(schema, parse("1"), err, sizeof(err)) == -1);
    CHECK_STR(err, "arguments: too complex to validate");

    /* if/then over anchors doubles the work per level just the same */
    buf_reset(&b);
    buf_append_str(&b, "{'$ref':'#d0','$defs':{");
    for (int i = 0; i != 30; ++i)
        buf_printf(&b, "'d%d':{'$anchor':'d%d','if':{'$ref':'#d%d'},'then':{'$ref':'#d%d'},'else':false},", i, i, i + 1, i + 1);
    buf_append_str(&b, "'d30':{'$anchor':'d30'}}}");
    schema = parse(b.data);
    CHECK(schema_check(schema, err, sizeof(err)) == 0);
    CHECK(schema_validate(schema, parse("1"), err, sizeof(err)) == -1);
    CHECK_STR(err, "arguments: too complex to validate");
    /* "else" over a failing "if" too, and giving up inside "if" is not a failed condition */
    buf_reset(&b);
    buf_append_str(&b, "{'$ref':'#d0','$defs':{");
    for (int i = 0; i != 30; ++i)
        buf_printf(&b, "'d%d':{'$anchor':'d%d','if':{'$ref':'#d%d'},'then':false,'else':{'$ref':'#d%d'}},", i, i, i + 1, i + 1);
    buf_append_str(&b, "'d30':{'$anchor':'d30','type':'string'}}}");
    schema = parse(b.data);
    CHECK(schema_check(schema, err, sizeof(err)) == 0);
    CHECK(schema_validate(schema, parse("1"), err, sizeof(err)) == -1);
    CHECK_STR(err, "arguments: too complex to validate");
    buf_dispose(&b);
}

/* thousands of anchors: every one resolves, the first duplicate is found, and lookups stay cheap */
static void
test_many_anchors(void)
{
    enum { N = 3000 };
    char err[256];
    buf_t b = BUF_INIT(0);
    buf_append_str(&b, "{'type':'object','$defs':{");
    for (int i = 0; i != N; ++i)
        buf_printf(&b, "%s'd%d':{'$anchor':'a%d','const':%d}", i == 0 ? "" : ",", i, (i * 7919) % N, (i * 7919) % N);
    buf_append_str(&b, "},'properties':{");
    for (int i = 0; i != N; ++i)
        buf_printf(&b, "%s'p%d':{'$ref':'#a%d'}", i == 0 ? "" : ",", i, i);
    buf_append_str(&b, "},'additionalProperties':{'items':{'$ref':'#a1234'}}}");
    const json_value_t *schema = parse(b.data);
    CHECK(schema_check(schema, err, sizeof(err)) == 0);

    buf_reset(&b);
    buf_append_char(&b, '{');
    for (int i = 0; i != N; ++i)
        buf_printf(&b, "'p%d':%d,", i, i);
    buf_append_str(&b, "'extra':[");
    for (int i = 0; i != 10000; ++i)
        buf_append_str(&b, "1234,");
    buf_append_str(&b, "1234]}");
    CHECK(schema_validate(schema, parse(b.data), err, sizeof(err)) == 0);
    buf_reset(&b);
    buf_append_str(&b, "{'p2999':2999,'p17':18}");
    CHECK(schema_validate(schema, parse(b.data), err, sizeof(err)) == -1);
    CHECK_STR(err, "argument 'p17': must be equal to the allowed value");

    /* the same anchor twice, far apart */
    buf_reset(&b);
    buf_append_str(&b, "{'$defs':{");
    for (int i = 0; i != N; ++i)
        buf_printf(&b, "%s'd%d':{'$anchor':'a%d'}", i == 0 ? "" : ",", i, i == N - 1 ? 5 : i);
    buf_append_str(&b, "}}");
    CHECK(schema_check(parse(b.data), err, sizeof(err)) == -1);
    CHECK_STR(err, "/$defs/d2999/$anchor: duplicate anchor 'a5'");
    buf_dispose(&b);
}

/* uniqueItems over long arrays (hashes on the heap past a few dozen items) stays fast and exact */
static void
test_unique_long_arrays(void)
{
    const json_value_t *schema = parse("{'uniqueItems':true}");
    char err[256];
    buf_t b = BUF_INIT(0);
    for (int round = 0; round != 2; ++round) {
        buf_reset(&b);
        buf_append_char(&b, '[');
        for (int i = 0; i != 100000; ++i)
            buf_printf(&b, i % 3 == 0 ? "%d," : i % 3 == 1 ? "'s%d'," : "{'k':[%d]},", i);
        buf_append_str(&b, round == 0 ? "'unique']" : "{'k':[99998]}]");
        int ret = schema_validate(schema, parse(b.data), err, sizeof(err));
        if (round == 0) {
            CHECK(ret == 0);
        } else {
            CHECK(ret == -1);
            CHECK_STR(err, "arguments: must not contain duplicate items");
        }
    }
    /* numbers equal by value but written differently, far apart */
    buf_reset(&b);
    buf_append_str(&b, "[1e2");
    for (int i = 0; i != 1000; ++i)
        buf_printf(&b, ",%d.5", i);
    buf_append_str(&b, ",100.0]");
    CHECK(schema_validate(schema, parse(b.data), err, sizeof(err)) == -1);
    buf_dispose(&b);
}

/* the instance's own strings and names never appear in any message */
static void
test_never_echoes(void)
{
    static const char *const schemas[] = {
        "{'type':'integer'}",
        "{'enum':['a','b']}",
        "{'const':'a'}",
        "{'maxLength':3}",
        "{'additionalProperties':false}",
        "{'additionalProperties':{'type':'integer'}}",
        "{'additionalProperties':{'maxLength':1}}",
        "{'items':{'type':'integer'}}",
        "{'uniqueItems':true,'items':{'type':'string'}}",
        "{'anyOf':[{'type':'integer'},{'type':'null'}]}",
        "{'oneOf':[{'type':'string'},{'maxLength':100}]}",
        "{'not':{'type':['string','object','array']}}",
        "{'properties':{'a':{'additionalProperties':false}}}",
        "{'properties':{'a':{'items':{'additionalProperties':{'const':0}}}}}",
        "{'if':{'type':'string'},'then':{'maxLength':3},'else':{'additionalProperties':false}}",
        "{'if':{'additionalProperties':{'type':'string'}},'then':{'additionalProperties':{'maxLength':1}},'else':{'items':false}}",
        "{'$defs':{'a':{'$anchor':'a','additionalProperties':{'const':0}}},'$ref':'#a'}",
        "{'$defs':{'a':{'$anchor':'a','items':{'$ref':'#a'},'additionalProperties':{'$ref':'#a'},'type':'array'}},'$ref':'#a'}",
    };
    static const char *const instances[] = {
        "'" SENTINEL "'",           "{'" SENTINEL "':'" SENTINEL "'}",         "['" SENTINEL "','" SENTINEL "']",
        "{'a':{'" SENTINEL "':1}}", "{'a':[{'" SENTINEL "':'" SENTINEL "'}]}",
    };
    for (size_t i = 0; i != sizeof(schemas) / sizeof(schemas[0]); ++i) {
        const json_value_t *schema = parse(schemas[i]);
        char err[512];
        CHECK(schema_check(schema, err, sizeof(err)) == 0);
        for (size_t j = 0; j != sizeof(instances) / sizeof(instances[0]); ++j) {
            if (schema_validate(schema, parse(instances[j]), err, sizeof(err)) != 0 && strstr(err, "SECRET") != NULL) {
                fprintf(stderr, "  %s / %s: %s\n", schemas[i], instances[j], err);
                CHECK(!"message echoes the instance");
            }
        }
    }
}

int
main(void)
{
    arena_init(&arena, 0);
    RUN(test_type);
    RUN(test_const_enum);
    RUN(test_numbers);
    RUN(test_strings);
    RUN(test_arrays);
    RUN(test_objects);
    RUN(test_combinators);
    RUN(test_refs);
    RUN(test_conditionals);
    RUN(test_anchors);
    RUN(test_messages);
    RUN(test_check_accepts);
    RUN(test_check_rejects);
    RUN(test_deep_recursion);
    RUN(test_long_paths);
    RUN(test_exponential_schema);
    RUN(test_many_anchors);
    RUN(test_unique_long_arrays);
    RUN(test_never_echoes);
    arena_dispose(&arena);
    printf("test_schema: %d table cases\n", table_cases);
    return TEST_REPORT("test_schema");
}
