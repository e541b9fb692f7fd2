/* pagination.c: opaque, stateless cursors (see pagination.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "pagination.h"
#include "server.h"

static int
pagination_begin(const json_value_t *params, char kind, size_t total, size_t *offset)
{
    *offset = 0;
    const json_value_t *cursor = json_get(params, "cursor");
    if (cursor == NULL)
        return 0;
    if (cursor->type != JSON_STRING || cursor->u.str.len > 32)
        return -1;
    buf_t raw = BUF_INIT(64);
    int ret = -1;
    if (base64_decode(&raw, cursor->u.str.ptr, cursor->u.str.len, 1) != 0 || raw.len < 3 || raw.data[0] != kind ||
        raw.data[1] != ':')
        goto exit;
    const char *digits = raw.data + 2;
    if (strspn(digits, "0123456789") != raw.len - 2 || raw.len - 2 > 9 || (digits[0] == '0' && raw.len > 3))
        goto exit;
    size_t off = (size_t)strtoul(digits, NULL, 10);
    if (off == 0 || off >= total)
        goto exit;
    *offset = off;
    ret = 0;
exit:
    buf_dispose(&raw);
    return ret;
}

int
pagination_list_begin(mcp_call_t *call, jsonw_t *w, char kind, const char *key, size_t total, size_t *begin, size_t *end)
{
    if (pagination_begin(call->params, kind, total, begin) != 0)
        return rpc_error_set(&call->error, JSONRPC_INVALID_PARAMS, "Invalid params: invalid cursor", NULL);
    size_t page = server_config(call->req->server)->page_size;
    *end = total - *begin > page ? *begin + page : total;
    jsonw_object_begin(w);
    jsonw_key(w, key);
    jsonw_array_begin(w);
    return 0;
}

void
pagination_list_end(mcp_call_t *call, jsonw_t *w, char kind, size_t end, size_t total)
{
    pagination_list_end_cached(call, w, kind, end, total, call->method->cache);
}

void
pagination_list_end_cached(mcp_call_t *call, jsonw_t *w, char kind, size_t end, size_t total, const mcp_cache_hint_t *cache)
{
    jsonw_array_end(w);
    if (end < total) {
        char plain[32];
        int n = snprintf(plain, sizeof(plain), "%c:%zu", kind, end);
        buf_t enc = BUF_INIT(0);
        base64url_encode(&enc, plain, (size_t)n);
        jsonw_key(w, "nextCursor");
        jsonw_stringn(w, enc.data, enc.len);
        buf_dispose(&enc);
    }
    era_result_end(call->req, w, cache);
}
