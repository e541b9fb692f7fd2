/* negotiate.c: the revision table and the era decision (negotiate.h). */
#include "negotiate.h"

#include <stdint.h>
#include <string.h>

const mcpc_protocol_version_t mcpc_protocol_versions[] = {
    {"2026-07-28", MCPC_ERA_MODERN},
    {"2025-11-25", MCPC_ERA_LEGACY},
    {"2025-06-18", MCPC_ERA_LEGACY},
    {"2025-03-26", MCPC_ERA_LEGACY},
    {NULL},
};

const mcpc_protocol_version_t *
mcpc_protocol_find(const char *version)
{
    for (const mcpc_protocol_version_t *v = mcpc_protocol_versions; version != NULL && v->version != NULL; ++v)
        if (strcmp(v->version, version) == 0)
            return v;
    return NULL;
}

const char *
mcpc_protocol_newest(mcpc_era_t era)
{
    for (const mcpc_protocol_version_t *v = mcpc_protocol_versions; v->version != NULL; ++v)
        if (v->era == era)
            return v->version;
    return NULL;
}

const char *
mcpc_era_name(mcpc_era_t era)
{
    return era == MCPC_ERA_MODERN ? "modern" : "legacy";
}

static int
lists(const json_value_t *supported, const char *version)
{
    for (size_t i = 0; supported != NULL && supported->type == JSON_ARRAY && i != supported->u.arr.len; ++i) {
        const char *s = json_string(supported->u.arr.items[i]);
        if (s != NULL && strcmp(s, version) == 0)
            return 1;
    }
    return 0;
}

const char *
mcpc_protocol_pick(const json_value_t *supported, mcpc_era_t era)
{
    for (const mcpc_protocol_version_t *v = mcpc_protocol_versions; v->version != NULL; ++v)
        if (v->era == era && lists(supported, v->version))
            return v->version;
    return NULL;
}

static void
decide(mcpc_probe_t *out, mcpc_probe_outcome_t outcome, const char *version, const char *reason)
{
    out->outcome = outcome;
    out->version = version;
    out->reason = reason;
}

/* What to do with the list of revisions a modern server says it supports, when offered was not accepted. */
static void
choose_from(mcpc_probe_t *out, const json_value_t *supported, const char *offered)
{
    const char *modern = mcpc_protocol_pick(supported, MCPC_ERA_MODERN);
    if (modern != NULL && strcmp(modern, offered) != 0)
        decide(out, MCPC_PROBE_RETRY, modern, "the server supports another modern revision");
    else if (modern != NULL)
        decide(out, MCPC_PROBE_MODERN_ERROR, NULL, "the server refused a revision it says it supports");
    else if (mcpc_protocol_pick(supported, MCPC_ERA_LEGACY) != NULL)
        decide(out, MCPC_PROBE_LEGACY, NULL, "the server supports only legacy revisions");
    else
        decide(out, MCPC_PROBE_NO_VERSION, NULL, "the server supports no revision mcp-client speaks");
}

void
mcpc_negotiate_discover(int status, const json_value_t *response, const char *offered, mcpc_probe_t *out)
{
    const json_value_t *result = json_get(response, "result"), *error = json_get(response, "error");
    int is_2xx = status >= 200 && status <= 299;
    const mcpc_protocol_version_t *ours;
    int64_t code;

    if (is_2xx && result != NULL && result->type == JSON_OBJECT) {
        const json_value_t *supported = json_get(result, "supportedVersions");
        if (supported == NULL || supported->type != JSON_ARRAY)
            decide(out, MCPC_PROBE_LEGACY, NULL, "the server answered server/discover without supportedVersions");
        else if (lists(supported, offered) && (ours = mcpc_protocol_find(offered)) != NULL && ours->era == MCPC_ERA_MODERN)
            decide(out, MCPC_PROBE_MODERN, ours->version, "the server supports the revision offered");
        else
            choose_from(out, supported, offered);
        return;
    }
    if (error != NULL && json_int64(json_get(error, "code"), &code) == 0) {
        switch (code) {
        case MCPC_MCP_UNSUPPORTED_VERSION:
            choose_from(out, json_get(json_get(error, "data"), "supported"), offered);
            return;
        case MCPC_MCP_HEADER_MISMATCH:
        case MCPC_MCP_MISSING_CAPABILITY:
            /* modern servers send these with 400; a legacy server has no business using them */
            if (status == 400) {
                decide(out, MCPC_PROBE_MODERN_ERROR, NULL, "the server refused the request");
                return;
            }
            break;
        default:
            break;
        }
        /* -32601 (server/discover unknown), -32600, -32000 "not initialized", ...: what legacy servers answer */
        if (status < 500) {
            decide(out, MCPC_PROBE_LEGACY, NULL, "the server answered server/discover with an error a legacy server sends");
            return;
        }
    }
    if (status >= 400 && status <= 499)
        decide(out, MCPC_PROBE_LEGACY, NULL, "the server answered server/discover with an HTTP error and no modern error");
    else if (is_2xx && response == NULL)
        decide(out, MCPC_PROBE_LEGACY, NULL, "the server answered server/discover without a response, as to a notification");
    else
        decide(out, MCPC_PROBE_SERVER_ERROR, NULL, "the server's answer to server/discover tells neither era");
}
