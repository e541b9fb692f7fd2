"""A registered tool written in Python: a plain Lambda handler, no MCP library.

It follows Amazon Bedrock AgentCore Gateway's contract for Lambda targets, so the same function works behind a
gateway and behind this server: the event is the tool's arguments, and the tool's name arrives in the client
context as "<target>___<tool>". One function may serve several tools; this one serves word_count.
"""


def word_count(arguments):
    text = arguments.get("text", "")
    # plain JSON: the server makes it the result's structured content (the tool declares an output schema)
    return {"words": len(text.split()), "characters": len(text)}


TOOLS = {"word_count": word_count}


def handler(event, context):
    full_name = context.client_context.custom["bedrockAgentCoreToolName"]
    tool = full_name.split("___", 1)[1]
    if tool not in TOOLS:
        raise ValueError(f"this function does not serve the tool {tool}")
    return TOOLS[tool](event)
