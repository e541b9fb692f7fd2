// CloudWatch alarms of one stage, an SNS topic they notify (alarm and OK), and one dashboard. A stage without the REST
// API (restApi: false, a Function URL only) has no API or authorizer alarms.
//
//   api-5xx, server-errors, server-throttles, authorizer-errors, authorizer-throttles   (as before)
//   api-4xx            a flood of refused or malformed requests (401/403/429 included)
//   api-latency-p99    API Gateway's p99 Latency above latencyP99Ms
//   server-duration    the server's p99 Duration above 80% of its timeout: calls are about to be cut off
//   server-concurrency the server's ConcurrentExecutions above 80% of its reserved concurrency
//
// Subscribe the on-call channel to the topic (AlarmTopicArn output; docs/deploy.md). rollbackAlarms are the ones that
// make CodeDeploy roll back a traffic shift: failures and latency, not the authorizer's refusals.
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmSettings, StageName } from './config';

export interface McpAlarmsProps {
    readonly stage: StageName;
    readonly settings: AlarmSettings;
    /**
     * Names, not resources: CodeDeploy's rollback alarms sit on the aliases' update policy, and the API's deployment
     * depends on the aliases, so a metric that referenced the API stage or a function would close a cycle.
     */
    /** The REST API's name; absent when the stage has none. */
    readonly apiName?: string;
    readonly serverFunctionName: string;
    /** Absent when the stage has no REST API (and so no authorizer). */
    readonly authorizerFunctionName?: string;
    readonly aliasName: string;
    readonly serverTimeout: Duration;
    readonly serverReservedConcurrency: number;
}

/** One alarm: construct id, name after the stage prefix, description, metric, threshold, whether it rolls back. */
interface AlarmRow {
    readonly id: string;
    readonly name: string;
    readonly description: string;
    readonly metric: cloudwatch.IMetric;
    readonly threshold: number;
    readonly rollback: boolean;
}

export class McpAlarms extends Construct {
    readonly alarms: cloudwatch.Alarm[];
    readonly topic: sns.Topic;
    /** Alarms that roll back a CodeDeploy traffic shift. */
    readonly rollbackAlarms: cloudwatch.Alarm[];
    readonly dashboard: cloudwatch.Dashboard;

    constructor(scope: Construct, id: string, props: McpAlarmsProps) {
        super(scope, id);
        const { settings, stage } = props;
        const sum = { period: settings.period, statistic: cloudwatch.Stats.SUM };
        const p99 = { period: settings.period, statistic: cloudwatch.Stats.p(99) };
        const apiName = props.apiName;
        const api = (name: string, metricName: string, options: cloudwatch.MetricOptions) =>
            new cloudwatch.Metric({
                namespace: 'AWS/ApiGateway',
                metricName,
                dimensionsMap: { ApiName: name, Stage: stage },
                ...options,
            });
        const fn = (functionName: string, metricName: string, options: cloudwatch.MetricOptions) =>
            new cloudwatch.Metric({
                namespace: 'AWS/Lambda',
                metricName,
                dimensionsMap: { FunctionName: functionName, Resource: `${functionName}:${props.aliasName}` },
                ...options,
            });
        const server = props.serverFunctionName;
        const authorizer = props.authorizerFunctionName;
        const rows: (AlarmRow | false)[] = [
            apiName !== undefined && {
                id: 'Api5xx',
                name: 'api-5xx',
                description: 'API Gateway answered 5XX (integration, authorizer or gateway failure)',
                metric: api(apiName, '5XXError', sum),
                threshold: settings.api5xxThreshold,
                rollback: true,
            },
            {
                id: 'ServerErrors',
                name: 'server-errors',
                description: 'The MCP server function failed invocations',
                metric: fn(server, 'Errors', sum),
                threshold: settings.serverErrorsThreshold,
                rollback: true,
            },
            {
                id: 'ServerThrottles',
                name: 'server-throttles',
                description: 'The MCP server function was throttled',
                metric: fn(server, 'Throttles', sum),
                threshold: settings.throttlesThreshold,
                rollback: false,
            },
            authorizer !== undefined && {
                id: 'AuthorizerErrors',
                name: 'authorizer-errors',
                description: 'Many authorizer errors: each rejected token counts as one, so a flood of bad tokens',
                metric: fn(authorizer, 'Errors', sum),
                threshold: settings.authorizerErrorsThreshold,
                rollback: false,
            },
            authorizer !== undefined && {
                id: 'AuthorizerThrottles',
                name: 'authorizer-throttles',
                description: 'The authorizer function was throttled',
                metric: fn(authorizer, 'Throttles', sum),
                threshold: settings.throttlesThreshold,
                rollback: false,
            },
            apiName !== undefined && {
                id: 'Api4xx',
                name: 'api-4xx',
                description: 'A flood of 4XX answers: refused tokens, throttled clients or malformed requests',
                metric: api(apiName, '4XXError', sum),
                threshold: settings.api4xxThreshold,
                rollback: false,
            },
            apiName !== undefined && {
                id: 'ApiLatencyP99',
                name: 'api-latency-p99',
                description: `API Gateway p99 latency above ${settings.latencyP99Ms} ms`,
                metric: api(apiName, 'Latency', p99),
                threshold: settings.latencyP99Ms,
                rollback: true,
            },
            {
                id: 'ServerDuration',
                name: 'server-duration',
                description: 'The server p99 duration is above 80% of its timeout: calls are about to be cut off',
                metric: fn(server, 'Duration', p99),
                threshold: Math.round(props.serverTimeout.toMilliseconds() * 0.8),
                rollback: true,
            },
            {
                id: 'ServerConcurrency',
                name: 'server-concurrency',
                description: 'The server uses more than 80% of its reserved concurrency: throttling is next',
                metric: new cloudwatch.Metric({
                    namespace: 'AWS/Lambda',
                    metricName: 'ConcurrentExecutions',
                    dimensionsMap: { FunctionName: server },
                    period: settings.period,
                    statistic: cloudwatch.Stats.MAXIMUM,
                }),
                threshold: Math.max(1, Math.floor(props.serverReservedConcurrency * 0.8)),
                rollback: false,
            },
        ];

        // No name: a fixed topic name would block re-creating the stack while a deleted one lingers.
        this.topic = new sns.Topic(this, 'Topic', {
            displayName: `MCP ${props.stage} alarms`,
            enforceSSL: true,
        });
        const notify = new actions.SnsAction(this.topic);

        const present = rows.filter((row): row is AlarmRow => row !== false);
        this.alarms = present.map((row) => {
            const alarm = new cloudwatch.Alarm(this, row.id, {
                alarmName: `mcp-${props.stage}-${row.name}`,
                alarmDescription: row.description,
                metric: row.metric,
                threshold: row.threshold,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                evaluationPeriods: settings.evaluationPeriods,
                datapointsToAlarm: settings.datapointsToAlarm,
                // No traffic is not a failure.
                treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            });
            alarm.addAlarmAction(notify);
            alarm.addOkAction(notify);
            return alarm;
        });
        this.rollbackAlarms = this.alarms.filter((_, i) => present[i].rollback);

        const region = Stack.of(this).region;
        this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
            defaultInterval: Duration.hours(3),
            widgets: [
                [
                    new cloudwatch.AlarmStatusWidget({
                        title: `mcp-${props.stage} alarms`,
                        alarms: this.alarms,
                        width: 24,
                    }),
                ],
                [
                    ...(apiName === undefined
                        ? []
                        : [
                              new cloudwatch.GraphWidget({
                                  title: 'API requests and errors',
                                  left: [
                                      api(apiName, 'Count', sum),
                                      api(apiName, '4XXError', sum),
                                      api(apiName, '5XXError', sum),
                                  ],
                                  width: 8,
                                  region,
                              }),
                              new cloudwatch.GraphWidget({
                                  title: 'API latency (p50, p99)',
                                  left: [
                                      api(apiName, 'Latency', {
                                          period: settings.period,
                                          statistic: cloudwatch.Stats.p(50),
                                      }),
                                      api(apiName, 'Latency', p99),
                                      api(apiName, 'IntegrationLatency', p99),
                                  ],
                                  width: 8,
                                  region,
                              }),
                          ]),
                    new cloudwatch.GraphWidget({
                        title: 'Functions: errors, throttles, duration p99',
                        left: [
                            fn(server, 'Errors', sum),
                            fn(server, 'Throttles', sum),
                            ...(authorizer === undefined ? [] : [fn(authorizer, 'Throttles', sum)]),
                        ],
                        right: [
                            fn(server, 'Duration', p99),
                            ...(authorizer === undefined ? [] : [fn(authorizer, 'Duration', p99)]),
                        ],
                        width: 8,
                        region,
                    }),
                ],
            ],
        });
    }
}
