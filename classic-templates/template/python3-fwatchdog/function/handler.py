def handle(req):
    """The request body in, the response body out."""
    return "Hello from Python, you said: " + req
