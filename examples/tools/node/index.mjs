// A registered tool written for Node.js: a plain Lambda handler, no MCP library.
//
// It follows Amazon Bedrock AgentCore Gateway's contract for Lambda targets, so the same function works behind a
// gateway and behind this server: the event is the tool's arguments, and the tool's name arrives in
// context.clientContext.custom.bedrockAgentCoreToolName as "<target>___<tool>". This function serves two tools.
const tools = {
    // a CallToolResult: passed on to the client as it is
    greet: ({ name }) => ({ content: [{ type: 'text', text: `Hello, ${name}!` }] }),
    // plain JSON: the server makes it the result's text (and structured content when the tool has an output schema)
    add: ({ a, b }) => ({ sum: a + b }),
};

export const handler = async (event, context) => {
    const fullName = context.clientContext.custom.bedrockAgentCoreToolName;
    const tool = fullName.slice(fullName.indexOf('___') + 3);
    if (!Object.hasOwn(tools, tool)) throw new Error(`this function does not serve the tool ${tool}`);
    return tools[tool](event);
};
