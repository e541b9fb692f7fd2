// The per-stage config map is complete and within the limits of API Gateway and Lambda.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
    INTEGRATION_MARGIN,
    STAGES,
    STAGE_NAMES,
    configProblems,
    integrationTimeout,
    serverFunctionTimeout,
} from '../lib/config';

describe('stage config map', () => {
    test('has exactly dev, qas and prod, each naming itself', () => {
        assert.deepEqual(Object.keys(STAGES).sort(), [...STAGE_NAMES].sort());
        for (const stage of STAGE_NAMES) {
            assert.equal(STAGES[stage].stage, stage);
        }
    });
    for (const stage of STAGE_NAMES) {
        test(`${stage} is within the limits`, () => {
            assert.deepEqual(configProblems(STAGES[stage]), []);
        });
    }
    test('prod keeps its data when the stack goes, except after a failed create; dev and qas do not', () => {
        assert.equal(STAGES.prod.removalPolicy, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
        assert.equal(STAGES.dev.removalPolicy, 'destroy');
        assert.equal(STAGES.qas.removalPolicy, 'destroy');
        assert.match(
            configProblems({ ...STAGES.prod, removalPolicy: RemovalPolicy.RETAIN }).join('\n'),
            /prod keeps its data with RETAIN_ON_UPDATE_OR_DELETE/,
        );
    });
    test('termination protection and a canary on prod; all at once on dev', () => {
        assert.equal(STAGES.prod.terminationProtection, true);
        assert.equal(STAGES.dev.terminationProtection, false);
        assert.equal(STAGES.prod.deployment, 'canary-10-percent-5-minutes');
        assert.equal(STAGES.dev.deployment, 'all-at-once');
    });
    test('qas and prod run the architecture of the stage before them (they deploy only what passed it)', () => {
        assert.equal(STAGES.qas.architecture, STAGES.dev.architecture);
        assert.equal(STAGES.prod.architecture, STAGES.qas.architecture);
    });
    test('WAF and per-client throttling on prod', () => {
        assert.ok(STAGES.prod.protection);
        assert.ok(STAGES.prod.protection.wafRateLimitPer5Minutes >= 100);
    });
    test('every function timeout ends at least 2 s before its integration timeout', () => {
        for (const stage of STAGE_NAMES) {
            const config = STAGES[stage];
            assert.equal(
                integrationTimeout(config).toSeconds() - config.server.timeout.toSeconds(),
                INTEGRATION_MARGIN.toSeconds(),
            );
            assert.ok(INTEGRATION_MARGIN.toSeconds() >= 2);
        }
    });
    test('buffered qas and prod give tasks 5 minutes, past the integration timeout; a taskTimeout is checked', () => {
        for (const stage of ['qas', 'prod'] as const) {
            const config = STAGES[stage];
            assert.equal(config.streaming, false);
            assert.equal(serverFunctionTimeout(config).toSeconds(), 300);
            assert.ok(serverFunctionTimeout(config).toSeconds() > integrationTimeout(config).toSeconds());
            assert.deepEqual(configProblems(config), []);
        }
        assert.equal(serverFunctionTimeout(STAGES.dev).toSeconds(), STAGES.dev.server.timeout.toSeconds());
        const shorter = { ...STAGES.prod, server: { ...STAGES.prod.server, taskTimeout: Duration.seconds(20) } };
        assert.match(
            configProblems(shorter).join('\n'),
            /taskTimeout 20 s must be whole seconds from the server timeout \(27 s\) to 900 s/,
        );
        const longer = { ...STAGES.prod, server: { ...STAGES.prod.server, taskTimeout: Duration.seconds(901) } };
        assert.match(configProblems(longer).join('\n'), /taskTimeout 901 s must be/);
    });
    test('a buffered stage must end 2 s before the 29 s integration limit; a streaming one before 15 minutes', () => {
        const buffered = {
            ...STAGES.prod,
            streaming: false,
            server: { ...STAGES.prod.server, timeout: Duration.seconds(28) },
        };
        assert.match(configProblems(buffered).join('\n'), /server timeout 28 s must be 1..27 s \(buffered/);
        const streaming = {
            ...buffered,
            streaming: true,
            server: { ...buffered.server, timeout: Duration.seconds(898), taskTimeout: undefined },
        };
        assert.deepEqual(configProblems(streaming), []);
        const tooLong = { ...streaming, server: { ...streaming.server, timeout: Duration.minutes(15) } };
        assert.match(configProblems(tooLong).join('\n'), /must be 1..898 s \(streaming/);
    });
    test('catches the other limits', () => {
        const bad = {
            ...STAGES.dev,
            server: { ...STAGES.dev.server, memoryMiB: 64, toolsets: [], allowedOrigins: ['example.com'] },
            authorizer: { ...STAGES.dev.authorizer, cacheTtl: Duration.hours(2) },
            throttling: { rateLimit: 0, burstLimit: 1 },
            reservedConcurrency: { server: 0, authorizer: 1.5 },
            secretsRefreshSeconds: 0,
            protection: {
                wafRateLimitPer5Minutes: 10,
                perClient: { rateLimit: 0, burstLimit: 1, quotaPerDay: 1 },
                clients: ['two words'],
            },
            alarms: { ...STAGES.dev.alarms, datapointsToAlarm: 3, evaluationPeriods: 2 },
            customDomain: {
                domainName: 'MCP.Example.com',
                certificateArn: 'arn:aws:acm:ap-southeast-2:123456789012:certificate/x',
            },
        };
        const problems = configProblems(bad).join('\n');
        for (const expected of [
            /server memory 64 MiB/,
            /at least one tool set/,
            /allowed origin "example.com"/,
            /cache TTL 7200 s/,
            /throttling rate and burst/,
            /datapointsToAlarm/,
            /custom domain "MCP.Example.com"/,
            /reserved concurrency of the server/,
            /reserved concurrency of the authorizer/,
            /secretsRefreshSeconds/,
            /WAF rate limit/,
            /per-client rate/,
            /client label "two words"/,
        ]) {
            assert.match(problems, expected);
        }
    });
    test("usage plans: the JWT clients' shared label is reserved, and there is nothing to protect without the REST API", () => {
        const protection = { ...STAGES.prod.protection!, clients: ['jwt-clients'] };
        const problems = configProblems({
            ...STAGES.prod,
            protection,
            restApi: false,
            functionUrl: { invokers: ['123456789012'] },
        }).join('\n');
        assert.match(problems, /client label "jwt-clients" is reserved/);
        assert.match(problems, /WAF and usage plans protect the REST API/);
    });
});
