/* jsonrpc.c: JSON-RPC 2.0 envelopes: ids echoed exactly, results and errors written in one place. */
#include <string.h>

#include "jsonrpc.h"

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
    static const char start[] = "{\"jsonrpc\":\"2.0\",\"id\":";
    jsonw_object_begin_raw(w, start, sizeof(start) - 1);
    jsonrpc_write_id(w, id);
    jsonw_keyn(w, "result", 6);
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

void
jsonrpc_begin_notification(jsonw_t *w, const char *method)
{
    jsonw_object_begin(w);
    jsonw_kv_string(w, "jsonrpc", "2.0");
    jsonw_kv_string(w, "method", method);
    jsonw_key(w, "params");
}

int
rpc_error_set(mcp_rpc_error_t *e, int code, const char *message, const char *data)
{
    e->code = code;
    e->message = message;
    e->data = data;
    return code;
}

static int
version_ok(const json_value_t *msg)
{
    const json_value_t *jsonrpc = json_get(msg, "jsonrpc");
    return jsonrpc != NULL && jsonrpc->type == JSON_STRING && strcmp(jsonrpc->u.str.ptr, "2.0") == 0;
}

int
jsonrpc_is_response(const json_value_t *msg)
{
    return msg->type == JSON_OBJECT && json_get(msg, "method") == NULL &&
           (json_get(msg, "result") != NULL || json_get(msg, "error") != NULL);
}

int
jsonrpc_valid_response(const json_value_t *msg)
{
    return version_ok(msg) && jsonrpc_valid_id(json_get(msg, "id")) &&
           (json_get(msg, "result") != NULL) != (json_get(msg, "error") != NULL);
}

int
jsonrpc_check_request(const json_value_t *msg, jsonrpc_request_t *out, const char **message)
{
    memset(out, 0, sizeof(*out));
    if (msg->type != JSON_OBJECT) {
        *message = "Invalid Request: not a JSON-RPC message";
        return JSONRPC_INVALID_REQUEST;
    }
    const json_value_t *id = json_get(msg, "id");
    out->id = jsonrpc_valid_id(id) ? id : NULL;
    if (!version_ok(msg)) {
        *message = "Invalid Request: jsonrpc must be \"2.0\"";
        return JSONRPC_INVALID_REQUEST;
    }
    if (id != NULL && out->id == NULL) {
        *message = "Invalid Request: id must be a string or an integer";
        return JSONRPC_INVALID_REQUEST;
    }
    const json_value_t *method = json_get(msg, "method");
    if (method == NULL || method->type != JSON_STRING) {
        *message = "Invalid Request: method must be a string";
        return JSONRPC_INVALID_REQUEST;
    }
    const json_value_t *params = json_get(msg, "params");
    if (params != NULL && params->type != JSON_OBJECT && params->type != JSON_ARRAY) {
        *message = "Invalid Request: params must be an object";
        return JSONRPC_INVALID_REQUEST;
    }
    out->method = method->u.str.ptr;
    out->params = params;
    return 0;
}
