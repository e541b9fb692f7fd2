// What stands between the internet and a stage beyond the token authorizer (config: protection):
//   - an AWS WAF web ACL on the stage: a rate-based rule per client IP, and AWS's managed rule groups for known
//     bad inputs, IP reputation and the common rule set (its body-size and missing-User-Agent rules only count:
//     MCP bodies are often over 8 KB, and some MCP clients send no User-Agent);
//   - per-client throttling: a usage plan keyed by the authorizer's identity (API key source AUTHORIZER). The
//     authorizer answers usageIdentifierKey = `mcp-<stage>-usage-<label>` (MCP_USAGE_KEY_PREFIX); each label has an
//     API key of that value in the plan, so one client using up its budget gets 429 while the others do not.
//     JWT clients (OAuth access tokens, HS256) are not known in advance: on a stage with OAuth they share one key,
//     `mcp-<stage>-usage-jwt-clients`, the authorizer's answer for every JWT.
import { Names } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { JWT_USAGE_LABEL, ProtectionSettings, StageName, ciTokenLabel } from './config';

export function usageKeyPrefix(stage: StageName): string {
    return `mcp-${stage}-usage-`;
}

export interface McpProtectionProps {
    readonly stage: StageName;
    readonly settings: ProtectionSettings;
    readonly api: apigw.RestApi;
    /** The stage accepts JWTs (OAuth): their shared key is in the plan too. */
    readonly jwtClients: boolean;
}

const MANAGED_RULE_GROUPS: [string, number, string[]][] = [
    ['AWSManagedRulesAmazonIpReputationList', 10, []],
    ['AWSManagedRulesKnownBadInputsRuleSet', 20, []],
    ['AWSManagedRulesCommonRuleSet', 30, ['SizeRestrictions_BODY', 'NoUserAgent_HEADER']],
];

export class McpProtection extends Construct {
    readonly webAcl: wafv2.CfnWebACL;
    readonly usagePlan: apigw.UsagePlan;
    readonly apiKeys: apigw.ApiKey[] = [];

    constructor(scope: Construct, id: string, props: McpProtectionProps) {
        super(scope, id);
        const { settings, stage, api } = props;
        const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
            cloudWatchMetricsEnabled: true,
            metricName: `mcp-${stage}-${name}`,
            sampledRequestsEnabled: true,
        });
        this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
            scope: 'REGIONAL',
            defaultAction: { allow: {} },
            description: `MCP ${stage}: per-IP rate limit and AWS managed rules`,
            visibilityConfig: visibility('web-acl'),
            rules: [
                {
                    name: 'rate-per-ip',
                    priority: 0,
                    action: { block: {} },
                    statement: {
                        rateBasedStatement: { limit: settings.wafRateLimitPer5Minutes, aggregateKeyType: 'IP' },
                    },
                    visibilityConfig: visibility('rate-per-ip'),
                },
                ...MANAGED_RULE_GROUPS.map(([name, priority, countOnly]) => ({
                    name,
                    priority,
                    overrideAction: { none: {} },
                    statement: {
                        managedRuleGroupStatement: {
                            vendorName: 'AWS',
                            name,
                            ruleActionOverrides: countOnly.length
                                ? countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } }))
                                : undefined,
                        },
                    },
                    visibilityConfig: visibility(name),
                })),
            ],
        });
        new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
            resourceArn: api.deploymentStage.stageArn,
            webAclArn: this.webAcl.attrArn,
        });

        this.usagePlan = new apigw.UsagePlan(this, 'UsagePlan', {
            description: `MCP ${stage}: the budget of each client (keyed by the authorizer's principal)`,
            throttle: { rateLimit: settings.perClient.rateLimit, burstLimit: settings.perClient.burstLimit },
            quota: { limit: settings.perClient.quotaPerDay, period: apigw.Period.DAY },
            apiStages: [{ api, stage: api.deploymentStage }],
        });
        const labels = [
            ciTokenLabel(stage),
            ...settings.clients.filter((l) => l !== ciTokenLabel(stage)),
            ...(props.jwtClients ? [JWT_USAGE_LABEL] : []),
        ];
        for (const label of labels) {
            const key = new apigw.ApiKey(this, `Key-${label}`, {
                description: `Usage plan key of client ${label} (not a credential: the bearer token is)`,
                value: `${usageKeyPrefix(stage)}${label}`,
                enabled: true,
            });
            this.usagePlan.addApiKey(key, { overrideLogicalId: `UsageKey${Names.uniqueId(key).slice(-8)}` });
            this.apiKeys.push(key);
        }
    }
}
