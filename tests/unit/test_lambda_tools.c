/*
 * Tests of registered tools, resources and prompts: the record checks (remote_tools.c: names, schemas the validator
 * must enforce, URIs and level-1 templates, prompt arguments, the function, JSON pointers in the reasons), the
 * snapshots they make, and the X-Amz-Client-Context of an invoke (lambda_tools.c: AgentCore
 * Gateway's keys, the caller's identity, Lambda's 3,583-byte limit kept whatever the identity's size).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "base64.h"
#include "json.h"
#include "lambda_tools.h"
#include "remote_tools.h"
#include "test.h"
#include <unistd.h>

static json_value_t *
parse(arena_t *a, const char *text)
{
    json_value_t *v = NULL;
    if (json_parse(a, text, strlen(text), 64, &v) != 0)
        return NULL;
    return v;
}

#define BASE                                                                                                                       \
    "\"description\":\"d\",\"inputSchema\":{\"type\":\"object\"},\"lambdaArn\":\"arn:aws:lambda:ap-southeast-2:123456789012:"      \
    "function:f\""

/* The reason a record is refused, or "" when it is accepted. */
static const char *
check(arena_t *a, const char *text)
{
    static char err[512];
    json_value_t *rec = parse(a, text);
    if (rec == NULL)
        return "(not JSON)";
    return remote_tools_check_record(rec, NULL, err, sizeof(err)) == 0 ? "" : err;
}

static void
test_records(void)
{
    arena_t a;
    arena_init(&a, 0);
    CHECK_STR(check(&a, "{\"name\":\"ok_tool\"," BASE "}"), "");
    CHECK_STR(check(&a, "{\"name\":\"ok\",\"qualifier\":\"live\",\"timeoutMs\":900000,\"target\":\"my-target\"," BASE "}"), "");
    CHECK_STR(check(&a, "[]"), ": a record must be an object");
    CHECK_STR(check(&a, "{\"name\":\"has space\"," BASE "}"), "/name: must be 1-128 of A-Z a-z 0-9 _ . -");
    CHECK_STR(check(&a, "{\"name\":\"x\",\"description\":\"\",\"inputSchema\":{\"type\":\"object\"},\"lambdaArn\":\"f\"}"),
              "/description: must be a non-empty string");
    CHECK_STR(check(&a, "{\"name\":\"x\",\"description\":\"d\",\"inputSchema\":{\"type\":\"string\"},\"lambdaArn\":\"f\"}"),
              "/inputSchema: must be a JSON Schema object of type \"object\"");
    /* a schema the validator cannot enforce is refused with the validator's reason */
    const char *why =
        check(&a, "{\"name\":\"x\"," BASE ",\"outputSchema\":{\"type\":\"object\",\"propertyNames\":{\"maxLength\":3}}}");
    CHECK(strncmp(why, "/outputSchema: ", 15) == 0 && strstr(why, "propertyNames") != NULL);
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"timeoutMs\":0}"), "/timeoutMs: must be an integer from 1 to 900000");
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"timeoutMs\":900001}"), "/timeoutMs: must be an integer from 1 to 900000");
    CHECK_STR(check(&a, "{\"name\":\"x\",\"description\":\"d\",\"inputSchema\":{\"type\":\"object\"},\"lambdaArn\":\"a/b\"}"),
              "/lambdaArn: must be a Lambda function's ARN or name");
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"qualifier\":\"a:b\"}"), "/qualifier: must be a version or alias name");
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"target\":\"a___b\"}"), "/target: must be 1-100 of A-Z a-z 0-9 -");
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"annotations\":[]}"), "/annotations: must be an object");
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"execution\":{\"taskSupport\":\"required\"}}"), "");
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"execution\":{\"taskSupport\":\"always\"}}"),
              "/execution/taskSupport: must be \"forbidden\", \"optional\" or \"required\"");
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"execution\":{\"ttl\":1}}"), "/execution: has only taskSupport");
    CHECK_STR(check(&a, "{\"name\":\"x\"," BASE ",\"execution\":true}"), "/execution: must be an object");
    CHECK_STR(check(&a, "{\"kind\":\"widget\",\"name\":\"x\"," BASE "}"),
              "/kind: must be \"tool\" (or absent), \"resource\" or \"prompt\"");
    arena_dispose(&a);
}

#define FN "\"lambdaArn\":\"f\""

static void
test_resource_and_prompt_records(void)
{
    arena_t a;
    arena_init(&a, 0);
    CHECK_STR(check(&a, "{\"kind\":\"resource\",\"name\":\"r\",\"uri\":\"docs://a/b\",\"mimeType\":\"text/plain\"," FN "}"), "");
    CHECK_STR(check(&a, "{\"kind\":\"resource\",\"name\":\"r\",\"uriTemplate\":\"orders://{id}/items/{n_2}\"," FN "}"), "");
    CHECK_STR(check(&a, "{\"kind\":\"resource\",\"name\":\"r\"," FN "}"), "/uri: a resource has either a uri or a uriTemplate");
    CHECK_STR(check(&a, "{\"kind\":\"resource\",\"name\":\"r\",\"uri\":\"a://b\",\"uriTemplate\":\"a://{b}\"," FN "}"),
              "/uri: a resource has either a uri or a uriTemplate");
    const char *bad_uris[] = {"no-scheme", "a://with space", "a://{x}", "", NULL};
    for (const char **u = bad_uris; *u != NULL; ++u) {
        char rec[256];
        snprintf(rec, sizeof(rec), "{\"kind\":\"resource\",\"name\":\"r\",\"uri\":\"%s\"," FN "}", *u);
        CHECK(strncmp(check(&a, rec), "/uri: must be an absolute URI", 29) == 0);
    }
    const char *bad_templates[] = {"a://plain", "a://{x}{y}", "a://{+x}",  "a://{x",
                                   "a://x}",    "a://{}",     "a://{a-b}", "a://{1}/{2}/{3}/{4}/{5}/{6}/{7}/{8}/{9}",
                                   NULL};
    for (const char **t = bad_templates; *t != NULL; ++t) {
        char rec[256];
        snprintf(rec, sizeof(rec), "{\"kind\":\"resource\",\"name\":\"r\",\"uriTemplate\":\"%s\"," FN "}", *t);
        CHECK(strncmp(check(&a, rec), "/uriTemplate: must be an absolute URI with 1-8 {variables}", 58) == 0);
    }
    CHECK_STR(check(&a, "{\"kind\":\"resource\",\"name\":\"r\",\"uri\":\"a://b\",\"mimeType\":\"\"," FN "}"),
              "/mimeType: must be a MIME type");
    CHECK_STR(check(&a, "{\"kind\":\"resource\",\"name\":\"r\",\"uri\":\"a://b\"}"),
              "/lambdaArn: must be a Lambda function's ARN or name");
    CHECK_STR(check(&a,
                    "{\"kind\":\"prompt\",\"name\":\"p\",\"description\":\"d\",\"arguments\":[{\"name\":\"a\",\"required\":true},"
                    "{\"name\":\"b\",\"description\":\"B\"}]," FN "}"),
              "");
    CHECK_STR(check(&a, "{\"kind\":\"prompt\",\"name\":\"p\"," FN "}"), "/description: must be a non-empty string");
    CHECK_STR(
        check(&a, "{\"kind\":\"prompt\",\"name\":\"p\",\"description\":\"d\",\"arguments\":[{\"name\":\"a\"},{\"name\":\"a\"}]," FN
                  "}"),
        "/arguments/1/name: is the name of an earlier argument");
    CHECK_STR(check(&a, "{\"kind\":\"prompt\",\"name\":\"p\",\"description\":\"d\",\"arguments\":[7]," FN "}"),
              "/arguments/0: must be an object");
    CHECK_STR(check(&a,
                    "{\"kind\":\"prompt\",\"name\":\"p\",\"description\":\"d\",\"arguments\":[{\"name\":\"a\",\"required\":1}]," FN
                    "}"),
              "/arguments/0/required: must be a boolean");
    arena_dispose(&a);
}

/* Decodes a client context; returns its "custom" object (in a). */
static const json_value_t *
custom_of(arena_t *a, const buf_t *b64)
{
    buf_t json = BUF_INIT(0);
    const json_value_t *custom = NULL;
    if (base64_decode(&json, b64->data, b64->len, 0) == 0) {
        json_value_t *v = NULL;
        if (json_parse(a, json.data, json.len, 64, &v) == 0)
            custom = json_get(v, "custom");
    }
    buf_dispose(&json);
    return custom;
}

static void
test_client_context(void)
{
    arena_t a;
    arena_init(&a, 0);
    json_value_t *record = parse(&a, "{\"name\":\"t\",\"target\":\"tgt\"}");
    json_value_t *identity = parse(&a, "{\"principalId\":\"alice\",\"scope\":\"tools\"}");
    mcp_invoke_t call = {.tool = "add", .record = record, .identity = identity, .request_id = "req-1", .message_id = "\"m-1\""};
    buf_t out = BUF_INIT(0);
    CHECK(lambda_tools_client_context(&call, "gw-1", &out) == 0);
    const json_value_t *c = custom_of(&a, &out);
    CHECK_STR(json_string(json_get(c, "bedrockAgentCoreToolName")), "tgt___add");
    CHECK_STR(json_string(json_get(c, "bedrockAgentCoreGatewayId")), "gw-1");
    CHECK_STR(json_string(json_get(c, "bedrockAgentCoreTargetId")), "tgt");
    CHECK_STR(json_string(json_get(c, "bedrockAgentCoreMessageVersion")), "1.0");
    CHECK_STR(json_string(json_get(c, "bedrockAgentCoreAwsRequestId")), "req-1");
    CHECK_STR(json_string(json_get(c, "bedrockAgentCoreMcpMessageId")), "\"m-1\"");
    CHECK_STR(json_string(json_get(c, "mcpCallerIdentity")), "{\"principalId\":\"alice\",\"scope\":\"tools\"}");
    CHECK(json_get(c, "mcpCallerIdentityTruncated") == NULL);

    /* an identity too large for the limit: its principal alone, marked truncated */
    buf_t big = BUF_INIT(0);
    buf_append_str(&big, "{\"principalId\":\"bob\",\"groups\":\"");
    for (int i = 0; i != 4000; ++i)
        buf_append_char(&big, 'g');
    buf_append_str(&big, "\"}");
    call.identity = parse(&a, big.data);
    CHECK(lambda_tools_client_context(&call, "gw-1", &out) == 0);
    CHECK(out.len <= LAMBDA_CLIENT_CONTEXT_MAX);
    c = custom_of(&a, &out);
    CHECK(json_get(c, "mcpCallerIdentity") == NULL);
    CHECK_STR(json_string(json_get(c, "mcpCallerPrincipal")), "bob");
    CHECK_STR(json_string(json_get(c, "mcpCallerIdentityTruncated")), "true");
    CHECK_STR(json_string(json_get(c, "bedrockAgentCoreToolName")), "tgt___add");

    /* no target: "mcp"; no identity: no identity keys; a huge message id is cut, and the whole still fits */
    buf_reset(&big);
    buf_append_char(&big, '"');
    for (int i = 0; i != 5000; ++i)
        buf_append_char(&big, 'i');
    buf_append_char(&big, '"');
    mcp_invoke_t plain = {.tool = "add", .record = parse(&a, "{}"), .request_id = "", .message_id = big.data};
    CHECK(lambda_tools_client_context(&plain, "gw-1", &out) == 0);
    CHECK(out.len <= LAMBDA_CLIENT_CONTEXT_MAX);
    c = custom_of(&a, &out);
    CHECK_STR(json_string(json_get(c, "bedrockAgentCoreToolName")), "mcp___add");
    CHECK(json_get(c, "mcpCallerIdentity") == NULL && json_get(c, "mcpCallerIdentityTruncated") == NULL);
    CHECK(strlen(json_string(json_get(c, "bedrockAgentCoreMcpMessageId"))) == 256);
    buf_dispose(&big);
    buf_dispose(&out);
    arena_dispose(&a);
}

/* A source of records that counts its reads; fail makes the next reads fail. */
typedef struct st_fake_source_t {
    mcp_tool_source_t super;
    int loads;
    int fail;
    const char *records;
} fake_source_t;

static int
fake_load(mcp_tool_source_t *self, buf_t *out, char *err, size_t err_len)
{
    fake_source_t *f = (fake_source_t *)self;
    ++f->loads;
    if (f->fail) {
        snprintf(err, err_len, "the table is unreachable");
        return -1;
    }
    buf_append_str(out, f->records);
    return 0;
}

#define RECORD(name) "{\"name\":\"" name "\",\"description\":\"d\",\"inputSchema\":{\"type\":\"object\"},\"lambdaArn\":\"f\"}"

static void
test_snapshots(void)
{
    fake_source_t f = {.super = {.load = fake_load}, .records = "[" RECORD("a") "," RECORD("b") "]"};
    /* read at most once per interval, however many listings and calls */
    remote_tools_t *rt = remote_tools_new(&f.super, NULL, 60000);
    const remote_snapshot_t *s = NULL;
    for (int i = 0; i != 100; ++i)
        s = remote_tools_snapshot(rt);
    CHECK(f.loads == 1);
    CHECK(remote_snapshot_num_tools(s) == 2);
    CHECK(remote_snapshot_find(s, "b") != NULL && remote_snapshot_find(s, "c") == NULL);
    CHECK(remote_tools_cache_hint(rt)->ttl_ms == 60000);
    CHECK(remote_snapshot_find(s, "a")->tool->task_support == MCP_TASK_NEVER);
    remote_tools_free(rt);

    /* execution.taskSupport becomes the tool's task support */
    f.records = "[{\"name\":\"t\",\"description\":\"d\",\"inputSchema\":{\"type\":\"object\"},\"lambdaArn\":\"f\","
                "\"execution\":{\"taskSupport\":\"optional\"}}]";
    rt = remote_tools_new(&f.super, NULL, 60000);
    CHECK(remote_snapshot_find(remote_tools_snapshot(rt), "t")->tool->task_support == MCP_TASK_OPTIONAL);
    remote_tools_free(rt);
    f.records = "[" RECORD("a") "," RECORD("b") "]";

    /* interval 0: every use reads; a failed read keeps what was read before; a change replaces it, and bad records and
       a second record of one name are left out */
    f.loads = 0;
    rt = remote_tools_new(&f.super, NULL, 0);
    const remote_snapshot_t *first = remote_tools_snapshot(rt);
    CHECK(remote_snapshot_num_tools(first) == 2);
    f.fail = 1;
    s = remote_tools_snapshot(rt);
    CHECK(f.loads == 2);
    CHECK(s == first);
    f.fail = 0;
    s = remote_tools_snapshot(rt); /* read again (interval 0), the same text: the same snapshot */
    CHECK(f.loads == 3 && s == first);
    remote_tools_free(rt);

    f.loads = 0;
    rt = remote_tools_new(&f.super, NULL, 0);
    first = remote_tools_snapshot(rt);
    s = remote_tools_snapshot(rt);
    CHECK(f.loads == 2 && s == first); /* the same text: the same snapshot */
    f.records = "[" RECORD("c") ",{\"name\":\"bad\"}," RECORD("c") ",7]";
    s = remote_tools_snapshot(rt);
    CHECK(s != first);
    CHECK(remote_snapshot_num_tools(s) == 1);
    CHECK(remote_snapshot_find(s, "c") != NULL && remote_snapshot_find(s, "a") == NULL);
    CHECK(remote_snapshot_num_tools(first) == 2); /* a replaced snapshot stays readable: a call may be using it */
    f.records = "not json";
    s = remote_tools_snapshot(rt);
    CHECK(remote_snapshot_num_tools(s) == 0);
    CHECK(remote_tools_cache_hint(rt)->ttl_ms == 0);
    remote_tools_free(rt);
}

/* Resources, templates and prompts in a snapshot: found by URI (a template's variables decoded) and by name. */
static void
test_resource_snapshots(void)
{
    fake_source_t f = {
        .super = {.load = fake_load},
        .records =
            "[{\"kind\":\"resource\",\"name\":\"hb\",\"uri\":\"docs://hb\"," FN "},"
            "{\"kind\":\"resource\",\"name\":\"order\",\"uriTemplate\":\"orders://{id}/x\"," FN "},"
            "{\"kind\":\"resource\",\"name\":\"again\",\"uri\":\"docs://hb\"," FN "},"
            "{\"kind\":\"resource\",\"name\":\"order\",\"uri\":\"docs://other\"," FN "},"
            "{\"kind\":\"prompt\",\"name\":\"p\",\"description\":\"d\",\"arguments\":[{\"name\":\"a\",\"required\":true}]," FN "},"
            "{\"kind\":\"prompt\",\"name\":\"p\",\"description\":\"again\"," FN "},"
            "{\"name\":\"hb\"," BASE "}]"};
    remote_tools_t *rt = remote_tools_new(&f.super, NULL, 60000);
    const remote_snapshot_t *s = remote_tools_snapshot(rt);
    CHECK(remote_snapshot_num_tools(s) == 1); /* one name may be a tool and a resource */
    CHECK(remote_snapshot_num_resources(s, 0) == 1 && remote_snapshot_num_resources(s, 1) == 1);
    CHECK(remote_snapshot_num_prompts(s) == 1);
    CHECK_STR(remote_snapshot_resource(s, 1, 0)->uri_template, "orders://{id}/x");
    arena_t a;
    arena_init(&a, 0);
    json_value_t *vars = NULL;
    const mcp_resource_t *r = remote_snapshot_find_resource(s, &a, "docs://hb", &vars);
    CHECK(r != NULL && strcmp(r->name, "hb") == 0 && vars->u.obj.len == 0);
    r = remote_snapshot_find_resource(s, &a, "orders://a%2Fb/x", &vars);
    CHECK(r != NULL && strcmp(r->name, "order") == 0);
    CHECK_STR(json_string(json_get(vars, "id")), "a/b");
    CHECK(remote_snapshot_find_resource(s, &a, "orders://1/y", &vars) == NULL);
    CHECK(remote_snapshot_find_resource(s, &a, "docs://other", &vars) == NULL); /* its name was taken */
    const mcp_prompt_t *p = remote_snapshot_find_prompt(s, "p");
    CHECK(p != NULL && strcmp(p->description, "d") == 0);
    CHECK(p->arguments[0].name != NULL && strcmp(p->arguments[0].name, "a") == 0 && p->arguments[0].required);
    CHECK(p->arguments[1].name == NULL);
    arena_dispose(&a);
    remote_tools_free(rt);
}

int
main(void)
{
    RUN(test_snapshots);
    RUN(test_resource_snapshots);
    RUN(test_records);
    RUN(test_resource_and_prompt_records);
    RUN(test_client_context);
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed != 0;
}
