// Adding a tool the way the README says: its "Adding a tool" example, saved as the file the README names
// in a copy of the source tree, with nothing else edited; the copy builds, the tool is in tools/list
// with the schema its parameter declaration implies, it answers a call, and an argument of the wrong
// type gets an isError result before its handler runs.
//
// node --test tests/node/add-a-tool.test.mjs   (builds mcp-server in a temporary directory: about a minute)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';

import { rawRequest, readJsonRpc } from './lib/http.mjs';
import { REPO_ROOT, startServer } from './lib/server.mjs';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Adding a tool'));
const example = /```c\n([\s\S]*?)```/.exec(section)[1];
const savedAs = /Save it as `([^`]+\.c)`/.exec(section)[1];

let work;
let server;

before(() => {
    work = mkdtempSync(join(tmpdir(), 'add-a-tool-'));
    const src = join(work, 'src');
    // the tree as it is (tracked and new files), without build outputs or node_modules
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
        .split('\0')
        .filter((f) => f && !f.includes('node_modules/'));
    for (const f of files) {
        mkdirSync(dirname(join(src, f)), { recursive: true });
        cpSync(join(REPO_ROOT, f), join(src, f));
    }
    writeFileSync(join(src, savedAs), example);
    const build = join(work, 'build');
    // -Werror: the example must build without a warning under the project's own flags
    execFileSync('cmake', ['-S', src, '-B', build, '-DCMAKE_BUILD_TYPE=Debug', '-DCMAKE_C_FLAGS=-Werror'], { stdio: 'ignore' });
    execFileSync('cmake', ['--build', build, '-j2', '--target', 'mcp-server'], { stdio: ['ignore', 'ignore', 'inherit'] });
    process.env.MCP_SERVER_BIN = join(build, 'mcp-server');
});

after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
});

const HEADERS = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': '2025-11-25',
};

async function rpc(method, params) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
    const res = await rawRequest({ port: server.port, headers: HEADERS, body });
    assert.equal(res.status, 200, res.text);
    return readJsonRpc(res).response;
}

test('the README example is a complete tool of at most 15 lines', () => {
    assert.ok(example.trim().split('\n').length <= 15, `${example.trim().split('\n').length} lines`);
    assert.match(savedAs, /^server\/tools\/default\/[a-z_]+\.c$/);
});

test('the new tool is listed with the schema its parameters declare', async () => {
    server = await startServer({ toolsets: 'default' });
    const list = await rpc('tools/list', {});
    const greet = list.result.tools.find((t) => t.name === 'greet');
    assert.ok(greet, `greet is not in ${list.result.tools.map((t) => t.name)}`);
    assert.equal(greet.description, 'Greets someone by name.');
    assert.deepEqual(greet.inputSchema, {
        type: 'object',
        properties: {
            name: { type: 'string', description: 'Who to greet', minLength: 1 },
            style: { type: 'string', description: 'How formal', enum: ['casual', 'formal'], default: 'casual' },
        },
        required: ['name'],
        additionalProperties: false,
    });
});

test('the new tool answers, with its default filled in', async () => {
    const plain = await rpc('tools/call', { name: 'greet', arguments: { name: 'Ada' } });
    assert.deepEqual(plain.result.content, [{ type: 'text', text: 'Hello, Ada!' }]);
    assert.equal(plain.result.isError, undefined);
    const formal = await rpc('tools/call', { name: 'greet', arguments: { name: 'Ada', style: 'formal' } });
    assert.deepEqual(formal.result.content, [{ type: 'text', text: 'Good day, Ada.' }]);
});

test('an argument of the wrong type is an isError result before the handler runs', async () => {
    for (const [args, why] of [
        [{ name: 5 }, /argument 'name': expected string/],
        [{ name: '' }, /at least 1 character/],
        [{ name: 'Ada', style: 'rude' }, /argument 'style'/],
        [{}, /missing required argument 'name'/],
        [{ name: 'Ada', extra: true }, /unexpected argument/],
    ]) {
        const res = await rpc('tools/call', { name: 'greet', arguments: args });
        assert.equal(res.result.isError, true, JSON.stringify(args));
        assert.equal(res.result.content.length, 1);
        assert.match(res.result.content[0].text, /^Invalid arguments: /);
        assert.match(res.result.content[0].text, why);
        assert.doesNotMatch(res.result.content[0].text, /Hello|Good day/); // the handler did not run
    }
});
