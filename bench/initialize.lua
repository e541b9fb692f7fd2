-- wrk script for `make bench`: initialize, what every new client sends first. It carries no session id and no
-- MCP-Protocol-Version header, as a real client's first request does; on a server that keeps sessions, each one opens
-- a new session, so this is also where per-session memory shows up in the RSS figures.
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.-)[^/]*$") .. "mcp_common.lua")
mcp_post('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},' ..
         '"clientInfo":{"name":"bench","version":"1"}}}', true)
