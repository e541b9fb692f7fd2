/* jsonrpc.c: JSON-RPC 2.0 envelopes: ids echoed exactly, results and errors written in one place. */
#include <string.h>

#include "internal.h"

int
jsonrpc_valid_id(const json_value_t *v)
{
    if (v == NULL)
        return 0;
    if (v->type == JSON_STRING)
        return 1;
    /* an integer as written: digits with an optional minus sign, no fraction or exponent */
    if (v->type != JSON_NUMBER)
        return 0;
    const char *p = v->u.num.raw;
    if (*p == '-')
        ++p;
    return *p != '\0' && strspn(p, "0123456789") == strlen(p);
}

void
jsonrpc_write_id(jsonw_t *w, const json_value_t *id)
{
    if (id == NULL)
        jsonw_null(w);
    else
        jsonw_value(w, id); /* numbers keep their literal, so 12345678901234567890 survives */
}

void
jsonrpc_begin_result(jsonw_t *w, const json_value_t *id)
{
    jsonw_object_begin(w);
    jsonw_kv_string(w, "jsonrpc", "2.0");
    jsonw_key(w, "id");
    jsonrpc_write_id(w, id);
    jsonw_key(w, "result");
}

void
jsonrpc_end_result(jsonw_t *w)
{
    jsonw_object_end(w);
}

void
jsonrpc_write_error(jsonw_t *w, const json_value_t *id, int code, const char *message, const char *data_json)
{
    jsonw_object_begin(w);
    jsonw_kv_string(w, "jsonrpc", "2.0");
    jsonw_key(w, "id");
    jsonrpc_write_id(w, id);
    jsonw_key(w, "error");
    jsonw_object_begin(w);
    jsonw_kv_int(w, "code", code);
    jsonw_kv_string(w, "message", message);
    if (data_json != NULL)
        jsonw_kv_raw(w, "data", data_json);
    jsonw_object_end(w);
    jsonw_object_end(w);
}
