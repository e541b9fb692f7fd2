// The custom resource that writes one declared registration (cdk/lib/tool-registry.ts) into the stage's registry
// table at deploy time, as the admin API (admin/registry_admin.c) writes one: the item {id "<kind>#<name>", kind,
// name, version N, record S}, kind being the Kind property ("tool" when absent, as tools' registrations have it;
// "resource" or "prompt", whose records carry the same "kind" first), the record being the declared fields followed
// by the audit fields version, createdAt,
// createdBy, updatedAt, updatedBy. The deploy is the caller: createdBy and updatedBy are the stack's ARN, which marks
// the record as declared. Every write is conditioned on the version read, like the admin API's, so a concurrent
// change through the admin API makes the write retry from a fresh read rather than be lost.
//
//   Create, Update: writes the record (a new version; the first keeps createdAt and createdBy). A record of that name
//                   registered through the admin API (another createdBy) is not taken over: the deploy fails saying so.
//   Delete:         deletes the record if this stack declared it (a name nobody declares any more, a rename, the
//                   stack's deletion); a record of another owner, or none, is left alone.
//
// Plain Node.js (the runtime's AWS SDK, no bundling), with its dependencies in `deps` so tests can replace them.
'use strict';
const https = require('node:https');

const ATTEMPTS = 5;

const deps = {
    now: () => Math.floor(Date.now() / 1000),
    send: async (command, input) => {
        const dynamodb = require('@aws-sdk/client-dynamodb');
        deps.client ??= new dynamodb.DynamoDBClient({});
        return deps.client.send(new dynamodb[`${command}Command`](input));
    },
    respond: (url, body) =>
        new Promise((resolve, reject) => {
            const request = https.request(
                url,
                { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
                (response) => {
                    response.resume();
                    response.on('end', resolve);
                },
            );
            request.on('error', reject);
            request.end(body);
        }),
};

/** The stack part of a stack ARN (arn:...:stack/<name>/<id>): a record declared by an earlier stack of that name is ours too. */
const stackOf = (arn) => (typeof arn === 'string' ? arn.split('/').slice(0, 2).join('/') : '');

async function read(table, id) {
    const reply = await deps.send('GetItem', { TableName: table, Key: { id: { S: id } }, ConsistentRead: true });
    if (!reply.Item) return undefined;
    let record = {};
    try {
        record = JSON.parse(reply.Item.record?.S ?? '{}');
    } catch {
        // a record that is not JSON is still replaced or removed by version
    }
    return { version: Number(reply.Item.version?.N ?? 0), record };
}

const KINDS = ['tool', 'resource', 'prompt'];

/** The registration's kind: the Kind property, "tool" without one. */
function kindOf(props) {
    const kind = props.Kind ?? 'tool';
    if (!KINDS.includes(kind)) throw new Error(`unknown kind ${kind} (one of ${KINDS.join(', ')})`);
    return kind;
}

async function write(event, props) {
    const kind = kindOf(props);
    const id = `${kind}#${props.Name}`;
    const declared = JSON.parse(props.Record);
    if (declared.name !== props.Name) throw new Error(`the record's name is not ${props.Name}`);
    if ((declared.kind ?? 'tool') !== kind) throw new Error(`the record's kind is not ${kind}`);
    for (let attempt = 1; ; attempt++) {
        const old = await read(props.TableName, id);
        if (old && stackOf(old.record.createdBy) !== stackOf(event.StackId)) {
            throw new Error(
                `the ${kind} ${props.Name} is registered through the admin API (by ${old.record.createdBy}): ` +
                    'delete it there, or declare another name',
            );
        }
        const now = deps.now();
        const version = old ? old.version + 1 : 1;
        const record = {
            ...declared,
            version,
            createdAt: old ? (old.record.createdAt ?? now) : now,
            createdBy: old ? old.record.createdBy : event.StackId,
            updatedAt: now,
            updatedBy: event.StackId,
        };
        const item = {
            id: { S: id },
            kind: { S: kind },
            name: { S: props.Name },
            version: { N: String(version) },
            record: { S: JSON.stringify(record) },
        };
        const condition = old
            ? {
                  ConditionExpression: 'attribute_exists(#id) AND #v = :v',
                  ExpressionAttributeValues: { ':v': { N: String(old.version) } },
              }
            : { ConditionExpression: 'attribute_not_exists(#id)' };
        const names = old ? { '#id': 'id', '#v': 'version' } : { '#id': 'id' };
        try {
            await deps.send('PutItem', {
                TableName: props.TableName,
                Item: item,
                ExpressionAttributeNames: names,
                ...condition,
            });
            return version;
        } catch (error) {
            if (error.name !== 'ConditionalCheckFailedException' || attempt === ATTEMPTS) throw error;
        }
    }
}

async function remove(event, props) {
    const id = `${kindOf(props)}#${props.Name}`;
    for (let attempt = 1; ; attempt++) {
        let old;
        try {
            old = await read(props.TableName, id);
        } catch (error) {
            if (error.name === 'ResourceNotFoundException') return; // the table is gone already: so is the record
            throw error;
        }
        if (!old || stackOf(old.record.createdBy) !== stackOf(event.StackId)) return;
        try {
            await deps.send('DeleteItem', {
                TableName: props.TableName,
                Key: { id: { S: id } },
                ConditionExpression: 'attribute_exists(#id) AND #v = :v',
                ExpressionAttributeNames: { '#id': 'id', '#v': 'version' },
                ExpressionAttributeValues: { ':v': { N: String(old.version) } },
            });
            return;
        } catch (error) {
            if (error.name !== 'ConditionalCheckFailedException' || attempt === ATTEMPTS) throw error;
        }
    }
}

exports.deps = deps;

exports.handler = async (event) => {
    const props = event.ResourceProperties;
    // one physical id per table and name: a rename (or another table) is a replacement, whose old record CloudFormation
    // deletes once the new one is written
    const physicalId = `${props.TableName}/${props.Kind ?? 'tool'}#${props.Name}`;
    const response = {
        Status: 'SUCCESS',
        PhysicalResourceId: event.RequestType === 'Create' ? physicalId : event.PhysicalResourceId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
    };
    try {
        if (event.RequestType === 'Delete') {
            await remove(event, props);
        } else {
            response.PhysicalResourceId = physicalId;
            response.Data = { Version: String(await write(event, props)) };
        }
    } catch (error) {
        console.log(JSON.stringify({ event: 'registry_writer_failed', name: props.Name, error: String(error) }));
        response.Status = 'FAILED';
        response.Reason = `${error.name ?? 'Error'}: ${error.message}`.slice(0, 1000);
    }
    await deps.respond(event.ResponseURL, JSON.stringify(response));
    return response;
};
