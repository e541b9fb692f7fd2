// Sessions and the aws tool set in the CDK app: a sessions table per stage that enables sessions (on-demand, TTL on
// expiresAt, point-in-time recovery as the stage chooses), the server wired to it with only the item access it
// needs, s3:ListAllMyBuckets only where the aws tool set is enabled, and cdk-nag clean either way.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Duration, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { STAGES, STAGE_NAMES, SessionSettings, configProblems } from '../lib/config';
import { onlyResource, resourcesOfType, synthStage } from './helpers';

const SESSIONS: SessionSettings = {
    idleTimeout: Duration.minutes(30),
    maxLifetime: Duration.hours(12),
    pointInTimeRecovery: false,
};

function findings(root: IConstruct): string[] {
    return new AwsSolutionsChecks()
        .validateScope(root)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

function statements(json: Record<string, any>): any[] {
    return resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

for (const stage of STAGE_NAMES) {
    const prefix = `mcp-${stage}`;
    const base = STAGES[stage];

    describe(`${prefix}-stack as configured: stateless, no S3 access`, () => {
        const { json } = synthStage(stage);
        test('no sessions table and no s3 action unless the stage enables them', () => {
            assert.equal(base.sessions, undefined);
            const tables = resourcesOfType(json, 'AWS::DynamoDB::Table').map(([, t]) => t.Properties.TableName);
            assert.ok(!tables.includes(`${prefix}-sessions`));
            assert.ok(!JSON.stringify(statements(json)).includes('s3:'));
            const [, server] = onlyResource(
                json,
                'AWS::Lambda::Function',
                (p) => p.FunctionName === `${prefix}-server`,
            );
            assert.equal(server.Properties.Environment.Variables.MCP_SESSIONS, undefined);
        });
    });

    // on in one stage, off in the others: both ways are covered without synthesizing every stage twice
    for (const pointInTimeRecovery of [stage === 'prod']) {
        describe(`${prefix}-stack with sessions (point-in-time recovery ${pointInTimeRecovery ? 'on' : 'off'}) and the session and aws sets`, () => {
            const { app, template, json } = synthStage(stage, {
                sessions: { ...SESSIONS, pointInTimeRecovery },
                server: { ...base.server, toolsets: ['default', 'session', 'aws'] },
            });
            const [tableId, table] = onlyResource(
                json,
                'AWS::DynamoDB::Table',
                (p) => p.TableName === `${prefix}-sessions`,
            );
            const [, server] = onlyResource(
                json,
                'AWS::Lambda::Function',
                (p) => p.FunctionName === `${prefix}-server`,
            );

            test('the sessions table: on-demand, keyed by id, TTL on expiresAt', () => {
                assert.deepEqual(table.Properties, {
                    TableName: `${prefix}-sessions`,
                    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
                    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
                    BillingMode: 'PAY_PER_REQUEST',
                    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
                    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: pointInTimeRecovery },
                });
                assert.equal(table.DeletionPolicy, base.removalPolicy === 'destroy' ? 'Delete' : 'RetainExceptOnCreate');
            });

            test('the server runs with --sessions dynamodb on that table, with the stage lifetimes', () => {
                const env = server.Properties.Environment.Variables;
                assert.equal(env.MCP_SESSIONS, 'dynamodb');
                assert.deepEqual(env.MCP_SESSION_TABLE, { Ref: tableId });
                assert.equal(env.MCP_SESSION_IDLE_S, '1800');
                assert.equal(env.MCP_SESSION_MAX_S, '43200');
                assert.equal(env.MCP_TOOLSETS, 'default,session,aws');
                assert.ok(env.MCP_REQUEST_STATE_KEY_SECRET, 'every instance verifies the ids the others issued');
            });

            test('least privilege: the item operations the store uses on that table, s3:ListAllMyBuckets and nothing more of S3', () => {
                template.hasResourceProperties('AWS::IAM::Policy', {
                    Roles: [{ Ref: server.Properties.Role['Fn::GetAtt'][0] }],
                    PolicyDocument: {
                        Statement: Match.arrayWith([
                            {
                                Effect: 'Allow',
                                Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
                                Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
                            },
                            { Sid: 'CountS3Buckets', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
                        ]),
                    },
                });
                for (const statement of statements(json)) {
                    const actions: string[] = [statement.Action].flat();
                    assert.ok(
                        actions.every((a) => !a.includes('*')),
                        JSON.stringify(statement),
                    );
                    if (statement.Resource === '*') {
                        const allowed = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments', 's3:ListAllMyBuckets'];
                        assert.ok(
                            actions.every((a) => allowed.includes(a)),
                            JSON.stringify(statement),
                        );
                    }
                    if (JSON.stringify(statement.Resource ?? '').includes(tableId)) {
                        assert.ok(
                            actions.every((a) =>
                                ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].includes(a),
                            ),
                        );
                    }
                }
            });

            test('cdk-nag: no finding left; the point-in-time recovery acknowledgement only where it is off, and needed', () => {
                assert.deepEqual(findings(app), []);
                const acks = app.node
                    .findAll()
                    .flatMap((c) =>
                        c.node.metadata
                            .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
                            .flatMap((m) =>
                                Object.keys(m.data as object).map((key) => ({
                                    c,
                                    data: m.data as Record<string, string>,
                                    key,
                                })),
                            ),
                    )
                    .filter((a) => a.key.includes('AwsSolutions-DDB3') && a.c.node.path.includes('Sessions'));
                assert.equal(acks.length, pointInTimeRecovery ? 0 : 1);
                for (const ack of acks) {
                    const reason = ack.data[ack.key];
                    delete ack.data[ack.key];
                    try {
                        assert.ok(
                            findings(app).some((f) => f.startsWith('AwsSolutions-DDB3') && f.includes('Sessions')),
                        );
                    } finally {
                        ack.data[ack.key] = reason;
                    }
                }
            });
        });
    }
}

test('the session tool set without sessions, and lifetimes out of order, are configuration errors', () => {
    const dev = STAGES.dev;
    assert.ok(
        configProblems({ ...dev, server: { ...dev.server, toolsets: ['default', 'session'] } }).some((p) =>
            p.includes('the session tool set keeps state'),
        ),
    );
    assert.ok(
        configProblems({ ...dev, sessions: { ...SESSIONS, idleTimeout: Duration.hours(13) } }).some((p) =>
            p.includes('idleTimeout <= maxLifetime'),
        ),
    );
    assert.deepEqual(
        configProblems({ ...dev, sessions: SESSIONS, server: { ...dev.server, toolsets: ['default', 'session'] } }),
        [],
    );
});
