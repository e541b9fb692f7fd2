// CloudWatch alarms of one stage: API 5XX, and errors and throttles of both functions (only the server's when the
// stage has no REST API). They have no actions yet;
// subscribe an SNS topic or a chat integration to them where the team gets paged.
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AlarmSettings, StageName } from './config';

export interface McpAlarmsProps {
    readonly stage: StageName;
    readonly settings: AlarmSettings;
    /** The REST API's stage and authorizer; absent when the stage has none. */
    readonly apiStage?: apigw.Stage;
    readonly server: lambda.IFunction;
    readonly authorizer?: lambda.IFunction;
}

/** One alarm: construct id, name after the stage prefix, description, metric (summed per period), threshold. */
interface AlarmRow {
    readonly id: string;
    readonly name: string;
    readonly description: string;
    readonly metric: (options: cloudwatch.MetricOptions) => cloudwatch.Metric;
    readonly threshold: number;
}

export class McpAlarms extends Construct {
    readonly alarms: cloudwatch.Alarm[];

    constructor(scope: Construct, id: string, props: McpAlarmsProps) {
        super(scope, id);
        const { settings, apiStage, server, authorizer } = props;
        const rows: (AlarmRow | false)[] = [
            apiStage !== undefined && {
                id: 'Api5xx',
                name: 'api-5xx',
                description: 'API Gateway answered 5XX (integration, authorizer or gateway failure)',
                metric: (o) => apiStage.metricServerError(o),
                threshold: settings.api5xxThreshold,
            },
            {
                id: 'ServerErrors',
                name: 'server-errors',
                description: 'The MCP server function failed invocations',
                metric: (o) => server.metricErrors(o),
                threshold: settings.serverErrorsThreshold,
            },
            {
                id: 'ServerThrottles',
                name: 'server-throttles',
                description: 'The MCP server function was throttled',
                metric: (o) => server.metricThrottles(o),
                threshold: settings.throttlesThreshold,
            },
            authorizer !== undefined && {
                id: 'AuthorizerErrors',
                name: 'authorizer-errors',
                description: 'Many authorizer errors: each rejected token counts as one, so a flood of bad tokens',
                metric: (o) => authorizer.metricErrors(o),
                threshold: settings.authorizerErrorsThreshold,
            },
            authorizer !== undefined && {
                id: 'AuthorizerThrottles',
                name: 'authorizer-throttles',
                description: 'The authorizer function was throttled',
                metric: (o) => authorizer.metricThrottles(o),
                threshold: settings.throttlesThreshold,
            },
        ];

        this.alarms = rows
            .filter((row): row is AlarmRow => row !== false)
            .map(
                (row) =>
                    new cloudwatch.Alarm(this, row.id, {
                        alarmName: `mcp-${props.stage}-${row.name}`,
                        alarmDescription: row.description,
                        metric: row.metric({ period: settings.period, statistic: cloudwatch.Stats.SUM }),
                        threshold: row.threshold,
                        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                        evaluationPeriods: settings.evaluationPeriods,
                        datapointsToAlarm: settings.datapointsToAlarm,
                        // No traffic is not a failure.
                        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
                    }),
            );
    }
}
