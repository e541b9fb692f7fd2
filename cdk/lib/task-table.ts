// The tasks of the MCP tasks extension (docs/protocol.md, "Tasks"), shared by every instance of the server: one item
// per task (id "task:<taskId>"), so that any instance answers tasks/get, tasks/update and tasks/cancel for a task
// another one runs; without it each instance would keep its own tasks and a poll landing elsewhere would not find
// them. The server's DynamoDB task store (server/lambda/dynamodb_task_store.c) creates a task with a PutItem that
// refuses an existing id, reads it with a strongly consistent GetItem and replaces it with a PutItem conditioned on
// the version it read; expiresAt (seconds) is the TTL attribute, and the server checks expiry on every read anyway.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The key and TTL attribute the server's task store uses (server/lambda/dynamodb_task_store.c). */
export const TASK_TABLE_KEY = 'id';
export const TASK_TABLE_TTL_ATTRIBUTE = 'expiresAt';

export interface TaskTableProps {
    readonly tableName: string;
    readonly removalPolicy: RemovalPolicy;
}

export class TaskTable extends Construct {
    readonly table: dynamodb.Table;

    constructor(scope: Construct, id: string, props: TaskTableProps) {
        super(scope, id);
        this.table = new dynamodb.Table(this, 'Table', {
            tableName: props.tableName,
            partitionKey: { name: TASK_TABLE_KEY, type: dynamodb.AttributeType.STRING },
            timeToLiveAttribute: TASK_TABLE_TTL_ATTRIBUTE,
            billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
            removalPolicy: props.removalPolicy,
        });
        Validations.of(this.table).acknowledge({
            id: 'AwsSolutions-DDB3',
            reason:
                'Point-in-time recovery would back up tasks that expire within the server task TTL (one hour by ' +
                'default, a day at most) and whose clients poll them within it; a restore days later could only ' +
                'bring back expired tasks, which the server treats as unknown.',
        });
    }

    /**
     * The only item operations the server's task store performs: GetItem (ConsistentRead) to read a task, PutItem
     * to create one (condition attribute_not_exists(id)) and to replace it (condition on the version read).
     */
    grantServerAccess(grantee: iam.IGrantable): void {
        this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem');
    }
}
