// docs/cfn-execution-policy.json, the least-privilege policy for the CDK bootstrap's CloudFormation execution role
// (cdk bootstrap --cloudformation-execution-policies), covers what the stage stacks need:
//   - every resource type any stage (and every configuration variant) synthesizes has a row in REQUIRED below, the
//     create/update/delete permissions of its resource handler, so a new resource type fails this test until the
//     policy is reviewed for it;
//   - every action of every row is allowed by the policy, for a resource ARN of the shape the stack creates;
//   - nothing in the policy is a service-wide wildcard ("lambda:*", "*").
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { STAGES, STAGE_NAMES } from '../lib/config';
import { DECLARED_TOOL_RESOURCE_TYPE } from '../lib/tool-registry';
import { REPO_ROOT, resourcesOfType, synthStage } from './helpers';

const POLICY = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'cfn-execution-policy.json'), 'utf8'));
const FN = 'arn:aws:lambda:ap-southeast-2:123456789012:function:mcp-prod-server';
const ROLE = 'arn:aws:iam::123456789012:role/mcp-prod-stack-ServerRoleB6C85082-1A2B3C4D5E6F';
const API = 'arn:aws:apigateway:ap-southeast-2::/restapis/abc123defg';
const ANY = 'arn:aws:service:ap-southeast-2:123456789012:thing/x';

/** Resource type -> [action, an ARN of what the stack creates] that CloudFormation's handler calls. */
const REQUIRED: Record<string, [string, string][]> = {
    'AWS::Lambda::Function': [
        ...[
            'CreateFunction',
            'DeleteFunction',
            'GetFunction',
            'UpdateFunctionCode',
            'UpdateFunctionConfiguration',
            'TagResource',
            'ListTags',
            'PutFunctionConcurrency',
            'DeleteFunctionConcurrency',
        ].map((a): [string, string] => [`lambda:${a}`, FN]),
        ['iam:PassRole', ROLE],
        // zip functions (the registry writer, the examples): Lambda reads the code with the caller's permission
        ['s3:GetObject', 'arn:aws:s3:::cdk-hnb659fds-assets-123456789012-ap-southeast-2/0123abcd.zip'],
        ['ecr:BatchGetImage', 'arn:aws:ecr:ap-southeast-2:123456789012:repository/mcp-lambda-c'],
        ['ecr:GetDownloadUrlForLayer', 'arn:aws:ecr:ap-southeast-2:123456789012:repository/mcp-lambda-c'],
    ],
    'AWS::Lambda::Version': [
        ['lambda:PublishVersion', FN],
        ['lambda:ListVersionsByFunction', FN],
    ],
    'AWS::Lambda::Alias': [
        ['lambda:CreateAlias', FN],
        ['lambda:UpdateAlias', FN],
        ['lambda:DeleteAlias', FN],
        ['lambda:GetAlias', FN],
    ],
    'AWS::Lambda::Url': [
        ...[
            'CreateFunctionUrlConfig',
            'UpdateFunctionUrlConfig',
            'DeleteFunctionUrlConfig',
            'GetFunctionUrlConfig',
        ].map((a): [string, string] => [`lambda:${a}`, `${FN}:live`]),
    ],
    // CloudFormation invokes the custom resource's function with the execution role
    [DECLARED_TOOL_RESOURCE_TYPE]: [
        ['lambda:InvokeFunction', 'arn:aws:lambda:ap-southeast-2:123456789012:function:mcp-prod-registry-writer'],
    ],
    'AWS::Lambda::Permission': [
        ['lambda:AddPermission', FN],
        ['lambda:RemovePermission', FN],
    ],
    'AWS::IAM::Role': ['CreateRole', 'DeleteRole', 'GetRole', 'TagRole', 'AttachRolePolicy', 'DetachRolePolicy'].map(
        (a): [string, string] => [`iam:${a}`, ROLE],
    ),
    'AWS::IAM::Policy': [
        ['iam:PutRolePolicy', ROLE],
        ['iam:DeleteRolePolicy', ROLE],
        ['iam:GetRolePolicy', ROLE],
    ],
    'AWS::Logs::LogGroup': [
        'CreateLogGroup',
        'DeleteLogGroup',
        'PutRetentionPolicy',
        'DescribeLogGroups',
        'TagResource',
    ].map((a): [string, string] => [`logs:${a}`, ANY]),
    'AWS::SecretsManager::Secret': [
        'CreateSecret',
        'DeleteSecret',
        'DescribeSecret',
        'UpdateSecret',
        'TagResource',
        'GetRandomPassword',
    ].map((a): [string, string] => [`secretsmanager:${a}`, ANY]),
    'AWS::ApiGateway::RestApi': ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((a): [string, string] => [
        `apigateway:${a}`,
        API,
    ]),
    'AWS::ApiGateway::Deployment': [
        ['apigateway:POST', `${API}/deployments`],
        ['apigateway:DELETE', `${API}/deployments/x`],
    ],
    'AWS::ApiGateway::Stage': [
        ['apigateway:POST', `${API}/stages`],
        ['apigateway:PATCH', `${API}/stages/prod`],
    ],
    'AWS::ApiGateway::Resource': [['apigateway:POST', `${API}/resources/x`]],
    'AWS::ApiGateway::Method': [['apigateway:PUT', `${API}/resources/x/methods/POST`]],
    'AWS::ApiGateway::Authorizer': [['apigateway:POST', `${API}/authorizers`]],
    'AWS::ApiGateway::GatewayResponse': [['apigateway:PUT', `${API}/gatewayresponses/UNAUTHORIZED`]],
    'AWS::ApiGateway::DomainName': [
        ['apigateway:POST', 'arn:aws:apigateway:ap-southeast-2::/domainnames'],
        ['acm:DescribeCertificate', 'arn:aws:acm:ap-southeast-2:123456789012:certificate/x'],
    ],
    'AWS::ApiGateway::BasePathMapping': [
        ['apigateway:POST', 'arn:aws:apigateway:ap-southeast-2::/domainnames/mcp.example.com/basepathmappings'],
    ],
    'AWS::ApiGateway::UsagePlan': [['apigateway:POST', 'arn:aws:apigateway:ap-southeast-2::/usageplans']],
    'AWS::ApiGateway::ApiKey': [['apigateway:POST', 'arn:aws:apigateway:ap-southeast-2::/apikeys']],
    'AWS::ApiGateway::UsagePlanKey': [['apigateway:POST', 'arn:aws:apigateway:ap-southeast-2::/usageplans/x/keys']],
    'AWS::CloudWatch::Alarm': [
        ['cloudwatch:PutMetricAlarm', ANY],
        ['cloudwatch:DeleteAlarms', ANY],
        ['cloudwatch:DescribeAlarms', ANY],
    ],
    'AWS::CloudWatch::Dashboard': [
        ['cloudwatch:PutDashboard', ANY],
        ['cloudwatch:DeleteDashboards', ANY],
    ],
    'AWS::SNS::Topic': [
        ['sns:CreateTopic', ANY],
        ['sns:DeleteTopic', ANY],
        ['sns:GetTopicAttributes', ANY],
        ['sns:TagResource', ANY],
    ],
    'AWS::SNS::TopicPolicy': [['sns:SetTopicAttributes', ANY]],
    'AWS::CodeDeploy::Application': [
        ['codedeploy:CreateApplication', ANY],
        ['codedeploy:DeleteApplication', ANY],
    ],
    'AWS::CodeDeploy::DeploymentGroup': [
        ['codedeploy:CreateDeploymentGroup', ANY],
        ['codedeploy:UpdateDeploymentGroup', ANY],
        ['codedeploy:DeleteDeploymentGroup', ANY],
        ['iam:PassRole', ROLE],
        // the alias update policy: CloudFormation starts and watches a CodeDeploy deployment
        ['codedeploy:CreateDeployment', ANY],
        ['codedeploy:GetDeployment', ANY],
        ['codedeploy:StopDeployment', ANY],
    ],
    'AWS::DynamoDB::Table': [
        'CreateTable',
        'DeleteTable',
        'DescribeTable',
        'UpdateTimeToLive',
        'UpdateContinuousBackups',
    ].map((a): [string, string] => [
        `dynamodb:${a}`,
        'arn:aws:dynamodb:ap-southeast-2:123456789012:table/mcp-prod-pending',
    ]),
    'AWS::WAFv2::WebACL': [
        ['wafv2:CreateWebACL', ANY],
        ['wafv2:DeleteWebACL', ANY],
        ['wafv2:GetWebACL', ANY],
    ],
    'AWS::WAFv2::WebACLAssociation': [
        ['wafv2:AssociateWebACL', ANY],
        ['wafv2:DisassociateWebACL', ANY],
        ['apigateway:SetWebACL', ANY],
    ],
    'AWS::CDK::Metadata': [],
};

/** IAM's wildcard match: * any run, ? one character. */
const matches = (pattern: string, value: string) =>
    new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        'i',
    ).test(value);

function allows(action: string, resource: string): boolean {
    return (POLICY.Statement as any[]).some(
        (st) =>
            st.Effect === 'Allow' &&
            [st.Action].flat().some((a: string) => matches(a, action)) &&
            [st.Resource].flat().some((r: string) => matches(r, resource)),
    );
}

const templates = [
    ...STAGE_NAMES.map((stage) => synthStage(stage).json),
    synthStage('prod', {
        streaming: true,
        server: { ...STAGES.prod.server, timeout: Duration.seconds(898), taskTimeout: undefined },
    }).json,
    synthStage('prod', {
        registeredTools: {
            functionNamePrefix: 'mcp-prod-tool-',
            refresh: Duration.seconds(30),
            adminPrincipals: ['arn:aws:iam::123456789012:role/registry-admin'],
            examples: true,
        },
        functionUrl: { invokers: ['123456789012'] },
    }).json,
    synthStage('prod', {
        customDomain: {
            domainName: 'mcp.example.com',
            certificateArn: 'arn:aws:acm:ap-southeast-2:123456789012:certificate/x',
        },
    }).json,
];

describe('docs/cfn-execution-policy.json', () => {
    test('is an IAM policy without service-wide wildcards', () => {
        assert.equal(POLICY.Version, '2012-10-17');
        for (const st of POLICY.Statement) {
            assert.equal(st.Effect, 'Allow');
            for (const a of [st.Action].flat()) assert.ok(!/^\*$|:\*$/.test(a), `${st.Sid}: ${a}`);
        }
    });
    test('every resource type the stacks synthesize has its permissions listed here', () => {
        const types = new Set(
            templates.flatMap((json) => Object.values(json.Resources as Record<string, any>).map((r) => r.Type)),
        );
        const missing = [...types].filter((type) => !(type in REQUIRED));
        assert.deepEqual(missing, [], 'add these resource types to REQUIRED and the policy');
        assert.ok(resourcesOfType(templates[2], 'AWS::WAFv2::WebACL').length === 1, 'prod has its web ACL');
    });
    test('the policy allows every action each resource type needs', () => {
        const denied = Object.entries(REQUIRED).flatMap(([type, rows]) =>
            rows
                .filter(([action, resource]) => !allows(action, resource))
                .map(([action, resource]) => `${type}: ${action} on ${resource}`),
        );
        assert.deepEqual(denied, []);
    });
    test('the check is live: an action on another function is not allowed', () => {
        assert.ok(!allows('lambda:UpdateFunctionCode', 'arn:aws:lambda:ap-southeast-2:123456789012:function:payroll'));
        assert.ok(!allows('iam:PassRole', 'arn:aws:iam::123456789012:role/Admin'));
        assert.ok(!allows('lambda:InvokeFunction', FN), 'CloudFormation invokes the registry writer, not the server');
    });
});
