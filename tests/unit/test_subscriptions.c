/*
 * Tests of methods/subscriptions.c's notifications/tasks, through mcp_handle() as a streaming front door
 * with caller identities (the HTTP server has none, so the node tests cannot hold two callers' streams open):
 * a stream is agreed only the caller's own tasks, is told a task's row once per version and never an older
 * one, and never a row bound to another caller, even for an id it listens for.
 */
#include <openssl/sha.h>
#include <string.h>

#include "config.h"
#include "jsonw.h"
#include "log.h"
#include "server.h"
#include "subscriptions.h"
#include "task_store_memory.h"
#include "tasks.h"
#include "test.h"

static mcp_config_t config;
static mcp_server_t *server;
static mcp_task_store_t *store;

static const char alice_task[] = "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0";
static const char mallory_task[] = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

/* The identity {"principal":name} as the front door would hand it over, in arena. */
static json_value_t *
identity(arena_t *arena, const char *name)
{
    char text[64];
    json_value_t *v = NULL;
    int n = snprintf(text, sizeof(text), "{\"principal\":\"%s\"}", name);
    CHECK(json_parse(arena, text, (size_t)n, 8, &v) == 0);
    return v;
}

/* What a row keeps for that identity: SHA-256 of its JSON (tasks_principal()). */
static void
principal(const char *name, char out[65])
{
    char text[64];
    unsigned char digest[SHA256_DIGEST_LENGTH];
    int n = snprintf(text, sizeof(text), "{\"principal\":\"%s\"}", name);
    SHA256((const unsigned char *)text, (size_t)n, digest);
    for (int i = 0; i != SHA256_DIGEST_LENGTH; ++i)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

static void
make_row(mcp_task_row_t *row, const char *id, const char *owner, unsigned version, mcp_task_status_t status)
{
    mcp_task_row_init(row);
    snprintf(row->id, sizeof(row->id), "%s", id);
    principal(owner, row->principal);
    row->status = status;
    row->created_ms = row->updated_ms = mcp_now_ms();
    row->expires_ms = row->created_ms + 60000;
    row->version = version;
    buf_append_str(&row->call, "{\"name\":\"t\",\"arguments\":{}}");
}

/* A listen request for task_ids (a JSON array's text) by the named caller, held open as the HTTP server holds it. */
static void
listen(const char *caller, const char *task_ids, mcp_response_t *res)
{
    static const mcp_header_t headers[] = {
        {"host", 4, "127.0.0.1", 9},
        {"content-type", 12, "application/json", 16},
        {"accept", 6, "application/json, text/event-stream", 35},
        {"mcp-protocol-version", 20, "2026-07-28", 10},
        {"mcp-method", 10, "subscriptions/listen", 20},
    };
    char body[512];
    int n =
        snprintf(body, sizeof(body),
                 "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":{\"taskIds\":%s},"
                 "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                 "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"},"
                 "\"io.modelcontextprotocol/clientCapabilities\":{\"extensions\":{\"io.modelcontextprotocol/tasks\":{}}}}}}",
                 task_ids);
    arena_t arena;
    arena_init(&arena, 4096);
    mcp_http_request_t req = {.method = "POST",
                              .method_len = 4,
                              .path = "/mcp",
                              .path_len = 4,
                              .headers = headers,
                              .num_headers = sizeof(headers) / sizeof(headers[0]),
                              .body = body,
                              .body_len = (size_t)n,
                              .identity = identity(&arena, caller),
                              .can_stream = 1,
                              .concurrent = 1};
    memset(res, 0, sizeof(*res));
    mcp_handle(server, &req, res);
    arena_dispose(&arena);
    CHECK(res->status == 200);
    CHECK(res->stream != NULL);
}

/* The stream's bytes so far, NUL-terminated, in out. */
static void
take(mcp_response_t *res, buf_t *out)
{
    buf_reset(out);
    if (res->stream != NULL)
        mcp_stream_take(res->stream, out);
    buf_append(out, "", 1);
}

static int
count(const buf_t *b, const char *needle)
{
    int n = 0;
    for (const char *p = b->data; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        ++n;
    return n;
}

/* What tasks.c does after writing a row: the row's DetailedTask, told to the streams. */
static void
publish(const mcp_task_row_t *row)
{
    buf_t detailed = BUF_INIT(0);
    CHECK(tasks_write_detailed(server, row, &detailed) == 0);
    subscriptions_publish_task(server_subscriptions(server), row, detailed.data, detailed.len);
    buf_dispose(&detailed);
}

static void
test_own_tasks_only(void)
{
    mcp_task_row_t a, m;
    make_row(&a, alice_task, "alice", 1, MCP_TASK_WORKING);
    make_row(&m, mallory_task, "mallory", 1, MCP_TASK_WORKING);
    CHECK(store->create(store, &a) == 0);
    CHECK(store->create(store, &m) == 0);

    mcp_response_t alice, mallory;
    buf_t got = BUF_INIT(0);
    listen("alice", "[\"a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0\",\"b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0\"]", &alice);
    take(&alice, &got);
    /* agreed: alice's task alone, told as it is now */
    CHECK(strstr(got.data, "\"taskIds\":[\"a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0\"]") != NULL);
    CHECK(count(&got, "notifications/tasks") == 1);
    CHECK(count(&got, "\"status\":\"working\"") == 1);
    CHECK(strstr(got.data, "\"taskId\":\"b0b0") == NULL);
    listen("mallory", "[\"a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0\"]", &mallory);
    take(&mallory, &got);
    CHECK(strstr(got.data, "\"taskIds\":[]") != NULL);
    CHECK(count(&got, "notifications/tasks") == 0);

    /* a change: alice's stream is told, once per version, never going back */
    a.version = 2;
    a.status = MCP_TASK_COMPLETED;
    buf_append_str(&a.outcome, "{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}");
    publish(&a);
    publish(&a);
    mcp_task_row_t old;
    make_row(&old, alice_task, "alice", 1, MCP_TASK_INPUT_REQUIRED);
    publish(&old);
    take(&alice, &got);
    CHECK(count(&got, "notifications/tasks") == 1);
    CHECK(count(&got, "\"status\":\"completed\"") == 1);
    CHECK(strstr(got.data, "\"text\":\"done\"") != NULL);
    CHECK(count(&got, "input_required") == 0);
    CHECK(strstr(got.data, "\"io.modelcontextprotocol/subscriptionId\":9") != NULL);

    /* a row of that id bound to another caller is told to nobody: not alice (not hers), not mallory (not agreed) */
    mcp_task_row_t foreign;
    make_row(&foreign, alice_task, "mallory", 3, MCP_TASK_CANCELLED);
    publish(&foreign);
    /* nor is mallory's own task to a stream that does not listen for it */
    m.version = 2;
    m.status = MCP_TASK_CANCELLED;
    publish(&m);
    take(&alice, &got);
    CHECK(count(&got, "notifications/tasks") == 0);
    take(&mallory, &got);
    CHECK(count(&got, "notifications/tasks") == 0);

    mcp_stream_release(alice.stream);
    mcp_stream_release(mallory.stream);
    alice.stream = mallory.stream = NULL;
    mcp_response_dispose(&alice);
    mcp_response_dispose(&mallory);
    CHECK(!subscriptions_listening_for_task(server_subscriptions(server), alice_task));
    buf_dispose(&got);
    mcp_task_row_dispose(&a);
    mcp_task_row_dispose(&m);
    mcp_task_row_dispose(&old);
    mcp_task_row_dispose(&foreign);
}

int
main(void)
{
    char *argv[] = {"test", NULL};
    char err[256];
    log_set_level(LOG_ERROR);
    if (config_parse(&config, 1, argv, err, sizeof(err)) != SETTINGS_OK ||
        (server = mcp_server_new(&config, err, sizeof(err))) == NULL || (store = task_store_memory_new()) == NULL) {
        fprintf(stderr, "setup: %s\n", err);
        return 1;
    }
    mcp_server_set_task_store(server, store);
    RUN(test_own_tasks_only);
    mcp_server_free(server);
    task_store_memory_free(store);
    config_dispose(&config);
    return TEST_REPORT("test_subscriptions");
}
