/*
 * Tests of client/negotiate.c: the revision table, and the era decision on canned answers to the
 * server/discover probe (what modern servers, legacy servers and broken servers send).
 */
#include <string.h>

#include "negotiate.h"
#include "test.h"

#define MODERN "2026-07-28"
#define UNKNOWN "2099-01-01" /* a revision the client does not speak, offered to reach the retry path */

static void
test_table(void)
{
    /* newest first, each once, and every modern revision newer than every legacy one */
    const char *oldest_modern = NULL;
    for (const mcpc_protocol_version_t *v = mcpc_protocol_versions; v->version != NULL; ++v) {
        CHECK(strlen(v->version) == 10);
        if (v != mcpc_protocol_versions)
            CHECK(strcmp(v[-1].version, v->version) > 0);
        if (v->era == MCPC_ERA_MODERN)
            oldest_modern = v->version;
        else
            CHECK(oldest_modern == NULL || strcmp(v->version, oldest_modern) < 0);
        CHECK(mcpc_protocol_find(v->version) == v);
    }
    CHECK_STR(mcpc_protocol_newest(MCPC_ERA_MODERN), MODERN);
    CHECK_STR(mcpc_protocol_newest(MCPC_ERA_LEGACY), "2025-11-25");
    CHECK(mcpc_protocol_find("2024-11-05") == NULL);
    CHECK(mcpc_protocol_find(NULL) == NULL);
    CHECK(mcpc_protocol_find("2025-03-26")->era == MCPC_ERA_LEGACY);
    CHECK(mcpc_protocol_find(MODERN)->era == MCPC_ERA_MODERN);
    CHECK_STR(mcpc_era_name(MCPC_ERA_MODERN), "modern");
    CHECK_STR(mcpc_era_name(MCPC_ERA_LEGACY), "legacy");
}

/* The newest of our revisions of an era listed in a JSON array (NULL: none, "ERR": bad JSON). */
static const char *
pick(const char *supported_json, mcpc_era_t era)
{
    arena_t a;
    arena_init(&a, 0);
    json_value_t *v;
    const char *picked = "ERR";
    if (json_parse(&a, supported_json, strlen(supported_json), 16, &v) == 0)
        picked = mcpc_protocol_pick(v, era);
    arena_dispose(&a);
    return picked;
}

static void
test_pick(void)
{
    CHECK_STR(pick("[\"2025-06-18\",\"2026-07-28\",\"2025-11-25\"]", MCPC_ERA_MODERN), MODERN);
    CHECK_STR(pick("[\"2025-06-18\",\"2026-07-28\",\"2025-11-25\"]", MCPC_ERA_LEGACY), "2025-11-25");
    CHECK_STR(pick("[\"2025-03-26\",\"2024-11-05\"]", MCPC_ERA_LEGACY), "2025-03-26");
    CHECK(pick("[\"2025-03-26\"]", MCPC_ERA_MODERN) == NULL);
    CHECK(pick("[\"2099-01-01\", 7, null, {}]", MCPC_ERA_MODERN) == NULL);
    CHECK(pick("[]", MCPC_ERA_LEGACY) == NULL);
    CHECK(pick("{\"2026-07-28\":1}", MCPC_ERA_MODERN) == NULL); /* not an array */
    CHECK(mcpc_protocol_pick(NULL, MCPC_ERA_MODERN) == NULL);
}

/* One canned answer to the probe and what must be decided. */
static const struct {
    const char *name;
    int status;
    const char *body; /* the JSON-RPC response, or NULL when the body held none */
    const char *offered;
    mcpc_probe_outcome_t outcome;
    const char *version; /* MODERN, RETRY */
} probe_cases[] = {
    /* modern servers */
    {"discover result", 200,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\",\"2025-11-25\"],"
     "\"capabilities\":{},\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":\"s\",\"version\":\"1\"}}}}",
     MODERN, MCPC_PROBE_MODERN, MODERN},
    {"discover result for a revision we did not offer", 200,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"supportedVersions\":[\"2026-07-28\"]}}", UNKNOWN, MCPC_PROBE_RETRY, MODERN},
    {"discover result listing only legacy revisions", 200,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"supportedVersions\":[\"2025-11-25\",\"2025-06-18\"]}}", MODERN, MCPC_PROBE_LEGACY,
     NULL},
    {"discover result listing nothing we speak", 200,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"supportedVersions\":[\"2099-01-01\"]}}", MODERN, MCPC_PROBE_NO_VERSION, NULL},
    {"unsupported version, a shared modern one listed", 400,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,\"message\":\"Unsupported protocol version\","
     "\"data\":{\"supported\":[\"2025-11-25\",\"2026-07-28\"],\"requested\":\"2099-01-01\"}}}",
     UNKNOWN, MCPC_PROBE_RETRY, MODERN},
    {"unsupported version, only legacy shared", 400,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,\"message\":\"x\",\"data\":{\"supported\":[\"2025-11-25\"]}}}",
     MODERN, MCPC_PROBE_LEGACY, NULL},
    {"unsupported version, nothing shared", 400,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,\"message\":\"x\",\"data\":{\"supported\":[\"2099-01-01\"]}}}",
     MODERN, MCPC_PROBE_NO_VERSION, NULL},
    {"unsupported version without data", 400, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,\"message\":\"x\"}}",
     MODERN, MCPC_PROBE_NO_VERSION, NULL},
    {"unsupported version, yet the offered one listed", 400,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,\"message\":\"x\",\"data\":{\"supported\":[\"2026-07-28\"]}}}",
     MODERN, MCPC_PROBE_MODERN_ERROR, NULL},
    {"unsupported version, code wins over a 5xx", 503,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,\"message\":\"x\",\"data\":{\"supported\":[\"2026-07-28\"]}}}",
     UNKNOWN, MCPC_PROBE_RETRY, MODERN},
    {"header mismatch", 400, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32020,\"message\":\"Header mismatch\"}}", MODERN,
     MCPC_PROBE_MODERN_ERROR, NULL},
    {"missing capability", 400,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32021,\"message\":\"x\",\"data\":{\"requiredCapabilities\":{}}}}", MODERN,
     MCPC_PROBE_MODERN_ERROR, NULL},
    /* legacy servers */
    {"404 method not found", 404, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
     MODERN, MCPC_PROBE_LEGACY, NULL},
    {"200 method not found (a stateless legacy server)", 200,
     "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}", MODERN, MCPC_PROBE_LEGACY,
     NULL},
    {"400 server not initialized (the TypeScript SDK)", 400,
     "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"},\"id\":null}", MODERN,
     MCPC_PROBE_LEGACY, NULL},
    {"400 unsupported MCP-Protocol-Version (a legacy server's header check)", 400,
     "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"Bad Request: Unsupported protocol version\"}}",
     MODERN, MCPC_PROBE_LEGACY, NULL},
    {"invalid params", 400, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"x\"}}", MODERN,
     MCPC_PROBE_LEGACY, NULL},
    {"a modern code without a modern status", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32020,\"message\":\"x\"}}",
     MODERN, MCPC_PROBE_LEGACY, NULL},
    {"a result without supportedVersions", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", MODERN, MCPC_PROBE_LEGACY, NULL},
    {"supportedVersions not an array", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"supportedVersions\":\"2026-07-28\"}}",
     MODERN, MCPC_PROBE_LEGACY, NULL},
    {"404 without JSON", 404, NULL, MODERN, MCPC_PROBE_LEGACY, NULL},
    {"405 without JSON", 405, NULL, MODERN, MCPC_PROBE_LEGACY, NULL},
    {"406 without JSON", 406, NULL, MODERN, MCPC_PROBE_LEGACY, NULL},
    {"200 without a response (a stream that ended)", 200, NULL, MODERN, MCPC_PROBE_LEGACY, NULL},
    {"202 without a response (taken for a notification)", 202, NULL, MODERN, MCPC_PROBE_LEGACY, NULL},
    {"an error code that is not a number", 400, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"-32022\"}}", MODERN,
     MCPC_PROBE_LEGACY, NULL},
    /* neither era can be told */
    {"500 without JSON", 500, NULL, MODERN, MCPC_PROBE_SERVER_ERROR, NULL},
    {"502 internal error", 502, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"x\"}}", MODERN,
     MCPC_PROBE_SERVER_ERROR, NULL},
    {"a redirect", 302, NULL, MODERN, MCPC_PROBE_SERVER_ERROR, NULL},
    {"200 with a result that is not an object", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":5}", MODERN, MCPC_PROBE_SERVER_ERROR,
     NULL},

    {"a result with a 4xx", 400, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"supportedVersions\":[\"2026-07-28\"]}}", MODERN,
     MCPC_PROBE_LEGACY, NULL},
};

static void
test_probe_decisions(void)
{
    for (size_t i = 0; i != sizeof(probe_cases) / sizeof(probe_cases[0]); ++i) {
        arena_t a;
        arena_init(&a, 0);
        json_value_t *response = NULL;
        if (probe_cases[i].body != NULL)
            CHECK(json_parse(&a, probe_cases[i].body, strlen(probe_cases[i].body), 16, &response) == 0);
        mcpc_probe_t d = {0};
        mcpc_negotiate_discover(probe_cases[i].status, response, probe_cases[i].offered, &d);
        int ok = d.outcome == probe_cases[i].outcome && d.reason != NULL && d.reason[0] != '\0' &&
                 (probe_cases[i].version == NULL ? d.version == NULL
                                                 : d.version != NULL && strcmp(d.version, probe_cases[i].version) == 0);
        if (!ok)
            fprintf(stderr, "  case '%s': outcome %d, version %s (%s)\n", probe_cases[i].name, (int)d.outcome,
                    d.version != NULL ? d.version : "NULL", d.reason != NULL ? d.reason : "no reason");
        CHECK(ok);
        /* a version decided on is always a row of the table, so it outlives the answer */
        CHECK(d.version == NULL || mcpc_protocol_find(d.version)->version == d.version);
        arena_dispose(&a);
    }
}

int
main(void)
{
    RUN(test_table);
    RUN(test_pick);
    RUN(test_probe_decisions);
    return TEST_REPORT("test_client_negotiate");
}
