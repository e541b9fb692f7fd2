/* http_peer.h: what the HTTP front door's streamed responses (http_server.c, legacy_sse.c) ask of a client's connection. */
#ifndef MCP_HTTP_PEER_H
#define MCP_HTTP_PEER_H

#include <h2o.h>

/* Whether the peer closed its side: h2o stops reading while a response is produced, so nobody else would see it. */
int http_peer_closed(h2o_req_t *req);

#endif
