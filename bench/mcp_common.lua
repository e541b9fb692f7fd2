-- mcp_common.lua: what the three wrk workloads of `make bench` share (loaded by each with dofile).
--
-- mcp_post(body, is_initialize) makes every request of the run a POST of body with the headers a Streamable HTTP
-- client sends. Every request is the same, so wrk formats it once per connection and the client side costs next to
-- nothing: the figures are the server's.
--
-- done() prints one line that bench/run.sh parses (wrk's own summary stays above it for people):
--   wrk-result requests=N duration_us=N rps=N p50_us=N p99_us=N non2xx=N connect_errors=N read_errors=N ...
-- wrk counts a response with a status of 400 or more in summary.errors.status, the figure its summary shows as
-- "Non-2xx or 3xx responses"; taking it from here avoids a response() hook, which would slow wrk down.

function mcp_post(body, is_initialize)
    wrk.method = "POST"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Accept"] = "application/json, text/event-stream"
    if not is_initialize then
        -- A client sends these only once initialization is done; run.sh exports the session id when the server gave
        -- one, so a server that keeps sessions is measured serving them rather than refusing.
        wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
        local session = os.getenv("MCP_SESSION_ID")
        if session ~= nil and session ~= "" then
            wrk.headers["Mcp-Session-Id"] = session
        end
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format("wrk-result requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d non2xx=%d " ..
                           "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
                           summary.requests, summary.duration, summary.requests / seconds,
                           math.floor(latency:percentile(50)), math.floor(latency:percentile(99)), latency.max, e.status,
                           e.connect, e.read, e.write, e.timeout))
end
