// The examples of examples/tools/ on a stage with registeredTools.examples: the Python and Node.js handlers deployed
// from their directories (runtimes as their READMEs say, the stage's architecture), each with a role that may only
// write its own log group; their tools declared with the records examples/tools/run-local.mjs registers locally
// (compared with that file, so the two cannot drift apart), naming the deployed functions; the server may invoke
// exactly those; cdk-nag clean with its reasons; off unless configured.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { EXAMPLE_TOOLS, RegisteredToolsSettings, STAGES, STAGE_NAMES, configProblems } from '../lib/config';
import { DECLARED_TOOL_RESOURCE_TYPE } from '../lib/tool-registry';
import { REPO_ROOT, evaluate, onlyResource, resourcesOfType, synthStage } from './helpers';

const TOOLS: RegisteredToolsSettings = {
    functionNamePrefix: 'mcp-dev-tool-',
    refresh: Duration.seconds(30),
    adminPrincipals: ['arn:aws:iam::123456789012:role/registry-admin'],
    examples: true,
};

/** The tool records of EXAMPLE_RECORDS in examples/tools/run-local.mjs, with lambdaArn as "<function name>". */
function runLocalRecords(): any[] {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'tools', 'run-local.mjs'), 'utf8');
    const start = text.indexOf('export const EXAMPLE_RECORDS = ');
    const end = text.indexOf('\n];', start);
    assert.ok(start >= 0 && end > start, 'run-local.mjs has EXAMPLE_RECORDS');
    const literal = text.slice(start + 'export const EXAMPLE_RECORDS = '.length, end + 3);
    const records: any[] = new Function('arn', `return ${literal}`)((name: string) => `<${name}>`);
    // the tools' (resources and prompts, kind "resource" and "prompt", are not declared by this app)
    return records.filter((r) => (r.kind ?? 'tool') === 'tool');
}

function findings(root: IConstruct): string[] {
    return new AwsSolutionsChecks()
        .validateScope(root)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

describe('mcp-dev-stack with the examples', () => {
    const { app, stack, json } = synthStage('dev', { registeredTools: TOOLS });
    const fn = (name: string) => onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === name);
    const [pythonId, python] = fn('mcp-dev-example-python');
    const [nodeId, node] = fn('mcp-dev-example-node');

    test('the Python and Node.js handlers, from their directories, as their READMEs say', () => {
        assert.equal(python.Properties.Runtime, 'python3.12');
        assert.equal(python.Properties.Handler, 'handler.handler');
        assert.equal(node.Properties.Runtime, 'nodejs22.x');
        assert.equal(node.Properties.Handler, 'index.handler');
        for (const f of [python, node]) assert.deepEqual(f.Properties.Architectures, ['x86_64']);
        const assembly = app.synth();
        const manifest = JSON.parse(
            fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
        );
        const staged = (f: any) => {
            const hash = f.Properties.Code.S3Key.replace(/\.zip$/, '');
            return fs.readdirSync(path.join(assembly.directory, manifest.files[hash].source.path)).sort();
        };
        assert.ok(staged(python).includes('handler.py'), JSON.stringify(staged(python)));
        assert.ok(staged(node).includes('index.mjs'), JSON.stringify(staged(node)));
        assert.ok(!staged(node).includes('README.md'));
    });

    test('each example role may write its own log group and nothing else', () => {
        for (const f of [python, node]) {
            const roleId = f.Properties.Role['Fn::GetAtt'][0];
            const statements = resourcesOfType(json, 'AWS::IAM::Policy')
                .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
                .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
            assert.deepEqual(
                statements.map((s: any) => [s.Sid, s.Action]),
                [['WriteOwnLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents']]],
            );
        }
    });

    test("their tools are declared with run-local.mjs's records, naming the deployed functions", () => {
        const registrations = resourcesOfType(json, DECLARED_TOOL_RESOURCE_TYPE);
        const records = registrations.map(([, r]) => JSON.parse(evaluate(r.Properties.Record)));
        const local = runLocalRecords();
        assert.deepEqual(records.map((r) => r.name).sort(), local.map((r) => r.name).sort());
        const deployed: Record<string, string> = {
            '<example-python-tools>': `<${pythonId}.Arn>`,
            '<example-node-tools>': `<${nodeId}.Arn>`,
        };
        for (const expected of local) {
            const record = records.find((r) => r.name === expected.name);
            assert.deepEqual(record, { ...expected, lambdaArn: deployed[expected.lambdaArn] }, expected.name);
        }
    });

    test('the server may invoke exactly the two example functions (beside the allow-list)', () => {
        const statements = resourcesOfType(json, 'AWS::IAM::Policy').flatMap(
            ([, p]) => p.Properties.PolicyDocument.Statement,
        );
        const declared = statements.filter((s: any) => s.Sid === 'InvokeDeclaredTools');
        assert.equal(declared.length, 1);
        assert.deepEqual(
            declared[0].Resource.map((r: unknown) => evaluate(r)).sort(),
            [`<${nodeId}.Arn>`, `<${pythonId}.Arn>`].sort(),
        );
    });

    test('cdk-nag: no findings', () => {
        assert.deepEqual(findings(app), []);
    });
});

describe('the examples, more ways', () => {
    test('arm64 stages deploy them for arm64', () => {
        const { json } = synthStage('qas', {
            architecture: 'arm64',
            registeredTools: { ...TOOLS, functionNamePrefix: 'mcp-qas-tool-' },
        });
        const examples = resourcesOfType(json, 'AWS::Lambda::Function').filter(([, f]) =>
            /^mcp-qas-example-/.test(f.Properties.FunctionName),
        );
        assert.equal(examples.length, 2);
        for (const [, f] of examples) assert.deepEqual(f.Properties.Architectures, ['arm64']);
    });
    test('a declaration of its own may name an example function, with a qualifier the grant covers', () => {
        const { json } = synthStage('dev', {
            registeredTools: {
                ...TOOLS,
                declared: [
                    {
                        name: 'greet_v2',
                        description: 'Greets, through an alias.',
                        inputSchema: { type: 'object' },
                        appFunction: 'example-node',
                        qualifier: 'live',
                    },
                ],
            },
        });
        const [nodeId] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-dev-example-node');
        const declared = resourcesOfType(json, 'AWS::IAM::Policy')
            .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
            .find((s: any) => s.Sid === 'InvokeDeclaredTools');
        assert.equal(declared.Resource.length, 3, JSON.stringify(declared.Resource));
        assert.ok(declared.Resource.map((r: unknown) => evaluate(r)).includes(`<${nodeId}.Arn>:live`));
        assert.equal(resourcesOfType(json, DECLARED_TOOL_RESOURCE_TYPE).length, 4);
    });
    test("a declared name that is an example's is declared twice", () => {
        const declared = [
            {
                ...EXAMPLE_TOOLS[1],
                appFunction: undefined,
                lambdaArn: 'arn:aws:lambda:ap-southeast-2:123456789012:function:x',
            },
        ];
        assert.match(
            configProblems({ ...STAGES.dev, registeredTools: { ...TOOLS, declared } }).join('\n'),
            /\(greet\): the name is declared twice/,
        );
    });
    test('off on every stage as configured: no example function', () => {
        for (const stage of STAGE_NAMES) {
            assert.notEqual(STAGES[stage].registeredTools?.examples, true);
        }
        const { json } = synthStage('dev', { registeredTools: { ...TOOLS, examples: false } });
        const names = resourcesOfType(json, 'AWS::Lambda::Function').map(([, f]) => f.Properties.FunctionName);
        assert.ok(!names.some((n: string) => n.includes('example')), names.join());
    });
});
