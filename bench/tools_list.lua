-- wrk script for `make bench`: tools/list, whose result is the whole catalogue of the enabled tool sets (names,
-- descriptions, schemas), so it measures producing a large response rather than dispatch.
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.-)[^/]*$") .. "mcp_common.lua")
mcp_post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', false)
