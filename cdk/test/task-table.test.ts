// The tasks table in the CDK app: every stage has one, with the key and TTL attribute the server's DynamoDB task store
// uses (read from its C source, so the two cannot drift apart), MCP_TASK_TABLE in the server's environment, and the
// server's role granted exactly the item operations the store calls, on that table only; no other role touches it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { STAGES, STAGE_NAMES } from '../lib/config';
import { TASK_TABLE_KEY, TASK_TABLE_TTL_ATTRIBUTE } from '../lib/task-table';
import { REPO_ROOT, onlyResource, resourcesOfType, synthStage } from './helpers';

const STORE_SOURCE = fs.readFileSync(path.join(REPO_ROOT, 'server', 'lambda', 'dynamodb_task_store.c'), 'utf8');

/** The DynamoDB operations the store calls: dynamodb_call(db, "<Operation>", ...). */
function storeOperations(source: string): string[] {
    return [...new Set([...source.matchAll(/dynamodb_call\([^,]+,\s*"(\w+)"/g)].map((m) => `dynamodb:${m[1]}`))].sort();
}

describe("the server's DynamoDB task store, as its source says", () => {
    test('the key attribute, the TTL attribute and the operations this app grants', () => {
        // the item's key is written as a string attribute named TASK_TABLE_KEY, and read back by it
        assert.match(STORE_SOURCE, new RegExp(`dynamodb_write_s\\(&w, "${TASK_TABLE_KEY}", (id|key)\\)`));
        assert.match(STORE_SOURCE, /"task:%s"/);
        assert.match(
            STORE_SOURCE,
            new RegExp(`dynamodb_write_n\\(&w, "${TASK_TABLE_TTL_ATTRIBUTE}", row->expires_ms / 1000`),
        );
        assert.match(STORE_SOURCE, /"ConsistentRead", 1/);
        assert.deepEqual(storeOperations(STORE_SOURCE), ['dynamodb:GetItem', 'dynamodb:PutItem']);
    });
    test('the operation scan is live: it finds a call added to the source', () => {
        const planted = `${STORE_SOURCE}\nint x(void) { return dynamodb_call(st->db, "UpdateItem", b, n, NULL, NULL); }\n`;
        assert.deepEqual(storeOperations(planted), ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    });
});

for (const stage of STAGE_NAMES) {
    const prefix = `mcp-${stage}`;
    describe(`${prefix}-stack: the tasks table`, () => {
        const { json } = synthStage(stage);
        const [tableId, table] = onlyResource(json, 'AWS::DynamoDB::Table', (p) => p.TableName === `${prefix}-tasks`);
        const [, server] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === `${prefix}-server`);
        const serverRoleId = server.Properties.Role['Fn::GetAtt'][0];

        test('keyed by id (S), TTL on expiresAt, on demand, removal as the stage keeps its data', () => {
            assert.deepEqual(table.Properties, {
                TableName: `${prefix}-tasks`,
                AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
                KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
                BillingMode: 'PAY_PER_REQUEST',
                TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
            });
            assert.equal(
                table.DeletionPolicy,
                STAGES[stage].removalPolicy === 'destroy' ? 'Delete' : 'RetainExceptOnCreate',
            );
        });

        test('the server has MCP_TASK_TABLE', () => {
            assert.deepEqual(server.Properties.Environment.Variables.MCP_TASK_TABLE, { Ref: tableId });
        });

        test("exactly the store's operations, on this table only, for the server's role only", () => {
            const onTable = resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([, p]) =>
                (p.Properties.PolicyDocument.Statement as any[])
                    .filter((s) => JSON.stringify(s.Resource).includes(`"${tableId}"`))
                    .map((s) => ({ roles: p.Properties.Roles.map((r: any) => r.Ref), statement: s })),
            );
            assert.equal(onTable.length, 1, JSON.stringify(onTable));
            const [{ roles, statement }] = onTable;
            assert.deepEqual(roles, [serverRoleId]);
            assert.deepEqual([statement.Action].flat().sort(), storeOperations(STORE_SOURCE));
            // the table itself, not its indexes or streams
            assert.deepEqual(statement.Resource, { 'Fn::GetAtt': [tableId, 'Arn'] });
        });
    });
}
