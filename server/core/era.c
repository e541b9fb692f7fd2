/*
 * era.c: the two protocol eras, and every rule that differs between them.
 *
 * A dual-era server picks the era per request (2026-07-28 basic/versioning). Legacy requests (2025-03-26,
 * 2025-06-18, 2025-11-25) are served exactly as before this file existed: the version comes from the
 * MCP-Protocol-Version header, nothing else is required. A modern request (2026-07-28) is stateless and
 * self-describing: its _meta carries the protocol version and the client's capabilities, and its headers
 * mirror the body (MCP-Protocol-Version, Mcp-Method, Mcp-Name) so that intermediaries can route on them;
 * a mismatch is refused, because a proxy and this server must never act on different values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "era.h"
#include "config.h"
#include "http_checks.h"
#include "jsonrpc.h"
#include "mirrored_headers.h"
#include "registry.h"
#include "request.h"
#include "version.h"
#include "dispatch.h"

const char *const mcp_version_names[MCP_NUM_VERSIONS] = {"2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"};
const mcp_era_t mcp_version_eras[MCP_NUM_VERSIONS] = {MCP_ERA_LEGACY, MCP_ERA_LEGACY, MCP_ERA_LEGACY, MCP_ERA_MODERN};

int
mcp_version_parse(const char *s, size_t len)
{
    for (int i = 0; i != MCP_NUM_VERSIONS; ++i)
        if (strlen(mcp_version_names[i]) == len && memcmp(mcp_version_names[i], s, len) == 0)
            return i;
    return -1;
}

/* The version a header names (spaces around it do not count), or -1. */
static int
header_version(const mcp_header_t *h)
{
    const char *v = h->value;
    size_t len = h->value_len;
    headers_trim(&v, &len);
    return mcp_version_parse(v, len);
}

static const json_value_t *
request_meta(const json_value_t *msg)
{
    return json_get(json_get(msg, "params"), "_meta");
}

int
era_select(mcp_request_t *req, const mcp_header_t *version_header, const json_value_t *root)
{
    /*
     * Modern when the body's _meta names a version that is not a legacy one (a legacy client never
     * sends that key), or when the header names a modern version. A legacy version in _meta is served as
     * legacy: discover lists the legacy revisions as supported, so a client may pick one that way.
     */
    const json_value_t *meta_version =
        root != NULL && root->type == JSON_OBJECT ? json_get(request_meta(root), MCP_META_PROTOCOL_VERSION) : NULL;
    int hv = version_header != NULL ? header_version(version_header) : -1;
    int modern;
    if (meta_version != NULL) {
        int mv = meta_version->type == JSON_STRING ? mcp_version_parse(meta_version->u.str.ptr, meta_version->u.str.len) : -1;
        modern = mv < 0 || mcp_version_eras[mv] == MCP_ERA_MODERN;
    } else {
        modern = hv >= 0 && mcp_version_eras[hv] == MCP_ERA_MODERN;
    }
    if (modern) {
        req->era = MCP_ERA_MODERN;
        req->version = MCP_V2026_07_28; /* the only modern revision; era_check_request() refuses others */
        return 0;
    }
    req->era = MCP_ERA_LEGACY;
    if (version_header == NULL) {
        req->version = MCP_V2025_03_26; /* what a server SHOULD assume when the header is absent */
        return 0;
    }
    if (hv < 0 || mcp_version_eras[hv] != MCP_ERA_LEGACY)
        return ERA_BAD_LEGACY_VERSION;
    req->version = (mcp_version_t)hv;
    return 0;
}

int
era_has_method(const mcp_request_t *req, const mcp_method_t *m)
{
    return (m->eras & req->era) != 0 && (req->era == MCP_ERA_MODERN || req->version >= m->since);
}

static const char *
arena_json(const mcp_request_t *req, buf_t *b)
{
    const char *s = buf_failed(b) ? NULL : arena_strndup(req->arena, b->data != NULL ? b->data : "", b->len);
    buf_dispose(b);
    return s;
}

/* -32022's data: the versions this server speaks and the one the client asked for. */
static const char *
unsupported_version_data(mcp_request_t *req, const json_value_t *requested)
{
    buf_t b = BUF_INIT(4096);
    jsonw_t w;
    jsonw_init(&w, &b);
    jsonw_object_begin(&w);
    jsonw_key(&w, "supported");
    era_write_supported_versions(&w);
    jsonw_key(&w, "requested");
    if (requested->type == JSON_STRING)
        jsonw_stringn(&w, requested->u.str.ptr, requested->u.str.len);
    else
        jsonw_string(&w, ""); /* a version that is not even a string: nothing to echo */
    jsonw_object_end(&w);
    return arena_json(req, &b);
}

/* Compares a header that mirrors a body string; the value may use the base64 form when decode is set. */
static int
header_matches(const mcp_header_t *h, const char *expected, size_t expected_len, int decode)
{
    if (h == NULL)
        return 0;
    const char *v = h->value;
    size_t len = h->value_len;
    headers_trim(&v, &len);
    if (!decode)
        return len == expected_len && memcmp(v, expected, len) == 0;
    buf_t decoded = BUF_INIT(1u << 20);
    int ok = headers_decode_value(v, len, &decoded) == 0 && decoded.len == expected_len &&
             memcmp(decoded.data != NULL ? decoded.data : "", expected, expected_len) == 0;
    buf_dispose(&decoded);
    return ok;
}

int
era_check_request(mcp_request_t *req, const char *method, const json_value_t *params, const mcp_method_t *m, mcp_rpc_error_t *e)
{
    if (req->era != MCP_ERA_MODERN)
        return 0;
    const json_value_t *meta = json_get(params, "_meta");
    const json_value_t *version = json_get(meta, MCP_META_PROTOCOL_VERSION);
    const json_value_t *caps = json_get(meta, MCP_META_CLIENT_CAPABILITIES);
    const mcp_header_t *version_header = headers_find(req->http, "mcp-protocol-version");
    /* in the order of the spec's validation: the header exists, the _meta is complete, they agree, we speak it */
    if (version_header == NULL)
        return rpc_error_set(e, MCP_HEADER_MISMATCH, "Header mismatch: the MCP-Protocol-Version header is required", NULL);
    if (version == NULL || version->type != JSON_STRING || caps == NULL || caps->type != JSON_OBJECT)
        return rpc_error_set(e, JSONRPC_INVALID_PARAMS,
                             "Invalid params: _meta must carry io.modelcontextprotocol/protocolVersion (a string) and "
                             "io.modelcontextprotocol/clientCapabilities (an object)",
                             NULL);
    if (!header_matches(version_header, version->u.str.ptr, version->u.str.len, 0))
        return rpc_error_set(e, MCP_HEADER_MISMATCH, "Header mismatch: MCP-Protocol-Version differs from _meta's protocol version",
                             NULL);
    int v = mcp_version_parse(version->u.str.ptr, version->u.str.len);
    if (v < 0 || mcp_version_eras[v] != MCP_ERA_MODERN)
        return rpc_error_set(e, MCP_UNSUPPORTED_VERSION, MCP_UNSUPPORTED_VERSION_MESSAGE, unsupported_version_data(req, version));
    const json_value_t *level = json_get(meta, MCP_META_LOG_LEVEL);
    mcp_log_level_t parsed = MCP_LOG_OFF; /* no level: no notifications/message at all */
    if (level != NULL && (level->type != JSON_STRING || config_parse_client_log_level(level->u.str.ptr, &parsed) != 0))
        return rpc_error_set(e, JSONRPC_INVALID_PARAMS,
                             "Invalid params: _meta's io.modelcontextprotocol/logLevel is not a log level", NULL);
    if (!header_matches(headers_find(req->http, "mcp-method"), method, strlen(method), 0))
        return rpc_error_set(e, MCP_HEADER_MISMATCH, "Header mismatch: the Mcp-Method header is missing or differs from the method",
                             NULL);
    const json_value_t *name = m != NULL && m->name_param != NULL ? json_get(params, m->name_param) : NULL;
    /* a name of the wrong type is the handler's -32602; there is nothing a header could mirror */
    if (name != NULL && name->type == JSON_STRING &&
        !header_matches(headers_find(req->http, "mcp-name"), name->u.str.ptr, name->u.str.len, 1)) {
        return rpc_error_set(e, MCP_HEADER_MISMATCH,
                             "Header mismatch: the Mcp-Name header is missing or differs from the request's name or uri", NULL);
    }
    req->client_capabilities = caps;
    req->client_log_level = parsed;
    return 0;
}

int
era_check_tool_call(const mcp_request_t *req, const mcp_tool_entry_t *entry, const json_value_t *args, mcp_rpc_error_t *e)
{
    if (req->era != MCP_ERA_MODERN)
        return 0;
    if (headers_check_params(req->http, entry->header_params, entry->num_header_params, args) != 0)
        return rpc_error_set(e, MCP_HEADER_MISMATCH,
                             "Header mismatch: an Mcp-Param header is missing, malformed or differs from its argument", NULL);
    buf_t missing = BUF_INIT(64 * 1024);
    if (entry->client_capabilities != NULL && !era_client_has(req->client_capabilities, entry->client_capabilities, &missing)) {
        buf_t b = BUF_INIT(64 * 1024);
        buf_printf(&b, "{\"requiredCapabilities\":%s}", missing.data != NULL ? missing.data : "{}");
        buf_dispose(&missing);
        return rpc_error_set(e, MCP_MISSING_CAPABILITY, MCP_MISSING_CAPABILITY_MESSAGE, arena_json(req, &b));
    }
    buf_dispose(&missing);
    return 0;
}

/*
 * Whether a declared capability covers a required sub-capability. An elicitation capability declared
 * as {} means form mode, as it did before modes existed (2025-11-25).
 */
static int
sub_capability_declared(const char *capability, const json_value_t *declared, const char *sub)
{
    if (json_get(declared, sub) != NULL)
        return 1;
    return strcmp(capability, "elicitation") == 0 && strcmp(sub, "form") == 0 && declared->type == JSON_OBJECT &&
           declared->u.obj.len == 0;
}

int
era_client_has(const json_value_t *client, const json_value_t *required, buf_t *missing)
{
    int has_all = 1;
    jsonw_t w;
    if (missing != NULL) {
        jsonw_init(&w, missing);
        jsonw_object_begin(&w);
    }
    for (size_t i = 0; required != NULL && required->type == JSON_OBJECT && i != required->u.obj.len; ++i) {
        const json_member_t *r = &required->u.obj.items[i];
        const json_value_t *declared = json_get(client, r->key);
        int ok = declared != NULL && declared->type == JSON_OBJECT;
        for (size_t k = 0; ok && r->value->type == JSON_OBJECT && k != r->value->u.obj.len; ++k)
            ok = sub_capability_declared(r->key, declared, r->value->u.obj.items[k].key);
        if (ok)
            continue;
        has_all = 0;
        if (missing != NULL) {
            jsonw_key(&w, r->key);
            jsonw_value(&w, r->value);
        }
    }
    if (missing != NULL)
        jsonw_object_end(&w);
    return has_all;
}

int
era_resource_not_found_code(const mcp_request_t *req)
{
    /* 2026-07-28 retired -32002 (SEP-2164): an unknown URI is an invalid parameter like any other */
    return req->era == MCP_ERA_MODERN ? JSONRPC_INVALID_PARAMS : MCP_RESOURCE_NOT_FOUND;
}

int
era_response_status(const mcp_request_t *req, int invalid_message, int unavailable, int error_code)
{
    if (req->era != MCP_ERA_MODERN)
        return invalid_message ? 400 : unavailable ? 503 : 0;
    switch (error_code) {
    case 0:
        return invalid_message ? 400 : 0;
    case JSONRPC_METHOD_NOT_FOUND:
        /* what tells a modern client "no such method" apart from "no MCP endpoint here" (a 404 without a JSON-RPC body) */
        return 404;
    case JSONRPC_INTERNAL_ERROR:
        return 500;
    case JSONRPC_PARSE_ERROR:
    case JSONRPC_INVALID_REQUEST:
    case JSONRPC_INVALID_PARAMS:
    case MCP_HEADER_MISMATCH:
    case MCP_MISSING_CAPABILITY:
    case MCP_UNSUPPORTED_VERSION:
        return 400;
    default:
        return 0;
    }
}

static void
result_tail(const mcp_request_t *req, jsonw_t *w, const char *type, const mcp_cache_hint_t *cache,
            const json_value_t *subscription_id)
{
    if (req->era == MCP_ERA_MODERN) {
        jsonw_kv_string(w, "resultType", type);
        if (cache != NULL) {
            jsonw_kv_int(w, "ttlMs", cache->ttl_ms);
            jsonw_kv_string(w, "cacheScope", cache->scope);
        }
        jsonw_key(w, "_meta");
        jsonw_object_begin(w);
        jsonw_key(w, MCP_META_SERVER_INFO);
        era_write_server_info(w, req->version);
        if (subscription_id != NULL) {
            jsonw_key(w, MCP_META_SUBSCRIPTION_ID);
            jsonrpc_write_id(w, subscription_id);
        }
        jsonw_object_end(w);
    }
    jsonw_object_end(w);
}

void
era_result_end(const mcp_request_t *req, jsonw_t *w, const mcp_cache_hint_t *cache)
{
    result_tail(req, w, "complete", cache, NULL);
}

void
era_input_required_end(const mcp_request_t *req, jsonw_t *w)
{
    result_tail(req, w, "input_required", NULL, NULL);
}

void
era_task_result_end(const mcp_request_t *req, jsonw_t *w)
{
    result_tail(req, w, "task", NULL, NULL);
}

void
era_listen_result_end(const mcp_request_t *req, jsonw_t *w, const json_value_t *subscription_id)
{
    result_tail(req, w, "complete", NULL, subscription_id);
}

void
era_write_supported_versions(jsonw_t *w)
{
    jsonw_array_begin(w);
    for (int i = MCP_NUM_VERSIONS - 1; i >= 0; --i)
        jsonw_string(w, mcp_version_names[i]);
    jsonw_array_end(w);
}

void
era_write_server_info(jsonw_t *w, mcp_version_t version)
{
    jsonw_object_begin(w);
    jsonw_kv_string(w, "name", MCP_PROJECT_NAME);
    if (version >= MCP_V2025_06_18)
        jsonw_kv_string(w, "title", "MCP server for AWS Lambda, in C");
    jsonw_kv_string(w, "version", MCP_PROJECT_VERSION);
    if (version >= MCP_V2025_11_25)
        jsonw_kv_string(w, "description", "Model Context Protocol server for AWS Lambda and local use, written in C.");
    jsonw_object_end(w);
}
