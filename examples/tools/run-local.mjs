// run-local.mjs: the example tools behind the server on your machine, without AWS.
//
//   make build && (cd tests/node && npm ci)      # once: the server, dynalite and @smithy/signature-v4
//   node examples/tools/run-local.mjs [--port 8080]
//
// Starts a registry table (dynalite), Lambda's Invoke API (tests/lambda/invoke-shim.mjs, which verifies every
// signature) with the Python and Node.js examples as functions, registers their three tools, two resources and
// two prompts, and runs build/mcp-server on 127.0.0.1:<port> pointed at both. Then, in another terminal:
//
//   export MCP_SERVER_ENDPOINT=http://127.0.0.1:8080/mcp
//   build/mcp-client tools
//   build/mcp-client call word_count text='the quick brown fox'
//   build/mcp-client read orders://1001
//   build/mcp-client prompt summarise text='a long story' words=5
//
// Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startInvokeShim } from '../../tests/lambda/invoke-shim.mjs';
import { startDynamo } from '../../tests/lambda/local-dynamodb.mjs';
import { handler as nodeResources } from '../resources/node/index.mjs';
import { handler as nodeTools } from './node/index.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: o } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
const REGION = 'ap-southeast-2';
const KEYS = { accessKeyId: 'AKIDEXAMPLETOOLS', secretAccessKey: 'example-tools-secret', sessionToken: 'example-session-token' };
const TABLE = 'mcp-tools';
const arn = (name) => `arn:aws:lambda:${REGION}:123456789012:function:${name}`;

export const EXAMPLE_RECORDS = [
    {
        name: 'word_count',
        title: 'Word count',
        description: 'Counts the words and characters of a text (Python).',
        inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
        outputSchema: { type: 'object', properties: { words: { type: 'integer' }, characters: { type: 'integer' } }, required: ['words', 'characters'] },
        annotations: { readOnlyHint: true },
        lambdaArn: arn('example-python-tools'),
        target: 'python-tools',
    },
    {
        name: 'greet',
        description: 'Greets someone by name (Node.js).',
        inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        lambdaArn: arn('example-node-tools'),
        target: 'node-tools',
    },
    {
        name: 'add',
        description: 'Adds two numbers (Node.js).',
        inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
        lambdaArn: arn('example-node-tools'),
        target: 'node-tools',
    },
    {
        kind: 'resource',
        name: 'handbook',
        uri: 'docs://handbook/onboarding',
        title: 'Onboarding handbook',
        mimeType: 'text/markdown',
        lambdaArn: arn('example-node-resources'),
    },
    {
        kind: 'resource',
        name: 'order',
        uriTemplate: 'orders://{id}',
        description: 'An order by its id (Node.js).',
        mimeType: 'application/json',
        lambdaArn: arn('example-node-resources'),
    },
    {
        kind: 'prompt',
        name: 'code_review',
        description: 'Asks for a review of a piece of code (Python).',
        arguments: [
            { name: 'code', description: 'The code to review.', required: true },
            { name: 'language', description: 'Its language.' },
        ],
        lambdaArn: arn('example-python-prompts'),
    },
    {
        kind: 'prompt',
        name: 'summarise',
        description: 'Asks for a summary of a text (Python).',
        arguments: [{ name: 'text', required: true }, { name: 'words' }],
        lambdaArn: arn('example-python-prompts'),
    },
];

const dynamo = await startDynamo({ tables: [TABLE] });
for (const [i, r] of EXAMPLE_RECORDS.entries()) {
    await dynamo.call('PutItem', {
        TableName: TABLE,
        Item: { id: { S: `${r.kind ?? 'tool'}#${r.name}` }, kind: { S: r.kind ?? 'tool' }, name: { S: r.name }, version: { N: '1' }, record: { S: JSON.stringify({ ...r, version: 1 }) }, createdAt: { N: String(Date.now() + i) }, createdBy: { S: 'run-local.mjs' } },
    });
}
const shim = await startInvokeShim({
    region: REGION,
    keys: [KEYS],
    functions: {
        'example-python-tools': { python: { file: join(root, 'examples/tools/python/handler.py'), handler: 'handler' } },
        'example-node-tools': { node: nodeTools },
        'example-node-resources': { node: nodeResources },
        'example-python-prompts': { python: { file: join(root, 'examples/prompts/python/handler.py'), handler: 'handler' } },
    },
});
const server = spawn(
    join(root, 'build', 'mcp-server'),
    ['--port', o.port, '--tool-registry-table', TABLE, '--tool-registry-endpoint', dynamo.endpoint, '--lambda-endpoint', shim.endpoint, '--tool-registry-refresh-s', '5'],
    { stdio: 'inherit', env: { ...process.env, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_SESSION_TOKEN: KEYS.sessionToken } },
);
console.error(`registry ${dynamo.endpoint} (table ${TABLE}), Invoke API ${shim.endpoint}, MCP at http://127.0.0.1:${o.port}/mcp`);
const stop = async () => {
    server.kill('SIGTERM');
    await shim.stop();
    await dynamo.stop();
    process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => {
    console.error(`mcp-server exited (${code}); ${shim.refused.length} invoke(s) refused for a bad signature`);
    stop();
});
