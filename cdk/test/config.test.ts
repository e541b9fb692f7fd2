// The per-stage config map is complete and within the limits of API Gateway and Lambda.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { STAGES, STAGE_NAMES, configProblems } from '../lib/config';

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
    test('prod keeps its data when the stack goes, dev and qas do not', () => {
        assert.equal(STAGES.prod.removalPolicy, 'retain');
        assert.equal(STAGES.dev.removalPolicy, 'destroy');
        assert.equal(STAGES.qas.removalPolicy, 'destroy');
    });
    test('a buffered stage may not outlast the 29 s integration limit; a streaming one may run 15 minutes', () => {
        const buffered = {
            ...STAGES.prod,
            streaming: false,
            server: { ...STAGES.prod.server, timeout: Duration.seconds(30) },
        };
        assert.match(configProblems(buffered).join('\n'), /server timeout 30 s must be 1..29 s \(buffered/);
        const streaming = {
            ...buffered,
            streaming: true,
            server: { ...buffered.server, timeout: Duration.minutes(15) },
        };
        assert.deepEqual(configProblems(streaming), []);
        const tooLong = { ...streaming, server: { ...streaming.server, timeout: Duration.minutes(16) } };
        assert.match(configProblems(tooLong).join('\n'), /must be 1..900 s \(streaming/);
    });
    test('catches the other limits', () => {
        const bad = {
            ...STAGES.dev,
            server: { ...STAGES.dev.server, memoryMiB: 64, toolsets: [], allowedOrigins: ['example.com'] },
            authorizer: { ...STAGES.dev.authorizer, cacheTtl: Duration.hours(2) },
            throttling: { rateLimit: 0, burstLimit: 1 },
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
        ]) {
            assert.match(problems, expected);
        }
    });
});
