// tasks.test.mjs: tasks (the MCP tasks extension) on the Lambda front door, behind the Runtime API emulator and
// the API Gateway shim. The server posts the CreateTaskResult and keeps running the task before it asks for the
// next invocation (the emulator holds the instance busy meanwhile, as Lambda does, and enforces the deadline):
// a task outlives the API Gateway integration timeout (scaled down here) and its result is fetched afterwards;
// a task whose function deadline comes first ends failed, saying so; a task answered through tasks/update runs
// on in the invocation that answered it.
//
//     node --test tests/lambda/tasks.test.mjs        (MCP_SERVER_BIN: the binary, default build/mcp-server)
import assert from 'node:assert/strict';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startShim } from './apigw-shim.mjs';
import { modernRpc, pollTask } from './modern-rpc.mjs';
import { startEmulator } from './runtime-emulator.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = process.env.MCP_SERVER_BIN ? (isAbsolute(process.env.MCP_SERVER_BIN) ? process.env.MCP_SERVER_BIN : resolve(root, process.env.MCP_SERVER_BIN)) : join(root, 'build', 'mcp-server');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A 2026-07-28 request of a client with elicitation and (unless ext is false) the tasks extension. */
const CLIENT = { tasks: true, elicitation: true };
const rpc = (url, method, params = {}, { ext = true } = {}) => modernRpc(url, method, params, { ...CLIENT, tasks: ext });
const until = (url, taskId, pred) => pollTask(url, taskId, pred, 150, CLIENT);

/** Waits until the emulator's instance has asked for its next invocation (its task's work is over). */
async function idle(emulator) {
    const [inst] = emulator.instances;
    for (let i = 0; i < 200 && inst.state !== 'idle'; ++i) await sleep(50);
    assert.equal(inst.state, "idle", `instance state ${inst.state}: ${inst.stderr.slice(-8).join("\n")}`);
    return inst;
}

describe('tasks on Lambda (buffered REST API, one instance)', () => {
    let emulator;
    let shim;
    before(async () => {
        emulator = await startEmulator({
            command: bin,
            env: { MCP_TOOLSETS: 'default,conformance', MCP_LOG_LEVEL: 'info', MCP_REQUEST_STATE_KEY: Buffer.alloc(32, 3).toString('base64') },
            maxInstances: 1,
            timeoutMs: 6000,
        });
        // API Gateway's 29 s integration timeout, scaled down: the task below works longer than this
        shim = await startShim({ emulator, format: 'rest', stage: 'dev', authorizer: { principalId: 'alice' }, integrationTimeoutMs: 1500, timeoutMs: 6000 });
    });
    after(async () => {
        await shim?.stop();
        await emulator?.stop();
    });

    test('a task outlives the integration timeout and its result is fetched afterwards', async () => {
        const created = await rpc(shim.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 3, label: 'long' } });
        assert.equal(created.status, 200);
        assert.equal(created.body.result.resultType, 'task');
        const { taskId } = created.body.result;
        const inst = await idle(emulator);
        const inv = inst.invocations.at(-1);
        assert.ok(inv.afterResponseMs > 1500, `the task ran ${inv.afterResponseMs} ms after the response`);
        const done = await rpc(shim.url, 'tasks/get', { taskId });
        assert.equal(done.body.result.status, 'completed', JSON.stringify(done.body));
        assert.equal(done.body.result.result.content[0].text, 'Computed for 3 seconds (long).');
        assert.deepEqual(emulator.violations(), []);
    });

    test("a task whose function deadline comes first ends failed, saying so, before the deadline", async () => {
        const created = await rpc(shim.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 60 } });
        const { taskId } = created.body.result;
        const inst = await idle(emulator);
        assert.equal(inst.invocations.at(-1).afterResponseTimedOut, undefined, 'the instance asked for the next invocation in time');
        assert.equal(inst.killedBy, null);
        const failed = await rpc(shim.url, 'tasks/get', { taskId });
        assert.equal(failed.body.result.status, 'failed', JSON.stringify(failed.body));
        assert.equal(failed.body.result.result, undefined);
        assert.match(failed.body.result.error.message, /stopped at the function's deadline/);
    });

    test('a task answered through tasks/update runs on in the invocation that answered it', async () => {
        const created = await rpc(shim.url, 'tools/call', { name: 'confirm_delete', arguments: { filename: 'c.txt' } });
        const { taskId } = created.body.result;
        await idle(emulator);
        const waiting = await rpc(shim.url, 'tasks/get', { taskId });
        assert.equal(waiting.body.result.status, 'input_required');
        const ack = await rpc(shim.url, 'tasks/update', { taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: false } } } });
        assert.equal(ack.body.result.resultType, 'complete');
        await idle(emulator);
        const done = await rpc(shim.url, 'tasks/get', { taskId });
        assert.equal(done.body.result.status, 'completed');
        assert.equal(done.body.result.result.content[0].text, 'Kept c.txt.');
        assert.deepEqual(emulator.violations(), []);
    });
});

describe('a response timeout shorter than the function timeout (MCP_RESPONSE_TIMEOUT_MS)', () => {
    // The function's timeout is longer than API Gateway's integration timeout, so that tasks may run longer; the
    // server still answers every request before the gateway gives up on it (scaled down: 1.5 s and 2 s, function 8 s).
    let emulator;
    let shim;
    before(async () => {
        emulator = await startEmulator({
            command: bin,
            env: { MCP_TOOLSETS: 'default,conformance', MCP_LOG_LEVEL: 'info', MCP_RESPONSE_TIMEOUT_MS: '1500', MCP_REQUEST_STATE_KEY: Buffer.alloc(32, 3).toString('base64') },
            maxInstances: 1,
            timeoutMs: 8000,
        });
        shim = await startShim({ emulator, format: 'rest', stage: 'dev', authorizer: { principalId: 'alice' }, integrationTimeoutMs: 2000, timeoutMs: 8000 });
    });
    after(async () => {
        await shim?.stop();
        await emulator?.stop();
    });

    test('a call that is not a task is cut off by the response timeout, answered before the gateway gives up', async () => {
        // without the extension the call runs in its request: 4 s would outlast the 2 s integration timeout (a 504)
        const r = await rpc(shim.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 4 } }, { ext: false });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.result.isError, true, JSON.stringify(r.body));
        assert.match(r.body.result.content[0].text, /did not finish before the deadline/);
        const inst = await idle(emulator);
        assert.equal(inst.killedBy, null);
        assert.deepEqual(emulator.violations(), []);
    });

    test('a task runs on past the response timeout, to the function deadline', async () => {
        const created = await rpc(shim.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 3, label: 'past' } });
        assert.equal(created.body.result.resultType, 'task', JSON.stringify(created.body));
        const { taskId } = created.body.result;
        await idle(emulator);
        const done = await rpc(shim.url, 'tasks/get', { taskId });
        assert.equal(done.body.result.status, 'completed', JSON.stringify(done.body));
        assert.equal(done.body.result.result.content[0].text, 'Computed for 3 seconds (past).');
        assert.deepEqual(emulator.violations(), []);
    });
});

describe('tasks on Lambda shared by two instances (a DynamoDB task table in dynalite)', () => {
    let dynamo;
    const emulators = [];
    const shims = [];
    before(async () => {
        const { startDynamo } = await import('./local-dynamodb.mjs');
        dynamo = await startDynamo();
        const env = {
            MCP_TOOLSETS: 'default,conformance',
            MCP_LOG_LEVEL: 'info',
            MCP_REQUEST_STATE_KEY: Buffer.alloc(32, 3).toString('base64'),
            MCP_TASK_TABLE: dynamo.table,
            MCP_DYNAMODB_ENDPOINT: dynamo.endpoint,
            AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
            AWS_SECRET_ACCESS_KEY: 'local-test-secret',
            AWS_SESSION_TOKEN: 'local-test-session',
        };
        for (let i = 0; i < 2; ++i) {
            const emulator = await startEmulator({ command: bin, env, region: 'ap-southeast-2', maxInstances: 1, timeoutMs: 20_000 });
            emulators.push(emulator);
            shims.push(await startShim({ emulator, format: 'rest', stage: 'dev', authorizer: { principalId: 'alice' }, timeoutMs: 20_000 }));
        }
    });
    after(async () => {
        for (const s of shims) await s.stop();
        for (const e of emulators) await e.stop();
        await dynamo?.stop();
    });

    test('the instance that does not run the task answers tasks/get, and its tasks/cancel stops the task', async () => {
        const [a, b] = shims;
        const created = await rpc(a.url, 'tools/call', { name: 'slow_compute', arguments: { seconds: 15 } });
        const { taskId } = created.body.result;
        const working = await rpc(b.url, 'tasks/get', { taskId });
        assert.equal(working.body.result.status, 'working', JSON.stringify(working.body));
        assert.equal(emulators[0].instances[0].state, 'after-response', 'instance A still runs the task');
        assert.equal((await rpc(b.url, 'tasks/cancel', { taskId })).status, 200);
        // A reads the row within a second and stops the tool; its instance then asks for the next invocation
        const inst = await idle(emulators[0]);
        assert.ok(inst.stderr.some((l) => l.includes('"task_stopped"') && l.includes(taskId)), 'task_stopped logged by A');
        assert.ok(inst.invocations.at(-1).afterResponseMs < 15_000, 'the tool stopped before its 15 seconds');
        assert.equal((await rpc(a.url, 'tasks/get', { taskId })).body.result.status, 'cancelled');
        assert.deepEqual([...emulators[0].violations(), ...emulators[1].violations()], []);
    });

    test('tasks/update answered by the other instance resumes the task there', async () => {
        const [a, b] = shims;
        const created = await rpc(a.url, 'tools/call', { name: 'confirm_delete', arguments: { filename: 'd.txt' } });
        const { taskId } = created.body.result;
        await idle(emulators[0]);
        assert.equal((await rpc(b.url, 'tasks/get', { taskId })).body.result.status, 'input_required');
        await rpc(b.url, 'tasks/update', { taskId, inputResponses: { confirm: { action: 'accept', content: { confirm: true } } } });
        await idle(emulators[1]);
        const done = await rpc(a.url, 'tasks/get', { taskId });
        assert.equal(done.body.result.status, 'completed', JSON.stringify(done.body));
        assert.equal(done.body.result.result.content[0].text, 'Deleted d.txt.');
        assert.ok(emulators[1].instances[0].stderr.some((l) => l.includes('"task_adopted"') && l.includes(taskId)));
    });
});
