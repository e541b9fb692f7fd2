/*
 * Tests of task_store_memory.c, the store of task_store.h the core keeps in memory: a create refuses an id
 * that exists, a write refuses a version that moved on (the race a terminal task wins), rows are copied in
 * and out (nothing of the caller's is kept), and expired rows are gone.
 */
#include <string.h>

#include "task_store_memory.h"
#include "test.h"

static void
make_row(mcp_task_row_t *row, const char *id, int64_t expires_ms)
{
    mcp_task_row_init(row);
    snprintf(row->id, sizeof(row->id), "%s", id);
    snprintf(row->principal, sizeof(row->principal), "%s", "p");
    row->status = MCP_TASK_WORKING;
    row->created_ms = row->updated_ms = mcp_now_ms();
    row->expires_ms = expires_ms;
    row->version = 1;
    buf_append_str(&row->call, "{\"name\":\"t\",\"arguments\":{}}");
}

static void
test_create_read_write(void)
{
    mcp_task_store_t *st = task_store_memory_new();
    mcp_task_row_t row, got, stale;
    make_row(&row, "0123456789abcdef0123456789abcdef", mcp_now_ms() + 60000);
    CHECK(st->create(st, &row) == 0);
    CHECK(st->create(st, &row) == MCP_TASK_STORE_CONDITION);
    mcp_task_row_init(&got);
    CHECK(st->read(st, row.id, &got) == 0);
    CHECK(got.status == MCP_TASK_WORKING && got.version == 1);
    CHECK(got.call.len == row.call.len && memcmp(got.call.data, row.call.data, got.call.len) == 0);
    CHECK(st->read(st, "ffffffffffffffffffffffffffffffff", &got) == MCP_TASK_STORE_NOT_FOUND);

    /* two writers read version 1: the first one's write wins, the second one's is refused */
    mcp_task_row_init(&stale);
    CHECK(st->read(st, row.id, &stale) == 0);
    got.status = MCP_TASK_CANCELLED;
    got.version = 2;
    CHECK(st->write(st, &got) == 0);
    stale.status = MCP_TASK_COMPLETED;
    buf_append_str(&stale.outcome, "{\"content\":[]}");
    stale.version = 2;
    CHECK(st->write(st, &stale) == MCP_TASK_STORE_CONDITION);
    mcp_task_row_t now;
    mcp_task_row_init(&now);
    CHECK(st->read(st, row.id, &now) == 0);
    CHECK(now.status == MCP_TASK_CANCELLED && now.version == 2 && now.outcome.len == 0);

    /* the caller's buffers are its own: changing them changes nothing stored */
    buf_reset(&got.call);
    buf_append_str(&got.call, "changed");
    CHECK(st->read(st, row.id, &now) == 0);
    CHECK(now.call.len == row.call.len);

    mcp_task_row_dispose(&row);
    mcp_task_row_dispose(&got);
    mcp_task_row_dispose(&stale);
    mcp_task_row_dispose(&now);
    task_store_memory_free(st);
}

static void
test_expired_rows_go(void)
{
    mcp_task_store_t *st = task_store_memory_new();
    mcp_task_row_t old, fresh, got;
    make_row(&old, "00000000000000000000000000000001", mcp_now_ms() - 1);
    make_row(&fresh, "00000000000000000000000000000002", mcp_now_ms() + 60000);
    CHECK(st->create(st, &old) == 0);
    CHECK(st->create(st, &fresh) == 0); /* a create drops what has expired */
    mcp_task_row_init(&got);
    CHECK(st->read(st, old.id, &got) == MCP_TASK_STORE_NOT_FOUND);
    CHECK(st->read(st, fresh.id, &got) == 0);
    mcp_task_row_dispose(&old);
    mcp_task_row_dispose(&fresh);
    mcp_task_row_dispose(&got);
    task_store_memory_free(st);
}

int
main(void)
{
    RUN(test_create_read_write);
    RUN(test_expired_rows_go);
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed != 0;
}
