/*
 * pagination.h: opaque, stateless cursors. A cursor is base64url("<kind>:<offset>"), so any instance can
 * continue a listing; it reveals nothing but a position in a public list, so it needs no MAC.
 */
#ifndef MCP_PAGINATION_H
#define MCP_PAGINATION_H

#include "dispatch.h"

/*
 * Starts a list result: reads params.cursor, writes {"key":[ and gives the range [begin, end) of the
 * page. Returns 0, or -32602 (recorded in the call's error) for a cursor that is malformed, of another
 * list, or out of range. kind tells the lists' cursors apart.
 */
int pagination_list_begin(mcp_call_t *call, jsonw_t *w, char kind, const char *key, size_t total, size_t *begin, size_t *end);
/* Closes the list, adds nextCursor when items remain, and ends the result (era_result_end). */
void pagination_list_end(mcp_call_t *call, jsonw_t *w, char kind, size_t end, size_t total);
/* The same with another caching hint than the method's (a listing that includes registered tools). */
void pagination_list_end_cached(mcp_call_t *call, jsonw_t *w, char kind, size_t end, size_t total, const mcp_cache_hint_t *cache);

#endif
