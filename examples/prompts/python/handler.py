"""Registered prompts written in Python: a plain Lambda handler, no MCP library.

The server invokes it for prompts/get of a registered prompt: the event is {"name": "<prompt>", "arguments": {...}}
(string values, the required ones checked by the server against the record's arguments), and the name also arrives
in the client context's custom.mcpName (mcpKind is "prompt"). This function serves two prompts.
"""


def code_review(arguments):
    # a GetPromptResult: its messages (and description) are passed on as they are
    language = arguments.get("language", "this")
    return {
        "description": f"A review of {language} code",
        "messages": [
            {
                "role": "user",
                "content": {
                    "type": "text",
                    "text": f"Review the following {language} code for bugs, risks and style:\n\n{arguments['code']}",
                },
            }
        ],
    }


def summarise(arguments):
    # a string: one user message with that text
    return f"Summarise the following text in at most {arguments.get('words', '50')} words:\n\n{arguments['text']}"


PROMPTS = {"code_review": code_review, "summarise": summarise}


def handler(event, context):
    name = context.client_context.custom["mcpName"]
    if name not in PROMPTS:
        raise ValueError(f"this function does not serve the prompt {name}")
    return PROMPTS[name](event.get("arguments", {}))
