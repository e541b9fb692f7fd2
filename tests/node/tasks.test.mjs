// tasks.test.mjs: the tasks extension (io.modelcontextprotocol/tasks, SEP-2663) beyond what the conformance
// suite checks: a cancelled task stops its tool, a task is bound to its caller (another principal gets -32602,
// as for a task that does not exist), a task expires after --task-ttl-ms, and tasks/* requests must carry
// Mcp-Name: <taskId>, and notifications/tasks on a subscriptions/listen stream (the DetailedTask of every
// change, in order; only for the caller's own tasks). The HTTP server has no caller identity, so the principal
// tests run the server in Lambda mode behind the Runtime API emulator and two API Gateway shims whose
// authorizers name different callers.
//
//     node --test tests/node/tasks.test.mjs       (MCP_SERVER_BIN: the binary, e.g. build-asan/mcp-server)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startShim } from '../lambda/apigw-shim.mjs';
import { modernRpc, pollTask as pollTaskOf } from '../lambda/modern-rpc.mjs';
import { startEmulator } from '../lambda/runtime-emulator.mjs';
import { serverBinary, startServer } from './lib/server.mjs';

const EXT = 'io.modelcontextprotocol/tasks';
const VERSION = '2026-07-28';

/** One 2026-07-28 request of a client with elicitation and (unless ext is false) the tasks extension (modern-rpc.mjs). */
const rpc = (url, method, params = {}, { ext = true, headers = {} } = {}) =>
    modernRpc(url, method, params, { tasks: ext, elicitation: ext, headers });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls tasks/get until pred(result) holds (at most 100 polls, 100 ms apart). */
const pollTask = (url, taskId, pred) => pollTaskOf(url, taskId, pred, 100, { tasks: true, elicitation: true });

/** The body of a listen request; the stream's messages are read with the object openListen() returns. */
function listenRequest(notifications, ext = true) {
    return {
        jsonrpc: '2.0',
        id: 'listen-1',
        method: 'subscriptions/listen',
        params: {
            notifications,
            _meta: {
                'io.modelcontextprotocol/protocolVersion': VERSION,
                'io.modelcontextprotocol/clientInfo': { name: 'tasks.test', version: '1' },
                'io.modelcontextprotocol/clientCapabilities': ext ? { extensions: { [EXT]: {} } } : {},
            },
        },
    };
}

// A listen stream waits for what the server sends: a notification that never comes fails the test at this
// bound instead of holding the run (a safety net, not a speed target).
const LISTEN_BOUND_MS = 60_000;

const LISTEN_HEADERS = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': VERSION,
    'Mcp-Method': 'subscriptions/listen',
};

/** A body that is either JSON or SSE with one message. */
function sseOrJson(text) {
    return text.trimStart().startsWith('{') ? JSON.parse(text) : sseMessages(text).at(-1);
}

/** The JSON-RPC messages of an SSE body. */
function sseMessages(text) {
    return text
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => JSON.parse(l.slice(5)));
}

/**
 * Opens a listen stream that stays open (the HTTP server); next() resolves with its next JSON-RPC message, in
 * order, and rejects when the stream ends first.
 */
async function openListen(url, notifications) {
    const abort = new AbortController();
    const res = await fetch(url, { method: 'POST', headers: LISTEN_HEADERS, body: JSON.stringify(listenRequest(notifications)), signal: abort.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const queue = [];
    let text = '';
    let ended = false;
    return {
        async next() {
            while (queue.length === 0) {
                if (ended) throw new Error('the listen stream ended');
                const { value, done } = await reader.read();
                if (done) {
                    ended = true;
                    continue;
                }
                text += decoder.decode(value, { stream: true });
                let cut;
                while ((cut = text.indexOf('\n\n')) >= 0) {
                    queue.push(...sseMessages(text.slice(0, cut + 1)));
                    text = text.slice(cut + 2);
                }
            }
            return queue.shift();
        },
        close() {
            abort.abort();
        },
    };
}

/** Reads a stream's notifications/tasks until one for taskId has status `until`; returns that task's, in order. */
async function taskNotifications(stream, taskId, until) {
    const seen = [];
    for (;;) {
        const m = await stream.next();
        assert.equal(m.method, 'notifications/tasks', JSON.stringify(m));
        assert.equal(m.params._meta?.['io.modelcontextprotocol/subscriptionId'], 'listen-1');
        if (m.params.taskId !== taskId) continue;
        seen.push(m.params);
        if (m.params.status === until) return seen;
    }
}

async function createTask(url, name, args) {
    const r = await rpc(url, 'tools/call', { name, arguments: args });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.result?.resultType, 'task', JSON.stringify(r.body));
    assert.match(r.body.result.taskId, /^[0-9a-f]{32}$/);
    return r.body.result;
}

describe('tasks on the HTTP server', () => {
    let server;
    let url;
    before(async () => {
        server = await startServer({ toolsets: 'default,conformance', args: ['--task-ttl-ms', '2000'] });
        url = server.url;
    });
    after(async () => {
        await server?.stop();
    });

    test('a cancelled task stops its tool, ends cancelled, and stays so', async () => {
        const task = await createTask(url, 'slow_compute', { seconds: 60, label: 'cancel-me' });
        const working = await rpc(url, 'tasks/get', { taskId: task.taskId });
        assert.equal(working.body.result.status, 'working');
        const ack = await rpc(url, 'tasks/cancel', { taskId: task.taskId });
        assert.equal(ack.status, 200);
        assert.deepEqual(Object.keys(ack.body.result).sort(), ['_meta', 'resultType']);
        // the tool's handler returns long before its 60 seconds: the server says so when it does
        for (let i = 0; i < 100 && !server.logs.some((l) => l.event === 'task_stopped' && l.message?.includes(task.taskId)); ++i) await sleep(100);
        assert.ok(
            server.logs.some((l) => l.event === 'task_stopped' && l.message?.includes(task.taskId)),
            `no task_stopped log line for ${task.taskId}`,
        );
        const done = await rpc(url, 'tasks/get', { taskId: task.taskId });
        assert.equal(done.body.result.status, 'cancelled');
        assert.equal(done.body.result.result, undefined);
        // idempotent, and a terminal task never changes
        const again = await rpc(url, 'tasks/cancel', { taskId: task.taskId });
        assert.equal(again.body.result.resultType, 'complete');
        const update = await rpc(url, 'tasks/update', { taskId: task.taskId, inputResponses: { confirm: { action: 'accept', content: {} } } });
        assert.equal(update.body.result.resultType, 'complete');
        assert.equal((await rpc(url, 'tasks/get', { taskId: task.taskId })).body.result.status, 'cancelled');
    });

    test('a task answered through tasks/update completes with the answer', async () => {
        const task = await createTask(url, 'confirm_delete', { filename: 'a.txt' });
        const waiting = await pollTask(url, task.taskId, (t) => t.status === 'input_required');
        assert.deepEqual(Object.keys(waiting.inputRequests), ['confirm']);
        assert.equal(waiting.inputRequests.confirm.method, 'elicitation/create');
        await rpc(url, 'tasks/update', { taskId: task.taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } });
        const done = await pollTask(url, task.taskId, (t) => t.status === 'completed');
        assert.equal(done.result.content[0].text, 'Deleted a.txt.');
    });

    test('a task expires after its ttlMs: tasks/get then answers -32602', async () => {
        const task = await createTask(url, 'slow_compute', { seconds: 0 });
        assert.equal(task.ttlMs, 2000);
        await pollTask(url, task.taskId, (t) => t.status === 'completed');
        const created = Date.parse(task.createdAt);
        await sleep(Math.max(0, created + 2000 - Date.now()) + 200);
        const gone = await rpc(url, 'tasks/get', { taskId: task.taskId });
        assert.equal(gone.body.error?.code, -32602, JSON.stringify(gone.body));
        assert.equal((await rpc(url, 'tasks/cancel', { taskId: task.taskId })).body.error?.code, -32602);
    });

    test('tasks/* must carry Mcp-Name: <taskId>', async () => {
        const task = await createTask(url, 'slow_compute', { seconds: 30 });
        const missing = await rpc(url, 'tasks/get', { taskId: task.taskId }, { headers: { 'Mcp-Name': null } });
        assert.equal(missing.status, 400);
        assert.equal(missing.body.error.code, -32020);
        const other = await createTask(url, 'slow_compute', { seconds: 30 });
        const wrong = await rpc(url, 'tasks/cancel', { taskId: task.taskId }, { headers: { 'Mcp-Name': other.taskId } });
        assert.equal(wrong.status, 400);
        assert.equal(wrong.body.error.code, -32020);
        // the refused cancel did nothing
        assert.equal((await rpc(url, 'tasks/get', { taskId: task.taskId })).body.result.status, 'working');
        for (const t of [task, other]) assert.equal((await rpc(url, 'tasks/cancel', { taskId: t.taskId })).status, 200);
    });

    test('without the extension: tasks/* are -32021, an optional tool runs at once, a task-only tool is refused', async () => {
        const get = await rpc(url, 'tasks/get', { taskId: 'f'.repeat(32) }, { ext: false });
        assert.equal(get.body.error.code, -32021);
        assert.deepEqual(get.body.error.data, { requiredCapabilities: { extensions: { [EXT]: {} } } });
        const sync = await rpc(url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 0 } }, { ext: false });
        assert.equal(sync.body.result.resultType, 'complete');
        assert.equal(sync.body.result.taskId, undefined);
        const refused = await rpc(url, 'tools/call', { name: 'failing_job', arguments: {} }, { ext: false });
        assert.equal(refused.body.error.code, -32021);
    });

    test('notifications/tasks: a listen stream hears each change of its task, in order, as tasks/get would answer it', { timeout: LISTEN_BOUND_MS }, async () => {
        const task = await createTask(url, 'multi_input', {});
        await pollTask(url, task.taskId, (t) => t.status === 'input_required' && Object.keys(t.inputRequests ?? {}).length === 2);
        const stream = await openListen(url, { taskIds: [task.taskId, '0'.repeat(32), 'not-a-task'] });
        try {
            const ack = await stream.next();
            assert.equal(ack.method, 'notifications/subscriptions/acknowledged');
            // only a task the caller has is agreed to
            assert.deepEqual(ack.params.notifications, { taskIds: [task.taskId] });
            // first the task as it is now
            const [now] = await taskNotifications(stream, task.taskId, 'input_required');
            assert.deepEqual(Object.keys(now.inputRequests).sort(), ['first', 'second']);
            assert.equal(now.resultType, undefined);
            // then every change: one answer, the other, the run resumed, its result
            await rpc(url, 'tasks/update', { taskId: task.taskId, inputResponses: { first: { action: 'accept', content: { name: 'Ada' } } } });
            const [one] = await taskNotifications(stream, task.taskId, 'input_required');
            assert.deepEqual(Object.keys(one.inputRequests), ['second']);
            await rpc(url, 'tasks/update', { taskId: task.taskId, inputResponses: { second: { action: 'accept', content: { name: 'Grace' } } } });
            const rest = await taskNotifications(stream, task.taskId, 'completed');
            assert.deepEqual(
                rest.map((t) => t.status),
                ['working', 'completed'],
            );
            assert.equal(rest[0].inputRequests, undefined);
            assert.equal(rest[1].result.content[0].text, 'Got Ada and Grace.');
            assert.equal(rest[1].pollIntervalMs, undefined);
            // the last notification is the task tasks/get answers
            const got = (await rpc(url, 'tasks/get', { taskId: task.taskId })).body.result;
            const { _meta: gotMeta, resultType, ...gotTask } = got;
            const { _meta: noteMeta, ...noteTask } = rest[1];
            assert.equal(resultType, 'complete');
            assert.deepEqual(noteTask, gotTask);
        } finally {
            stream.close();
        }
    });

    test('notifications/tasks: a cancelled task is told working then cancelled, and nothing after', { timeout: LISTEN_BOUND_MS }, async () => {
        const a = await createTask(url, 'slow_compute', { seconds: 60, label: 'listen-a' });
        const b = await createTask(url, 'slow_compute', { seconds: 60, label: 'listen-b' });
        const stream = await openListen(url, { taskIds: [a.taskId, b.taskId], toolsListChanged: true });
        try {
            const ack = await stream.next();
            assert.deepEqual(ack.params.notifications, { toolsListChanged: true, taskIds: [a.taskId, b.taskId] });
            const heard = [];
            for (let i = 0; i < 2; ++i) heard.push(await stream.next());
            assert.deepEqual(heard.map((m) => [m.params.taskId, m.params.status]).sort(), [
                [a.taskId, 'working'],
                [b.taskId, 'working'],
            ].sort());
            assert.equal((await rpc(url, 'tasks/cancel', { taskId: a.taskId })).status, 200);
            const cancelled = await stream.next();
            assert.deepEqual([cancelled.params.taskId, cancelled.params.status], [a.taskId, 'cancelled']);
            // a's tool returns after the cancel; whatever it came to is not written, nor told
            for (let i = 0; i < 100 && !server.logs.some((l) => l.event === 'task_stopped' && l.message?.includes(a.taskId)); ++i) await sleep(100);
            assert.ok(server.logs.some((l) => l.event === 'task_stopped' && l.message?.includes(a.taskId)));
            // b's cancellation comes after anything a's stopped handler could have caused: nothing of a's in between
            assert.equal((await rpc(url, 'tasks/cancel', { taskId: b.taskId })).status, 200);
            const next = await stream.next();
            assert.deepEqual([next.params.taskId, next.params.status], [b.taskId, 'cancelled']);
        } finally {
            stream.close();
        }
    });

    test('notifications/tasks: taskIds need the extension declared (-32021) and must be strings', { timeout: LISTEN_BOUND_MS }, async () => {
        const task = await createTask(url, 'slow_compute', { seconds: 60 });
        const refused = await fetch(url, { method: 'POST', headers: LISTEN_HEADERS, body: JSON.stringify(listenRequest({ taskIds: [task.taskId] }, false)) });
        const body = sseOrJson(await refused.text());
        assert.equal(body.error?.code, -32021, JSON.stringify(body));
        assert.deepEqual(body.error.data, { requiredCapabilities: { extensions: { [EXT]: {} } } });
        const bad = await fetch(url, { method: 'POST', headers: LISTEN_HEADERS, body: JSON.stringify(listenRequest({ taskIds: [7] })) });
        assert.equal(sseOrJson(await bad.text()).error?.code, -32602);
        // without taskIds the acknowledgement says nothing of tasks
        const plain = await openListen(url, { toolsListChanged: true });
        try {
            assert.deepEqual((await plain.next()).params.notifications, { toolsListChanged: true });
        } finally {
            plain.close();
        }
        await rpc(url, 'tasks/cancel', { taskId: task.taskId });
    });

    test('an unknown task id is -32602 for every method', async () => {
        for (const method of ['tasks/get', 'tasks/cancel']) {
            assert.equal((await rpc(url, method, { taskId: '0'.repeat(32) })).body.error.code, -32602);
        }
        assert.equal((await rpc(url, 'tasks/update', { taskId: '0'.repeat(32), inputResponses: {} })).body.error.code, -32602);
    });
});

describe('tasks are bound to their caller (Lambda, two authorizers)', () => {
    let emulator;
    let alice;
    let mallory;
    before(async () => {
        emulator = await startEmulator({
            command: serverBinary(),
            env: { MCP_TOOLSETS: 'default,conformance', MCP_LOG_LEVEL: 'warn', MCP_REQUEST_STATE_KEY: Buffer.alloc(32, 5).toString('base64') },
            maxInstances: 1,
            timeoutMs: 30_000,
        });
        const caller = (name) => ({ principalId: name, principal: name, authMethod: 'static' });
        alice = await startShim({ emulator, format: 'rest', stage: 'dev', authorizer: caller('alice') });
        mallory = await startShim({ emulator, format: 'rest', stage: 'dev', authorizer: caller('mallory') });
    });
    after(async () => {
        await alice?.stop();
        await mallory?.stop();
        await emulator?.stop();
    });

    test("another principal's task is invisible: -32602, as for a task that does not exist", async () => {
        const task = await createTask(alice.url, 'confirm_delete', { filename: 'b.txt' });
        await pollTask(alice.url, task.taskId, (t) => t.status === 'input_required');
        for (const [method, params] of [
            ['tasks/get', {}],
            ['tasks/update', { inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } }],
            ['tasks/cancel', {}],
        ]) {
            const r = await rpc(mallory.url, method, { taskId: task.taskId, ...params });
            assert.equal(r.body.error?.code, -32602, `${method}: ${JSON.stringify(r.body)}`);
        }
        // none of it touched the task
        const mine = await rpc(alice.url, 'tasks/get', { taskId: task.taskId });
        assert.equal(mine.body.result.status, 'input_required');
        assert.equal((await rpc(alice.url, 'tasks/cancel', { taskId: task.taskId })).status, 200);
        assert.equal((await rpc(alice.url, 'tasks/get', { taskId: task.taskId })).body.result.status, 'cancelled');
        assert.deepEqual(emulator.violations(), []);
    });

    test("a listen stream is told only of the caller's own tasks; on Lambda it ends after their current state", { timeout: LISTEN_BOUND_MS }, async () => {
        const task = await createTask(alice.url, 'confirm_delete', { filename: 'c.txt' });
        await pollTask(alice.url, task.taskId, (t) => t.status === 'input_required');
        const listen = async (shim) => {
            const res = await fetch(shim.url, { method: 'POST', headers: LISTEN_HEADERS, body: JSON.stringify(listenRequest({ taskIds: [task.taskId] })) });
            assert.equal(res.status, 200);
            return sseMessages(await res.text());
        };
        const mine = await listen(alice);
        assert.deepEqual(
            mine.map((m) => m.method ?? 'result'),
            ['notifications/subscriptions/acknowledged', 'notifications/tasks', 'result'],
        );
        assert.deepEqual(mine[0].params.notifications, { taskIds: [task.taskId] });
        assert.equal(mine[1].params.taskId, task.taskId);
        assert.equal(mine[1].params.status, 'input_required');
        assert.deepEqual(Object.keys(mine[1].params.inputRequests), ['confirm']);
        // another caller naming the same id is not agreed to and hears nothing of it
        const theirs = await listen(mallory);
        assert.deepEqual(
            theirs.map((m) => m.method ?? 'result'),
            ['notifications/subscriptions/acknowledged', 'result'],
        );
        assert.deepEqual(theirs[0].params.notifications, { taskIds: [] });
        assert.equal((await rpc(alice.url, 'tasks/cancel', { taskId: task.taskId })).status, 200);
        assert.deepEqual(emulator.violations(), []);
    });
});
