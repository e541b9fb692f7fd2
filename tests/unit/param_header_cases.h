/*
 * param_header_cases.h: the x-mcp-header cases (tests/unit/cases/x-mcp-header.json), one table that the
 * tests of common/mcp_param_headers.c, of the server (mirrored_headers.c) and of the client (headers.c) all
 * run, so that server and client are seen to accept and refuse the same tool definitions.
 *
 * A case is {"case": what it shows, "schema": an inputSchema, and either "headers": the annotations found,
 * as "Name@path.to.value;Name2@..." in document order, or "invalid": text the reason must contain}.
 */
#ifndef PARAM_HEADER_CASES_H
#define PARAM_HEADER_CASES_H

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "mcp_param_headers.h"
#include "test.h"

/*
 * Collects the annotations of schema the way one side does, and writes them to out as the table does, or
 * returns -1 with the reason in err.
 */
typedef int (*param_header_collect_fn)(const json_value_t *schema, arena_t *arena, buf_t *out, char *err, size_t err_len);

/* Appends one annotation as "Name@a.b", after a ';' unless it is the first. */
static inline void
param_header_format(buf_t *out, const mcp_param_header_t *p)
{
    buf_printf(out, "%s%s@", out->len != 0 ? ";" : "", p->name);
    for (size_t i = 0; i != p->path_len; ++i)
        buf_printf(out, "%s%s", i != 0 ? "." : "", p->path[i]);
}

/* Runs every case through collect; returns how many there were. */
static inline size_t
param_header_cases_run(param_header_collect_fn collect)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/unit/cases/x-mcp-header.json", TEST_SOURCE_DIR);
    buf_t text = BUF_INIT(0);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL)
        return 0;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) != 0)
        buf_append(&text, chunk, n);
    fclose(f);
    arena_t file_arena;
    arena_init(&file_arena, 0);
    json_value_t *cases = NULL;
    CHECK(json_parse(&file_arena, text.data, text.len, 64, &cases) == 0 && cases->type == JSON_ARRAY);
    size_t count = 0;
    for (size_t i = 0; cases != NULL && i != cases->u.arr.len; ++i, ++count) {
        const json_value_t *c = cases->u.arr.items[i];
        const char *what = json_string(json_get(c, "case")), *headers = json_string(json_get(c, "headers")),
                   *invalid = json_string(json_get(c, "invalid"));
        CHECK(what != NULL && json_get(c, "schema") != NULL && (headers != NULL) != (invalid != NULL));
        arena_t a;
        arena_init(&a, 0);
        buf_t out = BUF_INIT(0);
        char err[256] = "";
        int ret = collect(json_get(c, "schema"), &a, &out, err, sizeof(err));
        int ok = headers != NULL ? ret == 0 && strcmp(out.data != NULL ? out.data : "", headers) == 0
                                 : ret == -1 && invalid != NULL && strstr(err, invalid) != NULL;
        if (!ok)
            fprintf(stderr, "  case \"%s\": got %s \"%s\", expected %s \"%s\"\n", what != NULL ? what : "?",
                    ret == 0 ? "headers" : "invalid", ret == 0 ? (out.data != NULL ? out.data : "") : err,
                    headers != NULL ? "headers" : "invalid", headers != NULL ? headers : invalid);
        CHECK(ok);
        buf_dispose(&out);
        arena_dispose(&a);
    }
    arena_dispose(&file_arena);
    buf_dispose(&text);
    return count;
}

#endif
