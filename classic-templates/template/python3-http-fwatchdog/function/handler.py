def handle(event, context):
    """Your function. event has body (bytes), headers, method, path and query; return the
    response body (str, bytes, or a dict/list sent as JSON), or a dict with statusCode, body
    and headers."""
    if not event.body:
        return {"statusCode": 400, "body": "Send some text in the request body.\n"}
    return {
        "statusCode": 200,
        "body": "Hello from Python, you said: " + event.body.decode(),
        "headers": {"Content-Type": "text/plain; charset=utf-8"},
    }
