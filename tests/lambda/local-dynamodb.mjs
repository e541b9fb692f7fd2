// local-dynamodb.mjs: a local DynamoDB (dynalite, from tests/node's locked dependencies) on 127.0.0.1 with tables
// keyed as the CDK app creates them (partition key id; the TTL on expiresAt is AWS's housekeeping, which dynalite
// never does): by default the pending-answers table, for the Lambda front door's streaming mode, where a client's
// answer meets the waiting tool across instances; startDynamo({ tables: [...] }) names others (sessions).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'tests', 'node', 'package.json'));

/**
 * Starts it; returns { endpoint, table (the first of tables), call(operation, body), stop() }. call() sends one
 * DynamoDB operation and returns its parsed reply (for tests that look at what the server stored).
 */
export async function startDynamo({ tables = ['mcp-test-pending'] } = {}) {
    const dynalite = require('dynalite');
    const srv = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise((ok, fail) => srv.listen(0, '127.0.0.1', (err) => (err ? fail(err) : ok())));
    const endpoint = `http://127.0.0.1:${srv.address().port}/`;
    const call = async (operation, body) => {
        const res = await fetch(endpoint, {
            method: 'POST',
            headers: {
                'content-type': 'application/x-amz-json-1.0',
                'x-amz-target': `DynamoDB_20120810.${operation}`,
                'x-amz-date': '20260101T000000Z',
                authorization: 'AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/20260101/ap-southeast-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
            },
            body: JSON.stringify(body),
        });
        if (res.status !== 200) throw new Error(`${operation}: ${res.status} ${await res.text()}`);
        return res.json();
    };
    for (const table of tables) {
        await call('CreateTable', {
            TableName: table,
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
        });
    }
    return { endpoint, table: tables[0], call, stop: () => new Promise((ok) => srv.close(() => ok())) };
}

