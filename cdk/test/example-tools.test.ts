// The examples on a stage with registeredTools.examples: examples/tools/'s Python and Node.js handlers, the Node.js
// resources (examples/resources/node) and the Python prompts (examples/prompts/python), deployed from their
// directories (runtimes as their READMEs say, the stage's architecture), each with a role that may only write its own
// log group; their tools, resources and prompts declared with the records examples/tools/run-local.mjs registers
// locally (compared with that file, so the two cannot drift apart), naming the deployed functions; the server may
// invoke exactly those; cdk-nag clean with its reasons; off unless configured.
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

/** The records of EXAMPLE_RECORDS in examples/tools/run-local.mjs (every kind), with lambdaArn as "<function name>". */
function runLocalRecords(): any[] {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'tools', 'run-local.mjs'), 'utf8');
    const start = text.indexOf('export const EXAMPLE_RECORDS = ');
    const end = text.indexOf('\n];', start);
    assert.ok(start >= 0 && end > start, 'run-local.mjs has EXAMPLE_RECORDS');
    const literal = text.slice(start + 'export const EXAMPLE_RECORDS = '.length, end + 3);
    return new Function('arn', `return ${literal}`)((name: string) => `<${name}>`);
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
    const [resourcesId, resources] = fn('mcp-dev-example-node-resources');
    const [promptsId, prompts] = fn('mcp-dev-example-python-prompts');
    const all = [python, node, resources, prompts];

    test('the Python and Node.js handlers, from their directories, as their READMEs say', () => {
        assert.equal(python.Properties.Runtime, 'python3.12');
        assert.equal(python.Properties.Handler, 'handler.handler');
        assert.equal(node.Properties.Runtime, 'nodejs22.x');
        assert.equal(node.Properties.Handler, 'index.handler');
        assert.equal(resources.Properties.Runtime, 'nodejs22.x');
        assert.equal(resources.Properties.Handler, 'index.handler');
        assert.equal(prompts.Properties.Runtime, 'python3.13');
        assert.equal(prompts.Properties.Handler, 'handler.handler');
        for (const f of all) assert.deepEqual(f.Properties.Architectures, ['x86_64']);
        const assembly = app.synth();
        const manifest = JSON.parse(
            fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
        );
        const staged = (f: any) => {
            const hash = f.Properties.Code.S3Key.replace(/\.zip$/, '');
            return fs.readdirSync(path.join(assembly.directory, manifest.files[hash].source.path)).sort();
        };
        assert.deepEqual(staged(python), ['handler.py']);
        assert.deepEqual(staged(node), ['index.mjs']);
        assert.deepEqual(staged(resources), ['index.mjs']);
        assert.deepEqual(staged(prompts), ['handler.py']);
        // the handlers are the examples' own files, not another directory's
        const read = (f: any, file: string) =>
            fs.readFileSync(
                path.join(
                    assembly.directory,
                    manifest.files[f.Properties.Code.S3Key.replace(/\.zip$/, '')].source.path,
                    file,
                ),
                'utf8',
            );
        assert.equal(
            read(resources, 'index.mjs'),
            fs.readFileSync(path.join(REPO_ROOT, 'examples/resources/node/index.mjs'), 'utf8'),
        );
        assert.equal(
            read(prompts, 'handler.py'),
            fs.readFileSync(path.join(REPO_ROOT, 'examples/prompts/python/handler.py'), 'utf8'),
        );
    });

    test('each example role may write its own log group and nothing else', () => {
        for (const f of all) {
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

    test("their tools, resources and prompts are declared with run-local.mjs's records, naming the deployed functions", () => {
        const registrations = resourcesOfType(json, DECLARED_TOOL_RESOURCE_TYPE);
        const kindOf = (r: any) => r.Properties.Kind ?? 'tool';
        const records = registrations.map(([, r]) => ({
            kind: kindOf(r),
            record: JSON.parse(evaluate(r.Properties.Record)),
        }));
        const local = runLocalRecords();
        const key = (kind: string, name: string) => `${kind}#${name}`;
        assert.deepEqual(
            records.map((r) => key(r.kind, r.record.name)).sort(),
            local.map((r) => key(r.kind ?? 'tool', r.name)).sort(),
        );
        assert.deepEqual([...new Set(records.map((r) => r.kind))].sort(), ['prompt', 'resource', 'tool']);
        const deployed: Record<string, string> = {
            '<example-python-tools>': `<${pythonId}.Arn>`,
            '<example-node-tools>': `<${nodeId}.Arn>`,
            '<example-node-resources>': `<${resourcesId}.Arn>`,
            '<example-python-prompts>': `<${promptsId}.Arn>`,
        };
        for (const expected of local) {
            const kind = expected.kind ?? 'tool';
            const found = records.find((r) => r.kind === kind && r.record.name === expected.name);
            assert.ok(deployed[expected.lambdaArn], expected.lambdaArn);
            assert.deepEqual(
                found?.record,
                { ...expected, lambdaArn: deployed[expected.lambdaArn] },
                key(kind, expected.name),
            );
            // the admin API's field order: a resource's and a prompt's kind first
            if (kind !== 'tool') assert.equal(Object.keys(found!.record)[0], 'kind');
        }
    });

    test('the server may invoke exactly the four example functions (beside the allow-list)', () => {
        const statements = resourcesOfType(json, 'AWS::IAM::Policy').flatMap(
            ([, p]) => p.Properties.PolicyDocument.Statement,
        );
        const declared = statements.filter((s: any) => s.Sid === 'InvokeDeclaredTools');
        assert.equal(declared.length, 1);
        assert.deepEqual(
            declared[0].Resource.map((r: unknown) => evaluate(r)).sort(),
            [`<${nodeId}.Arn>`, `<${pythonId}.Arn>`, `<${resourcesId}.Arn>`, `<${promptsId}.Arn>`].sort(),
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
        assert.equal(examples.length, 4);
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
        assert.equal(declared.Resource.length, 5, JSON.stringify(declared.Resource));
        assert.ok(declared.Resource.map((r: unknown) => evaluate(r)).includes(`<${nodeId}.Arn>:live`));
        assert.equal(resourcesOfType(json, DECLARED_TOOL_RESOURCE_TYPE).length, 8);
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
