-- wrk script for `make bench`: tools/call of `ping`, the cheapest complete trip through the server (parse the request,
-- look the tool up, call it, write the result). Compared with bench-static_server, it shows what our code costs.
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.-)[^/]*$") .. "mcp_common.lua")
mcp_post('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","arguments":{}}}', false)
