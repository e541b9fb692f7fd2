// local-dynamodb.mjs: a local DynamoDB (dynalite, from tests/node's locked dependencies) on 127.0.0.1 with the
// pending-answers table keyed as the CDK app creates it (partition key id; the TTL on expiresAt is AWS's
// housekeeping, not needed here), for the Lambda front door's streaming mode, where a client's answer meets
// the waiting tool across instances.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'tests', 'node', 'package.json'));

/** Starts it; returns { endpoint, table, stop() }. */
export async function startDynamo() {
    const dynalite = require('dynalite');
    const srv = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise((ok, fail) => srv.listen(0, '127.0.0.1', (err) => (err ? fail(err) : ok())));
    const endpoint = `http://127.0.0.1:${srv.address().port}/`;
    const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'DynamoDB_20120810.CreateTable',
            'x-amz-date': '20260101T000000Z',
            authorization: 'AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/20260101/ap-southeast-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: JSON.stringify({
            TableName: 'mcp-test-pending',
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
        }),
    });
    if (res.status !== 200) throw new Error(`CreateTable: ${res.status} ${await res.text()}`);
    return { endpoint, table: 'mcp-test-pending', stop: () => new Promise((ok) => srv.close(() => ok())) };
}

