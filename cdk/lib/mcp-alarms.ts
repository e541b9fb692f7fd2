// CloudWatch alarms of one stage: API 5XX, and errors and throttles of both functions. They have no actions yet;
// subscribe an SNS topic or a chat integration to them where the team gets paged.
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AlarmSettings, StageName } from './config';

export interface McpAlarmsProps {
    readonly stage: StageName;
    readonly settings: AlarmSettings;
    readonly apiStage: apigw.Stage;
    readonly server: lambda.IFunction;
    readonly authorizer: lambda.IFunction;
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
        const rows: AlarmRow[] = [
            {
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
            {
                id: 'AuthorizerErrors',
                name: 'authorizer-errors',
                description: 'Many authorizer errors: each rejected token counts as one, so a flood of bad tokens',
                metric: (o) => authorizer.metricErrors(o),
                threshold: settings.authorizerErrorsThreshold,
            },
            {
                id: 'AuthorizerThrottles',
                name: 'authorizer-throttles',
                description: 'The authorizer function was throttled',
                metric: (o) => authorizer.metricThrottles(o),
                threshold: settings.throttlesThreshold,
            },
        ];

        this.alarms = rows.map(
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
