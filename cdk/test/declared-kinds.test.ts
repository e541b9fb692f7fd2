// Resources and prompts declared in the stage configuration (registeredTools.declaredResources, declaredPrompts):
// one custom resource each (Kind "resource" or "prompt"), their records exactly the admin API's (every field, in its
// order, read from admin/registry_admin.c; the kinds and a prompt argument's fields read from remote_tools.c), the
// server allowed to invoke exactly their functions; what the server would refuse found at synth time (names, the
// URI and template syntax, built-in resources' URIs and built-in prompts' names, read from the server's sources,
// arguments); and the writer's handler writing and deleting "<kind>#<name>" items.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
    builtinNameProblems,
    builtinPromptNames,
    builtinResources,
    shadowsResource,
    templateMatches,
} from '../lib/builtin-tools';
import {
    DeclaredPrompt,
    DeclaredResource,
    RegisteredToolsSettings,
    STAGES,
    configProblems,
    validUriTemplate,
} from '../lib/config';
import { DECLARED_TOOL_RESOURCE_TYPE } from '../lib/tool-registry';
import { adminFormat, serverFormat } from './admin-format';
import { CDK_DIR, onlyResource, resourcesOfType, synthStage } from './helpers';

const DOCS = 'arn:aws:lambda:ap-southeast-2:123456789012:function:docs';
const PROMPTS = 'arn:aws:lambda:ap-southeast-2:123456789012:function:mcp-dev-tool-prompts';
const GUIDE: DeclaredResource = {
    name: 'guide',
    title: 'The guide',
    description: 'The operator guide.',
    uri: 'docs://guide',
    mimeType: 'text/markdown',
    annotations: { audience: ['user'] },
    timeout: Duration.seconds(5),
    lambdaArn: DOCS,
    qualifier: 'live',
    target: 'docs',
};
const PAGE: DeclaredResource = {
    name: 'page',
    uriTemplate: 'docs://pages/{section}/{page}',
    lambdaArn: DOCS,
};
const REVIEW: DeclaredPrompt = {
    name: 'review',
    title: 'Review',
    description: 'Asks for a review.',
    arguments: [{ name: 'code', description: 'The code.', required: true }, { name: 'language' }],
    timeout: Duration.seconds(3),
    lambdaArn: PROMPTS,
    qualifier: '7',
    target: 'prompts',
};
const SETTINGS: RegisteredToolsSettings = {
    functionNamePrefix: 'mcp-dev-tool-',
    refresh: Duration.seconds(30),
    adminPrincipals: ['arn:aws:iam::123456789012:role/registry-admin'],
    declaredResources: [GUIDE, PAGE],
    declaredPrompts: [REVIEW],
};

describe('mcp-dev-stack with declared resources and prompts (no tools)', () => {
    const { app, json } = synthStage('dev', { registeredTools: SETTINGS });
    const registrations = resourcesOfType(json, DECLARED_TOOL_RESOURCE_TYPE);
    const [writerId] = onlyResource(json, 'AWS::Lambda::Function', (p) => p.FunctionName === 'mcp-dev-registry-writer');
    const byName = (kind: string, name: string) =>
        registrations.find(([, r]) => r.Properties.Kind === kind && r.Properties.Name === name)![1];

    test('one registration each, of its kind, written by the writer', () => {
        assert.deepEqual(registrations.map(([, r]) => `${r.Properties.Kind}#${r.Properties.Name}`).sort(), [
            'prompt#review',
            'resource#guide',
            'resource#page',
        ]);
        for (const [, r] of registrations) {
            assert.deepEqual(r.Properties.ServiceToken, { 'Fn::GetAtt': [writerId, 'Arn'] });
        }
    });

    test("the records: the admin API's fields of each kind, in its order, kind first", () => {
        const { resourceFields, promptFields } = adminFormat();
        const guide = JSON.parse(byName('resource', 'guide').Properties.Record);
        // GUIDE has every field a resource may have but uriTemplate (a resource has a uri or a template)
        assert.deepEqual(
            Object.keys(guide),
            resourceFields.filter((f) => f !== 'uriTemplate'),
        );
        assert.equal(guide.kind, 'resource');
        assert.equal(guide.timeoutMs, 5000);
        assert.deepEqual(JSON.parse(byName('resource', 'page').Properties.Record), {
            kind: 'resource',
            name: 'page',
            uriTemplate: 'docs://pages/{section}/{page}',
            lambdaArn: DOCS,
        });
        const review = JSON.parse(byName('prompt', 'review').Properties.Record);
        assert.deepEqual(Object.keys(review), promptFields);
        assert.equal(review.kind, 'prompt');
        assert.deepEqual(review.arguments, REVIEW.arguments);
        // a prompt argument's fields are the ones the server reads
        assert.deepEqual(Object.keys(review.arguments[0]), serverFormat().argumentFields);
    });

    test('the server may invoke exactly their functions and the qualified ARNs they name', () => {
        const statement = resourcesOfType(json, 'AWS::IAM::Policy')
            .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
            .find((s: any) => s.Sid === 'InvokeDeclaredTools');
        assert.deepEqual([...statement.Resource].sort(), [DOCS, `${DOCS}:live`, PROMPTS, `${PROMPTS}:7`].sort());
    });

    test('cdk-nag: no findings', () => {
        const findings = new AwsSolutionsChecks()
            .validateScope(app)
            .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
        assert.deepEqual(findings, []);
    });
});

describe('a tool, a resource and a prompt of the same name', () => {
    test('are three registrations (three items), not a clash', () => {
        const { json } = synthStage('dev', {
            registeredTools: {
                ...SETTINGS,
                declared: [{ name: 'guide', description: 'x', inputSchema: { type: 'object' }, lambdaArn: DOCS }],
                declaredPrompts: [{ ...REVIEW, name: 'guide' }],
            },
        });
        const kinds = resourcesOfType(json, DECLARED_TOOL_RESOURCE_TYPE)
            .filter(([, r]) => r.Properties.Name === 'guide')
            .map(([, r]) => r.Properties.Kind ?? 'tool');
        assert.deepEqual(kinds.sort(), ['prompt', 'resource', 'tool']);
    });
});

describe('declared resources and prompts: problems found at synth time', () => {
    const problems = (resources: Partial<DeclaredResource>[], prompts: Partial<DeclaredPrompt>[] = []) =>
        configProblems({
            ...STAGES.dev,
            registeredTools: {
                ...SETTINGS,
                declaredResources: resources as DeclaredResource[],
                declaredPrompts: prompts as DeclaredPrompt[],
            },
        }).join('\n');
    test('a good configuration has none', () => {
        assert.equal(problems([GUIDE, PAGE], [REVIEW]), '');
    });
    test('names: the pattern, and never twice within a kind', () => {
        assert.match(problems([{ ...GUIDE, name: 'a b' }]), /declaredResources\[0\] \(a b\): name must be 1-128/);
        assert.match(
            problems([GUIDE, { ...PAGE, name: 'guide' }]),
            /declaredResources\[1\] \(guide\): the name is declared twice/,
        );
        assert.match(problems([], [{ ...REVIEW, name: '' }]), /declaredPrompts\[0\] \(\): name must be 1-128/);
        assert.match(problems([], [REVIEW, REVIEW]), /declaredPrompts\[1\] \(review\): the name is declared twice/);
    });
    test('a URI or template declared twice (the server would serve only the first)', () => {
        assert.match(
            problems([GUIDE, { ...PAGE, uri: 'docs://guide', uriTemplate: undefined }]),
            /\(page\): uri "docs:\/\/guide" is guide's already/,
        );
        assert.match(
            problems([PAGE, { ...PAGE, name: 'page2' }]),
            /\(page2\): uriTemplate "docs:.*" is page's already/,
        );
        // neither uri nor template: that problem only, not "undefined" twice
        const neither = { ...PAGE, uriTemplate: undefined };
        assert.doesNotMatch(problems([neither, { ...neither, name: 'p2' }]), /already/);
    });
    test('a resource: exactly one of uri and uriTemplate, each as the server takes it', () => {
        assert.match(problems([{ ...GUIDE, uriTemplate: 'docs://{x}' }]), /exactly one of uri and uriTemplate/);
        assert.match(problems([{ ...GUIDE, uri: undefined }]), /exactly one of uri and uriTemplate/);
        for (const uri of [
            'guide',
            '1docs://x',
            'docs://a b',
            'docs://{x}',
            'docs://x\u007f',
            `docs://${'x'.repeat(1020)}`,
        ]) {
            assert.match(problems([{ ...GUIDE, uri }]), /uri ".*" must be an absolute URI/s, uri);
        }
        for (const uriTemplate of [
            'docs://pages',
            'docs://{}',
            'docs://{a}{b}',
            'docs://{a-b}',
            'docs://a}',
            'docs://{a',
            'pages/{id}',
            'docs://{a} {b}',
            `docs://${'/{v}'.repeat(9)}`,
        ]) {
            assert.match(
                problems([{ ...PAGE, uriTemplate }]),
                /uriTemplate ".*" must be an absolute URI with 1-8/,
                uriTemplate,
            );
        }
        assert.equal(problems([{ ...PAGE, uriTemplate: `docs://${'/{v}'.repeat(8)}` }]), '');
        assert.equal(problems([{ ...PAGE, uriTemplate: 'x+y.z-1:{a}/{b}?q={c}' }]), '');
    });
    test('texts and mimeType', () => {
        assert.match(problems([{ ...GUIDE, description: '' }]), /description must be a non-empty string/);
        assert.match(problems([{ ...GUIDE, title: 1 as any }]), /title must be a string/);
        assert.match(problems([{ ...GUIDE, mimeType: '' }]), /mimeType must be a MIME type/);
        assert.match(problems([{ ...GUIDE, annotations: [] as any }]), /annotations must be an object/);
        assert.match(problems([], [{ ...REVIEW, description: undefined }]), /\(review\): description is required/);
    });
    test("a prompt's arguments: an array of at most 32 objects, names unique, description a string, required a boolean", () => {
        const args = (a: unknown) => problems([], [{ ...REVIEW, arguments: a as any }]);
        assert.match(args({ name: 'x' }), /arguments must be an array of at most 32/);
        assert.match(args(Array.from({ length: 33 }, (_, i) => ({ name: `a${i}` }))), /at most 32/);
        assert.equal(args(Array.from({ length: 32 }, (_, i) => ({ name: `a${i}` }))), '');
        assert.match(args(['code']), /arguments\[0\] must be an object/);
        assert.match(args([{ name: 'a b' }]), /arguments\[0\]\.name must be 1-128/);
        assert.match(
            args([{ name: 'a' }, { name: 'a' }]),
            /arguments\[1\]\.name "a" is the name of an earlier argument/,
        );
        assert.match(args([{ name: 'a', description: 1 }]), /arguments\[0\]\.description must be a string/);
        assert.match(args([{ name: 'a', required: 'yes' }]), /arguments\[0\]\.required must be a boolean/);
        assert.match(args([{ name: 'a', optional: true }]), /has only name, description and required \(not optional\)/);
    });
    test('the function fields, as for tools', () => {
        assert.match(problems([{ ...GUIDE, lambdaArn: undefined }]), /exactly one of lambdaArn and appFunction/);
        assert.match(problems([{ ...GUIDE, lambdaArn: `${DOCS}:live` }]), /must be a full, unqualified function ARN/);
        assert.match(
            problems([], [{ ...REVIEW, lambdaArn: undefined, appFunction: 'example-python-prompts' }]),
            /appFunction "example-python-prompts" is deployed only with registeredTools.examples/,
        );
        assert.match(problems([{ ...GUIDE, timeout: Duration.minutes(16) }]), /timeout must be/);
        assert.match(problems([], [{ ...REVIEW, qualifier: 'a:b' }]), /qualifier must be/);
        assert.match(problems([], [{ ...REVIEW, target: 'a_b' }]), /target must be/);
    });
    test('the stack refuses to synthesize with them', () => {
        assert.throws(
            () =>
                synthStage('dev', {
                    registeredTools: { ...SETTINGS, declaredResources: [{ ...PAGE, uriTemplate: 'x' }] },
                }),
            /invalid stage configuration:[\s\S]*uriTemplate "x"/,
        );
    });
    test('validUriTemplate agrees with the examples', () => {
        assert.ok(validUriTemplate('orders://{id}'));
        assert.ok(!validUriTemplate('docs://handbook/onboarding'));
    });
});

describe("built-in prompts and resources, read from the server's sources, in any tool set", () => {
    const prompts = builtinPromptNames();
    const resources = builtinResources();
    test('found', () => {
        for (const name of ['weather_report', 'test_simple_prompt', 'test_prompt_with_arguments']) {
            assert.ok(prompts.has(name), name);
        }
        assert.ok(!prompts.has('code_review') && !prompts.has('summarise'));
        assert.ok(resources.some((r) => r.uri === 'info://server' && r.uriTemplate === undefined));
        assert.ok(resources.some((r) => r.uri === 'test://static-text'));
        assert.ok(resources.some((r) => r.uriTemplate === 'test://template/{id}/data'));
    });
    test("the server's matching: a variable takes a whole segment and gives nothing back", () => {
        assert.ok(templateMatches('test://template/{id}/data', 'test://template/7/data'));
        assert.ok(!templateMatches('test://template/{id}/data', 'test://template//data'));
        assert.ok(!templateMatches('test://template/{id}/data', 'test://template/7/8/data'));
        assert.ok(!templateMatches('x://{a}.json', 'x://foo.json'), 'no backtracking, as resources.c');
        assert.ok(templateMatches('x://{a}/{b}', 'x://1/2'));
    });
    test('what shadows a built-in: its uri, a uri its template matches, a template matching its uri, its template', () => {
        const uri = { uri: 'info://server' };
        const tmpl = { uriTemplate: 'test://template/{id}/data' };
        assert.ok(shadowsResource({ uri: 'info://server' }, uri));
        assert.ok(!shadowsResource({ uri: 'info://server2' }, uri));
        assert.ok(shadowsResource({ uri: 'test://template/1/data' }, tmpl));
        assert.ok(shadowsResource({ uriTemplate: 'info://{x}' }, uri));
        assert.ok(shadowsResource({ uriTemplate: 'test://template/{id}/data' }, tmpl));
        assert.ok(!shadowsResource({ uriTemplate: 'test://other/{id}' }, tmpl));
    });
    test('refused: a declared prompt or resource that would shadow one; the examples do not', () => {
        const config = (r: DeclaredResource[], p: DeclaredPrompt[]) => ({
            ...STAGES.dev,
            registeredTools: { ...SETTINGS, declaredResources: r, declaredPrompts: p },
        });
        assert.deepEqual(builtinNameProblems(config([GUIDE, PAGE], [REVIEW])), []);
        assert.deepEqual(builtinNameProblems({ ...STAGES.dev, registeredTools: { ...SETTINGS, examples: true } }), []);
        assert.match(
            builtinNameProblems(config([], [{ ...REVIEW, name: 'weather_report' }])).join(),
            /declaredPrompts \(weather_report\): the name is a built-in prompt's/,
        );
        assert.match(
            builtinNameProblems(config([{ ...GUIDE, uri: 'info://server' }], [])).join(),
            /declaredResources \(guide\): uri "info:\/\/server" names a built-in resource's URI/,
        );
        assert.match(
            builtinNameProblems(config([{ ...PAGE, uriTemplate: 'test://{name}' }], [])).join(),
            /\(page\): uriTemplate "test:\/\/\{name\}" names a built-in resource's URI/,
        );
        assert.throws(
            () => synthStage('dev', config([], [{ ...REVIEW, name: 'test_simple_prompt' }])),
            /test_simple_prompt\): the name is a built-in prompt's/,
        );
    });
});

// ---- the writer's handler, with Kind ----

const writer = createRequire(__filename)(path.join(CDK_DIR, 'lib', 'registry-writer', 'index.js'));
const STACK = 'arn:aws:cloudformation:ap-southeast-2:123456789012:stack/mcp-dev-stack/0a1b2c3d';

function fakeTable() {
    const t = { items: new Map<string, any>(), responses: [] as any[] };
    writer.deps.now = () => 1_800_000_000;
    writer.deps.respond = async (_url: string, body: string) => {
        t.responses.push(JSON.parse(body));
    };
    writer.deps.send = async (command: string, input: any) => {
        const id = (input.Key ?? input.Item).id.S;
        if (command === 'GetItem') return { Item: t.items.get(id) && structuredClone(t.items.get(id)) };
        if (command === 'PutItem') t.items.set(id, structuredClone(input.Item));
        if (command === 'DeleteItem') t.items.delete(id);
        return {};
    };
    return t;
}

const event = (type: string, kind: string | undefined, record: any, physicalId?: string) => ({
    RequestType: type,
    ResponseURL: 'https://example/response',
    StackId: STACK,
    RequestId: 'r',
    LogicalResourceId: 'x',
    PhysicalResourceId: physicalId,
    ResourceProperties: {
        TableName: 'mcp-dev-tools',
        ...(kind === undefined ? {} : { Kind: kind }),
        Name: record.name,
        Record: JSON.stringify(record),
    },
});

describe('the registry writer, for each kind the server reads', () => {
    const records: Record<string, any> = {
        tool: { name: 'x', description: 'd', inputSchema: { type: 'object' }, lambdaArn: DOCS },
        resource: { kind: 'resource', name: 'x', uri: 'docs://x', lambdaArn: DOCS },
        prompt: { kind: 'prompt', name: 'x', description: 'd', lambdaArn: DOCS },
    };
    test('the kinds are remote_tools.c kind_names', () => {
        assert.deepEqual(Object.keys(records), serverFormat().kinds);
    });
    test('Create writes "<kind>#<name>" with kind, the record as declared then the audit fields; Delete removes it', async () => {
        const t = fakeTable();
        for (const kind of serverFormat().kinds) {
            await writer.handler(event('Create', kind === 'tool' ? undefined : kind, records[kind]));
        }
        assert.deepEqual([...t.items.keys()].sort(), ['prompt#x', 'resource#x', 'tool#x']);
        assert.deepEqual(
            t.responses.map((r) => [r.Status, r.PhysicalResourceId]),
            [
                ['SUCCESS', 'mcp-dev-tools/tool#x'],
                ['SUCCESS', 'mcp-dev-tools/resource#x'],
                ['SUCCESS', 'mcp-dev-tools/prompt#x'],
            ],
        );
        const item = t.items.get('resource#x');
        assert.deepEqual(item.kind, { S: 'resource' });
        assert.deepEqual(item.name, { S: 'x' });
        assert.deepEqual(JSON.parse(item.record.S), {
            ...records.resource,
            version: 1,
            createdAt: 1_800_000_000,
            createdBy: STACK,
            updatedAt: 1_800_000_000,
            updatedBy: STACK,
        });
        assert.deepEqual(t.items.get('prompt#x').kind, { S: 'prompt' });
        await writer.handler(event('Delete', 'resource', records.resource, 'mcp-dev-tools/resource#x'));
        assert.deepEqual([...t.items.keys()].sort(), ['prompt#x', 'tool#x']);
    });
    test("an admin API's resource is not taken over; a record of another kind, or an unknown Kind, fails", async () => {
        const t = fakeTable();
        const admin = 'arn:aws:iam::123456789012:role/registry-admin';
        t.items.set('resource#x', {
            id: { S: 'resource#x' },
            version: { N: '1' },
            record: { S: JSON.stringify({ ...records.resource, createdBy: admin }) },
        });
        await writer.handler(event('Create', 'resource', records.resource));
        assert.match(t.responses[0].Reason, /the resource x is registered through the admin API/);
        await writer.handler(event('Create', 'prompt', records.resource));
        assert.match(t.responses[1].Reason, /the record's kind is not prompt/);
        await writer.handler(event('Create', 'widget', { ...records.resource, kind: 'widget' }));
        assert.match(t.responses[2].Reason, /unknown kind widget/);
        assert.deepEqual([...t.items.keys()], ['resource#x']);
    });
});
