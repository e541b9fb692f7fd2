// Registered resources written for Node.js: a plain Lambda handler, no MCP library.
//
// The server invokes it for resources/read of a registered resource: the event is {"uri": "<as the client read it>",
// "params": {<the URI template's variables>}}, and the registration's name arrives in
// context.clientContext.custom.mcpName (mcpKind is "resource"). This function serves two registrations: a fixed URI
// and a URI template.
const ORDERS = {
    1001: { id: '1001', status: 'shipped', items: 3 },
    1002: { id: '1002', status: 'packing', items: 1 },
};

const resources = {
    // docs://handbook/onboarding: a string is the resource's text, with the record's mimeType
    handbook: () => '# Onboarding\n\nWelcome aboard. Read the runbook before your first on-call shift.\n',
    // orders://{id}: a ReadResourceResult is passed on as it is; null says there is no such order (Resource not found)
    order: ({ uri, params }) => {
        const order = Object.hasOwn(ORDERS, params.id) ? ORDERS[params.id] : undefined;
        if (order === undefined) return null;
        return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(order) }] };
    },
};

export const handler = async (event, context) => {
    const name = context.clientContext.custom.mcpName;
    if (!Object.hasOwn(resources, name)) throw new Error(`this function does not serve the resource ${name}`);
    return resources[name](event);
};
