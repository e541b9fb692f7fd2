// modern-rpc.mjs: 2026-07-28 requests without an SDK (the official client predates the tasks extension), for the
// registered-tool tests over HTTP (tests/node/lambda-tools.test.mjs) and through the shims
// (tests/lambda/lambda-tools-through-shim.test.mjs).
//
//   const { status, body } = await modernRpc(url, 'tools/call', { name, arguments }, { tasks: true });
//   const task = await pollTask(url, taskId, (t) => t.status === 'completed');
//
// Also the tasks tests' client (tests/node/tasks.test.mjs, tests/lambda/tasks.test.mjs).
import assert from 'node:assert/strict';

export const VERSION = '2026-07-28';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/**
 * One request; tasks: the client declares the tasks extension, elicitation: the elicitation capability; headers are
 * added to (or, set to null, taken from) the request's. Returns { status, body } (body: the JSON-RPC answer).
 */
export async function modernRpc(url, method, params = {}, { tasks = false, elicitation = false, headers = {} } = {}) {
    // Mcp-Name: the tool or prompt, the resource's URI, or the task
    const name = method === 'tools/call' || method === 'prompts/get' ? params.name : method === 'resources/read' ? params.uri : params.taskId;
    const h = {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': VERSION,
        'Mcp-Method': method,
        ...(name !== undefined ? { 'Mcp-Name': name } : {}),
        ...headers,
    };
    for (const [k, v] of Object.entries(h)) if (v === null) delete h[k];
    const capabilities = {
        ...(elicitation ? { elicitation: {} } : {}),
        ...(tasks ? { extensions: { [TASKS_EXTENSION]: {} } } : {}),
    };
    const res = await fetch(url, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method,
            params: {
                ...params,
                _meta: {
                    'io.modelcontextprotocol/protocolVersion': VERSION,
                    'io.modelcontextprotocol/clientInfo': { name: 'modern-rpc', version: '1' },
                    'io.modelcontextprotocol/clientCapabilities': capabilities,
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
export async function pollTask(url, taskId, pred, tries = 150, options = { tasks: true }) {
    let last;
    for (let i = 0; i < tries; ++i) {
        last = (await modernRpc(url, 'tasks/get', { taskId }, options)).body;
        if (last.result && pred(last.result)) return last.result;
        await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.fail(`task ${taskId}: ${JSON.stringify(last)}`);
}
