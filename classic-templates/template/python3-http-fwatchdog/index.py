# The function's own HTTP server on the standard library's http.server. fwatchdog (mode=http)
# starts it once and forwards every request to upstream_url; the server listens on that URL's
# host and port, so the two cannot disagree, and on 127.0.0.1 it is reachable only through the
# watchdog.
import http.server
import json
import os
import signal
import socket
import socketserver
import sys
import traceback
import urllib.parse

from function import handler


class Event:
    """What handle() sees of the request (the shape of OpenFaaS's python3-http template)."""

    def __init__(self, request, body):
        url = urllib.parse.urlsplit(request.path)
        self.body = body
        self.headers = request.headers
        self.method = request.command
        self.path = url.path
        self.query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))


class Context:
    def __init__(self):
        self.hostname = os.getenv("HOSTNAME", "localhost")


def encode(body):
    """The response body as bytes and the Content-Type it implies."""
    if body is None:
        return b"", None
    if isinstance(body, (bytes, bytearray)):
        return bytes(body), "application/octet-stream"
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode(), "application/json"
    return str(body).encode(), "text/plain; charset=utf-8"


def response_of(result):
    """handle()'s result as (status, headers, body): a dict with statusCode, body and headers, or the body itself."""
    if isinstance(result, dict):
        return int(result.get("statusCode", 200)), dict(result.get("headers") or {}), result.get("body")
    return 200, {}, result


class FunctionRequestHandler(http.server.BaseHTTPRequestHandler):
    # Keep-alive: the watchdog pools its connections to this server.
    protocol_version = "HTTP/1.1"

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def read_chunked_body(self):
        # The watchdog streams bodies of unknown length chunked (RFC 9112 section 7.1), which
        # http.server does not decode.
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields: none are used
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()  # the CRLF that ends each chunk

    def handle_function(self):
        try:
            body = self.read_body()
        except ValueError as error:
            self.send(400, {}, f"The request's Content-Length or chunked body is not valid ({error}).\n")
            return
        try:
            status, headers, body = response_of(handler.handle(Event(self, body), Context()))
        except Exception:
            traceback.print_exc()
            self.send(500, {}, f"The function raised {sys.exc_info()[0].__name__}; its traceback is in the log.\n")
            return
        self.send(status, headers, body)

    def send(self, status, headers, body):
        payload, content_type = encode(body)
        self.send_response(status)
        names = {name.lower() for name in headers}
        for name, value in headers.items():
            self.send_header(name, str(value))
        if content_type and "content-type" not in names:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = handle_function

    def log_request(self, code="-", size="-"):
        pass  # the watchdog logs every request; errors still go to stderr through log_error


class FunctionServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        # HTTPServer.server_bind would look the host's name up (getfqdn), which stalls without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def stop(*_):
    print("python3-http-fwatchdog: SIGTERM, closing", flush=True)
    sys.exit(0)  # raised in serve_forever's thread, the main one: the server is closed below


def main():
    url = os.getenv("upstream_url", "http://127.0.0.1:5000")
    upstream = urllib.parse.urlsplit(url)
    try:
        host, port = upstream.hostname, upstream.port or 80
    except ValueError:
        host = None  # a port that is not a number
    if upstream.scheme != "http" or not host:
        sys.exit(f'upstream_url "{url}" is not an http:// URL; set it like http://127.0.0.1:5000.')
    if ":" in host:
        FunctionServer.address_family = socket.AF_INET6
    try:
        server = FunctionServer((host, port), FunctionRequestHandler)
    except OSError as error:
        sys.exit(f"Cannot listen on {upstream.netloc} (from upstream_url): {error.strerror}. Free that port or change upstream_url.")
    # The watchdog sends SIGTERM once its own requests have drained.
    signal.signal(signal.SIGTERM, stop)
    print(f"python3-http-fwatchdog listening on {upstream.netloc}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
