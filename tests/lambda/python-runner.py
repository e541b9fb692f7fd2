#!/usr/bin/env python3
"""python-runner.py: runs one invocation of a Python Lambda handler, as Lambda's Python runtime would (stdlib only).

    python3 python-runner.py FILE HANDLER < {"event": ..., "context": {...}}

stdin holds the event and the context's fields (functionName, awsRequestId, clientContext, deadlineMs, ...).
stdout gets one JSON line: {"result": <what the handler returned>} or {"error": {"errorType", "errorMessage",
"stackTrace"}} (Lambda's Python runtime's error shape). The handler gets `context.client_context.custom` (a dict)
as the Lambda runtime gives it, so AgentCore Gateway handlers run unchanged.
"""
import importlib.util
import json
import sys
import time
import traceback


class ClientContext:
    def __init__(self, raw):
        raw = raw or {}
        self.custom = raw.get("custom")
        self.env = raw.get("env")
        self.client = raw.get("client")


class Context:
    def __init__(self, c):
        self.function_name = c.get("functionName", "")
        self.function_version = c.get("functionVersion", "$LATEST")
        self.invoked_function_arn = c.get("invokedFunctionArn", "")
        self.memory_limit_in_mb = str(c.get("memoryLimitInMB", 128))
        self.aws_request_id = c.get("awsRequestId", "")
        self.log_group_name = "/aws/lambda/" + self.function_name
        self.log_stream_name = "local"
        self.identity = None
        self.client_context = ClientContext(c.get("clientContext")) if c.get("clientContext") is not None else None
        self._deadline_ms = c.get("deadlineMs", int(time.time() * 1000) + 3000)

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def main():
    path, handler_name = sys.argv[1], sys.argv[2]
    request = json.load(sys.stdin)
    try:
        spec = importlib.util.spec_from_file_location("lambda_handler_module", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        handler = getattr(module, handler_name)
        result = handler(request.get("event"), Context(request.get("context", {})))
        out = {"result": result}
    except Exception as e:  # what the runtime reports for an unhandled exception
        out = {
            "error": {
                "errorType": type(e).__name__,
                "errorMessage": str(e),
                "stackTrace": traceback.format_tb(e.__traceback__),
            }
        }
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
