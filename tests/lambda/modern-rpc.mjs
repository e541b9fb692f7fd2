// modern-rpc.mjs: 2026-07-28 requests without an SDK (the official client predates the tasks extension), for the
// registered-tool tests over HTTP (tests/node/lambda-tools.test.mjs) and through the shims
// (tests/lambda/lambda-tools-through-shim.test.mjs).
//
//   const { status, body } = await modernRpc(url, 'tools/call', { name, arguments }, { tasks: true });
//   const task = await pollTask(url, taskId, (t) => t.status === 'completed');
import assert from 'node:assert/strict';

export const VERSION = '2026-07-28';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** One request; tasks: the client declares the tasks extension. Returns { status, body } (body: the JSON-RPC answer). */
export async function modernRpc(url, method, params = {}, { tasks = false } = {}) {
    // Mcp-Name: the tool or prompt, the resource's URI, or the task
    const name = method === 'tools/call' || method === 'prompts/get' ? params.name : method === 'resources/read' ? params.uri : params.taskId;
    const res = await fetch(url, {
        method: 'POST',
        headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json, text/event-stream',
            'MCP-Protocol-Version': VERSION,
            'Mcp-Method': method,
            ...(name !== undefined ? { 'Mcp-Name': name } : {}),
        },
        body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method,
            params: {
                ...params,
                _meta: {
                    'io.modelcontextprotocol/protocolVersion': VERSION,
                    'io.modelcontextprotocol/clientInfo': { name: 'modern-rpc', version: '1' },
                    'io.modelcontextprotocol/clientCapabilities': tasks ? { extensions: { [TASKS_EXTENSION]: {} } } : {},
                },
            },
        }),
    });
    const text = await res.text();
    // an answer with notifications before it comes as SSE: the answer is the last event
    const json = (res.headers.get('content-type') ?? '').includes('text/event-stream')
        ? text
              .split('\n')
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5))
              .at(-1)
        : text;
    return { status: res.status, body: JSON.parse(json) };
}

/** Polls tasks/get until pred(task) holds (at most `tries` polls, 100 ms apart); returns the task. */
export async function pollTask(url, taskId, pred, tries = 150) {
    let last;
    for (let i = 0; i < tries; ++i) {
        last = (await modernRpc(url, 'tasks/get', { taskId }, { tasks: true })).body;
        if (last.result && pred(last.result)) return last.result;
        await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.fail(`task ${taskId}: ${JSON.stringify(last)}`);
}
