// aws-tools.test.mjs: the aws tool set's count_s3_buckets against S3 on loopback (lib/s3-peer.mjs: s3rver behind a
// proxy that verifies every request's SigV4 and pages ListBuckets as S3 does), driven by the official TypeScript
// client over the HTTP front door:
//   - 1001 buckets are counted over two pages of 1000, every request signed correctly (a session token included);
//   - a principal without s3:ListAllMyBuckets gets S3's AccessDenied as an isError result, code and message;
//   - a wrong secret is caught by the verifying proxy (SignatureDoesNotMatch), so the signatures above are real;
//   - without credentials the tool says it cannot call S3, and nothing secret is in the server's log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startS3 } from './lib/s3-peer.mjs';
import { startServer } from './lib/server.mjs';

const REGION = 'ap-southeast-2';
const ALLOWED = { accessKeyId: 'AKIDS3LISTER', secretAccessKey: 'lister-secret', sessionToken: 'lister-session-token' };
const DENIED = { accessKeyId: 'AKIDS3NOBODY', secretAccessKey: 'nobody-secret', allowed: false };

async function callCount(server) {
    const client = new Client({ name: 'aws-tools-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    try {
        return await client.callTool({ name: 'count_s3_buckets', arguments: {} });
    } finally {
        await client.close();
    }
}

function awsEnv(key, endpoint) {
    const env = { AWS_REGION: REGION, MCP_S3_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
    if (key.sessionToken) env.AWS_SESSION_TOKEN = key.sessionToken;
    return env;
}

describe('count_s3_buckets against S3 on loopback, every request verified', () => {
    let s3;
    const servers = [];
    // whatever AWS credentials the machine running the tests has are not the server's (empty counts as unset)
    const NO_AWS = Object.fromEntries(
        ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
            'AWS_CONTAINER_CREDENTIALS_FULL_URI'].map((k) => [k, '']),
    );
    const start = async (env) => {
        const server = await startServer({
            toolsets: 'aws',
            env: { ...NO_AWS, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', ...env },
        });
        servers.push(server);
        return server;
    };

    before(async () => {
        s3 = await startS3({ buckets: 1001, keys: [ALLOWED, DENIED], region: REGION });
    });
    after(async () => {
        for (const server of servers) await server.stop();
        await s3?.stop();
    });

    test('1001 buckets, counted over two pages of ListBuckets, each signed as S3 wants', async () => {
        const server = await start(awsEnv(ALLOWED, s3.endpoint));
        const before = s3.requests.length;
        const result = await callCount(server);
        assert.equal(result.isError, undefined, JSON.stringify(result));
        assert.deepEqual(result.structuredContent, { count: 1001, region: REGION });
        assert.match(result.content[0].text, /1001 S3 buckets/);
        const calls = s3.requests.slice(before);
        assert.equal(calls.length, 2, JSON.stringify(calls));
        assert.ok(calls.every((c) => c.verdict === 'valid'), JSON.stringify(calls));
        assert.deepEqual(calls[0].query, { 'max-buckets': '1000' });
        assert.equal(calls[1].query['max-buckets'], '1000');
        assert.ok(calls[1].query['continuation-token'], 'the second page asks for what follows the first');
    });

    test("S3's AccessDenied is the tool's isError result, with S3's code and message", async () => {
        const server = await start(awsEnv(DENIED, s3.endpoint));
        const result = await callCount(server);
        assert.equal(result.isError, true);
        assert.match(result.content[0].text, /AccessDenied: Access Denied \(HTTP 403\)/);
        assert.equal(s3.requests.at(-1).verdict, 'AccessDenied');
    });

    test('a request signed with the wrong secret is refused by the verifying proxy', async () => {
        const server = await start(awsEnv({ ...ALLOWED, secretAccessKey: 'not-the-secret' }, s3.endpoint));
        const result = await callCount(server);
        assert.equal(result.isError, true);
        assert.match(result.content[0].text, /SignatureDoesNotMatch/);
        const logs = server.stderrLines.join('\n');
        assert.ok(!logs.includes('not-the-secret') && !logs.includes(ALLOWED.sessionToken), 'no secret in the log');
    });

    test('without credentials the tool says it cannot call S3', async () => {
        const server = await start({ AWS_REGION: REGION, MCP_S3_ENDPOINT: s3.endpoint });
        const result = await callCount(server);
        assert.equal(result.isError, true);
        assert.match(result.content[0].text, /count_s3_buckets cannot call S3: .*credentials/);
    });
});
