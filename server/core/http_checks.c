/*
 * http_checks.c: the HTTP layer of Streamable HTTP (see http_checks.h). Nothing here parses JSON: these
 * checks run first, so a request refused for its Host, Origin, Accept or Content-Type costs no parsing.
 */
#include "http_checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonrpc.h"
#include "jsonw.h"
#include "version.h"

const mcp_header_t *
headers_find(const mcp_http_request_t *req, const char *name)
{
    size_t len = strlen(name);
    const mcp_header_t *found = NULL;
    for (size_t i = 0; req != NULL && i != req->num_headers; ++i)
        if (req->headers[i].name_len == len && strncasecmp(req->headers[i].name, name, len) == 0)
            found = &req->headers[i];
    return found;
}

void
headers_trim(const char **value, size_t *len)
{
    const char *v = *value;
    size_t n = *len;
    while (n != 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        --n;
    while (n != 0 && (*v == ' ' || *v == '\t'))
        ++v, --n;
    *value = v;
    *len = n;
}

void
response_add_header(mcp_response_t *res, const char *name, const char *value)
{
    if (res->num_headers == MCP_MAX_RESPONSE_HEADERS)
        return;
    res->headers[res->num_headers++] = (mcp_header_t){name, strlen(name), value, strlen(value)};
}

void
response_refuse(mcp_response_t *res, int status, int code, const char *message)
{
    res->status = status;
    buf_t body = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonrpc_write_error(&w, NULL, code, message, NULL);
    res->body = buf_release(&body, &res->body_len);
    response_add_header(res, "content-type", "application/json");
}

/* ---- Host and Origin allow-lists ---- */

static int
host_matches(const char *pattern, const char *host, size_t host_len)
{
    if (strcmp(pattern, "*") == 0)
        return 1;
    /* split host into name and port; [v6] names keep their brackets */
    size_t name_len = host_len;
    const char *colon = NULL;
    if (host_len != 0 && host[0] == '[') {
        const char *close = memchr(host, ']', host_len);
        if (close == NULL)
            return 0;
        name_len = (size_t)(close - host) + 1;
        if (name_len < host_len) {
            if (host[name_len] != ':')
                return 0;
            colon = host + name_len;
        }
    } else {
        colon = memchr(host, ':', host_len);
        if (colon != NULL)
            name_len = (size_t)(colon - host);
    }
    const char *pport = NULL;
    size_t pname_len = strlen(pattern);
    if (pattern[0] == '[') {
        const char *close = strchr(pattern, ']');
        pname_len = (size_t)(close - pattern) + 1;
        if (close[1] == ':')
            pport = close + 2;
    } else if ((pport = strchr(pattern, ':')) != NULL) {
        pname_len = (size_t)(pport - pattern);
        ++pport;
    }
    if (pport != NULL) {
        if (colon == NULL || strlen(pport) != host_len - (size_t)(colon + 1 - host) || memcmp(pport, colon + 1, strlen(pport)) != 0)
            return 0;
    }
    if (strncmp(pattern, "*.", 2) == 0) {
        /* "*.example.com" matches "a.example.com" and "a.b.example.com", not "example.com" */
        size_t suffix_len = pname_len - 1;
        return name_len > suffix_len && strncasecmp(host + name_len - suffix_len, pattern + 1, suffix_len) == 0;
    }
    return name_len == pname_len && strncasecmp(host, pattern, name_len) == 0;
}

int
http_host_allowed(const settings_list_t *list, const char *host, size_t len)
{
    for (size_t i = 0; i != list->len; ++i)
        if (host_matches(list->items[i], host, len))
            return 1;
    return 0;
}

int
http_origin_allowed(const settings_list_t *list, const char *origin, size_t len)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= len; ++i) {
        if (memcmp(origin + i, "://", 3) == 0) {
            sep = origin + i;
            break;
        }
    }
    if (sep == NULL)
        return 0;
    size_t scheme_len = (size_t)(sep - origin);
    const char *host = sep + 3;
    size_t host_len = len - scheme_len - 3;
    if (host_len == 0 || memchr(host, '/', host_len) != NULL)
        return 0;
    for (size_t i = 0; i != list->len; ++i) {
        const char *p = list->items[i];
        if (strcmp(p, "*") == 0)
            return 1;
        const char *psep = strstr(p, "://");
        if ((size_t)(psep - p) == scheme_len && strncasecmp(p, origin, scheme_len) == 0 && host_matches(psep + 3, host, host_len))
            return 1;
    }
    return 0;
}

/*
 * Host and Origin (DNS rebinding); an allowed Origin is echoed for CORS. Every answer depends on the
 * Origin (refused, or echoed), so every answer says Vary: Origin, for caches. Returns 0, or -1 with res refused.
 */
int
http_check_host_and_origin(const mcp_config_t *cfg, const mcp_http_request_t *req, mcp_response_t *res)
{
    response_add_header(res, "vary", "Origin");
    const mcp_header_t *host = headers_find(req, "host");
    if (host != NULL && !http_host_allowed(&cfg->allowed_hosts, host->value, host->value_len)) {
        response_refuse(res, 403, MCP_TRANSPORT_ERROR, "Forbidden: Host not allowed");
        return -1;
    }
    const mcp_header_t *origin = headers_find(req, "origin");
    if (origin == NULL)
        return 0;
    if (!http_origin_allowed(&cfg->allowed_origins, origin->value, origin->value_len)) {
        response_refuse(res, 403, MCP_TRANSPORT_ERROR, "Forbidden: Origin not allowed");
        return -1;
    }
    if (origin->value_len < sizeof(res->origin_copy)) {
        memcpy(res->origin_copy, origin->value, origin->value_len);
        res->origin_copy[origin->value_len] = '\0';
        response_add_header(res, "access-control-allow-origin", res->origin_copy);
    }
    return 0;
}

/* ---- media types ---- */

/* The media type (or range) an element starts with: past leading spaces, up to its parameters or a space. */
static const char *
media_range(const char *s, size_t len, size_t *range_len)
{
    while (len != 0 && (*s == ' ' || *s == '\t'))
        ++s, --len;
    size_t end = 0;
    while (end != len && s[end] != ';' && s[end] != ' ' && s[end] != '\t')
        ++end;
    *range_len = end;
    return s;
}

int
http_media_type_is(const char *s, size_t len, const char *type)
{
    size_t range_len;
    const char *range = media_range(s, len, &range_len);
    return range_len == strlen(type) && strncasecmp(range, type, range_len) == 0;
}

/* 1 if an Accept element (one comma-separated item) has q=0. */
static int
accept_q_zero(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; ++i) {
        if (s[i] != ';')
            continue;
        size_t k = i + 1;
        while (k < len && (s[k] == ' ' || s[k] == '\t'))
            ++k;
        if (k + 2 <= len && (s[k] == 'q' || s[k] == 'Q') && s[k + 1] == '=') {
            /* a qvalue is at most "0.000": copied out, since the header value is not NUL-terminated */
            char q[16];
            size_t n = len - (k + 2) < sizeof(q) - 1 ? len - (k + 2) : sizeof(q) - 1;
            memcpy(q, s + k + 2, n);
            q[n] = '\0';
            return strtod(q, NULL) <= 0;
        }
    }
    return 0;
}

int
http_accepts(const char *value, size_t len, const char *type)
{
    /* one pass over the elements; each media range is compared by length first, so most need no strncasecmp:
     * "application/json" is admitted by itself, by "application/" followed by a star, and by the full wildcard */
    const char *slash = strchr(type, '/');
    size_t type_len = strlen(type), major_len = slash != NULL ? (size_t)(slash - type) + 1 : type_len; /* "application/" */
    size_t start = 0;
    while (start <= len) {
        size_t end = start;
        while (end != len && value[end] != ',')
            ++end;
        const char *item = value + start;
        size_t item_len = end - start, range_len;
        const char *range = media_range(item, item_len, &range_len);
        int match = (range_len == type_len && strncasecmp(range, type, type_len) == 0) ||
                    (range_len > 1 && range_len == major_len + 1 && range[range_len - 1] == '*' &&
                     strncasecmp(range, type, range_len - 1) == 0) ||
                    (range_len == 3 && memcmp(range, "*/*", 3) == 0);
        if (match && !accept_q_zero(item, item_len))
            return 1;
        start = end + 1;
    }
    return 0;
}

/* ---- CORS ---- */

void
http_cors_preflight(mcp_response_t *res, const char *allow_methods, const char *allow_headers)
{
    res->status = 204;
    /* honest: GET (and DELETE, without sessions) are answered 405 here, so a preflight for them must fail */
    response_add_header(res, "access-control-allow-methods", allow_methods);
    response_add_header(res, "access-control-allow-headers", allow_headers);
    response_add_header(res, "access-control-expose-headers", "mcp-session-id, www-authenticate");
    response_add_header(res, "access-control-max-age", "600");
}

/* ---- RFC 9728 protected resource metadata ---- */

#define METADATA_PATH "/.well-known/oauth-protected-resource"

/* The root well-known URI, or the one with the endpoint's path inserted (RFC 9728 section 3.1). */
int
http_is_metadata_path(const mcp_config_t *cfg, const char *path, size_t len)
{
    size_t base = sizeof(METADATA_PATH) - 1;
    if (len < base || memcmp(path, METADATA_PATH, base) != 0)
        return 0;
    return len == base || (len - base == strlen(cfg->path) && memcmp(path + base, cfg->path, len - base) == 0);
}

/* A configured list as a member of the metadata, left out when empty. */
static void
metadata_list(jsonw_t *w, const char *key, const settings_list_t *list)
{
    if (list->len == 0)
        return;
    jsonw_key(w, key);
    jsonw_array_begin(w);
    for (size_t i = 0; i != list->len; ++i)
        jsonw_string(w, list->items[i]);
    jsonw_array_end(w);
}

/* The resource is the endpoint's canonical URL: configured (custom domains), or as the front door saw it. */
void
http_protected_resource_metadata(const mcp_config_t *cfg, const mcp_http_request_t *req, const mcp_header_t *host,
                                 mcp_response_t *res)
{
    if (!(req->method_len == 3 && memcmp(req->method, "GET", 3) == 0)) {
        response_refuse(res, 405, MCP_TRANSPORT_ERROR, "Method Not Allowed");
        response_add_header(res, "allow", "GET");
        return;
    }
    buf_t body = BUF_INIT(0);
    jsonw_t w;
    jsonw_init(&w, &body);
    jsonw_object_begin(&w);
    jsonw_key(&w, "resource");
    if (cfg->public_url[0] != '\0') {
        jsonw_string(&w, cfg->public_url);
    } else {
        buf_t url = BUF_INIT(0);
        if (req->public_base != NULL)
            buf_append_str(&url, req->public_base);
        else if (host != NULL)
            buf_printf(&url, "http://%.*s", (int)host->value_len, host->value);
        buf_append_str(&url, cfg->path);
        jsonw_stringn(&w, url.data, url.len);
        buf_dispose(&url);
    }
    metadata_list(&w, "authorization_servers", &cfg->authorization_servers);
    metadata_list(&w, "scopes_supported", &cfg->scopes_supported);
    jsonw_key(&w, "bearer_methods_supported");
    jsonw_raw(&w, "[\"header\"]", 10);
    jsonw_kv_string(&w, "resource_name", MCP_PROJECT_NAME);
    jsonw_object_end(&w);
    res->status = 200;
    res->body = buf_release(&body, &res->body_len);
    response_add_header(res, "content-type", "application/json");
    response_add_header(res, "cache-control", "max-age=300");
}
