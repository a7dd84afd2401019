#!/usr/bin/env python3
"""A small HTTP/1.1 server the mode=http black-box tests run as the watchdog's fprocess.

Environment: UPSTREAM_PORT (required); UPSTREAM_LISTEN_WHEN=<file> waits for that file before
listening; UPSTREAM_SIGTERM_FILE=<file> is written when SIGTERM arrives (then exit 0);
UPSTREAM_IGNORE_SIGTERM=1 ignores SIGTERM. Paths:
  /echo...            JSON: method, target, headers, body (text), body_length, chunked
  /status/<n>         answers status n with X-Upstream: yes
  /stream?chunks=n    n chunks "chunk i\n"; with &gate=<file>, waits for the file after the first
  /download?bytes=n   n bytes of 'x' (Content-Length), written in 64 KiB pieces
  /count              reads the body in pieces, answers its length (bounded-memory uploads)
  /hang?mark=<file>   never answers; writes <file> when the client (the watchdog) goes away;
                      with &started=<file>, writes that file first, once the request has arrived
  /reset              closes the connection without answering (RST)
  /exit?code=n        answers "bye", then exits with status n
  /ready?file=<f>     200 when <f> exists, else 503
  /ws?mark=<file>     a WebSocket echo (RFC 6455: text and binary messages echoed, close answered);
                      with &close=1 the server closes the connection after the first message; writes
                      <file> ("closed" or "gone") when the session ends; without an Upgrade: 400
"""
import base64, hashlib, json, os, select, signal, socket, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs


def write_mark(path, text):
    """Writes a file the tests poll for in one step (rename), so they never read it empty."""
    partial = path + ".partial"
    with open(partial, "w") as f:
        f.write(text)
    os.rename(partial, path)


def wait_for(path):
    while not os.path.exists(path):
        time.sleep(0.005)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def query(self, name, default=None):
        return parse_qs(urlsplit(self.path).query).get(name, [default])[0]

    def read_body(self, sink):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return
                remaining = size
                while remaining:
                    piece = self.rfile.read(min(remaining, 65536))
                    sink(piece)
                    remaining -= len(piece)
                self.rfile.readline()
        remaining = int(self.headers.get("Content-Length") or 0)
        while remaining:
            piece = self.rfile.read(min(remaining, 65536))
            if not piece:
                return
            sink(piece)
            remaining -= len(piece)

    def answer(self, status, body, content_type="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def read_exact(self, n):
        data = b""
        while len(data) < n:
            piece = self.rfile.read(n - len(data))
            if not piece:
                raise EOFError
            data += piece
        return data

    def send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([len(payload)])
        elif len(payload) < 65536:
            header += bytes([126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([127]) + struct.pack(">Q", len(payload))
        self.wfile.write(header + payload)
        self.wfile.flush()

    def websocket(self):
        mark = self.query("mark")
        key = self.headers.get("Sec-WebSocket-Key")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            return self.answer(400, b"not a websocket handshake\n")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.send_header("X-Upstream", "yes")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        ending = "gone"
        message, message_opcode = b"", 0
        try:
            while True:
                first, second = self.read_exact(2)
                opcode, masked, length = first & 0x0F, second & 0x80, second & 0x7F
                if length == 126:
                    length = struct.unpack(">H", self.read_exact(2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", self.read_exact(8))[0]
                mask = self.read_exact(4) if masked else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.read_exact(length)))
                if opcode == 8:
                    self.send_frame(8, payload[:2])
                    ending = "closed"
                    return
                if opcode == 9:
                    self.send_frame(10, payload)
                    continue
                if opcode in (1, 2):
                    message, message_opcode = payload, opcode
                elif opcode == 0:
                    message += payload
                if first & 0x80:
                    self.send_frame(message_opcode, message)
                    if self.query("close") == "1":
                        ending = "closed"
                        return
        except (EOFError, ConnectionError, OSError):
            ending = "gone"
        finally:
            if mark:
                write_mark(mark, ending)

    def handle_any(self):
        path = urlsplit(self.path).path
        if path == "/ws":
            return self.websocket()
        if path.startswith("/status/"):
            self.read_body(lambda _: None)
            return self.answer(int(path[len("/status/"):]), b"status\n", extra=[("X-Upstream", "yes")])
        if path == "/stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            gate = self.query("gate")
            for i in range(int(self.query("chunks", "3"))):
                self.chunk(b"chunk %d\n" % i)
                if gate and i == 0:
                    wait_for(gate)
            return self.chunk(b"")
        if path == "/download":
            total = int(self.query("bytes"))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            piece = b"x" * 65536
            while total:
                n = min(total, len(piece))
                self.wfile.write(piece[:n])
                total -= n
            return
        if path == "/count":
            count = [0]
            self.read_body(lambda piece: count.__setitem__(0, count[0] + len(piece)))
            return self.answer(200, b"%d" % count[0])
        if path == "/hang":
            mark = self.query("mark")
            started = self.query("started")
            if started:
                open(started, "w").close()
            while True:
                readable, _, _ = select.select([self.connection], [], [], 0.05)
                if readable and not self.connection.recv(1, socket.MSG_PEEK):
                    write_mark(mark, "aborted")
                    self.close_connection = True
                    return
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if path == "/exit":
            self.answer(200, b"bye\n")
            self.wfile.flush()
            sys.stdout.flush()
            os._exit(int(self.query("code", "0")))
        if path == "/utf8-header":
            # http.server writes header text as Latin-1: these characters are the UTF-8 bytes of "café".
            return self.answer(200, b"file\n", extra=[("Content-Disposition", 'attachment; filename="caf\xc3\xa9.txt"')])
        if path == "/control-header":
            return self.answer(200, b"body\n", extra=[("X-Bad", "a\x01b")])
        if path == "/framing-conflict":
            # Both framings at once (RFC 9112 6.3: chunked wins); the length is a lie.
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"b\r\nhello world\r\n0\r\n\r\n")
            self.close_connection = True
            return
        if path.startswith("/bodiless/"):
            # 204 and 304 have no body whatever their headers say.
            status = int(path[len("/bodiless/"):])
            self.wfile.write(b"HTTP/1.1 %d Whatever\r\nContent-Length: 5\r\n\r\n" % status)
            self.close_connection = True
            return
        if path == "/early-answer":
            # Answers before reading the body, as many servers do for a request they refuse, then
            # reads it away (so closing sends no reset) and closes.
            self.answer(200, b"early\n", extra=[("Connection", "close")])
            self.wfile.flush()
            self.read_body(lambda _: None)
            self.close_connection = True
            return
        if path == "/env":
            return self.answer(200, "".join("%s=%s\n" % item for item in sorted(os.environ.items())).encode())
        if path == "/ready":
            return self.answer(200 if os.path.exists(self.query("file")) else 503, b"ready?\n")
        body = bytearray()
        self.read_body(body.extend)
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        echo = {
            "method": self.command, "target": self.path, "headers": headers,
            "body": body.decode("utf-8", "replace"), "body_length": len(body),
            "chunked": self.headers.get("Transfer-Encoding", "").lower() == "chunked",
        }
        self.answer(200, json.dumps(echo).encode(), "application/json", [("X-Upstream", "yes")])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


def on_sigterm(signum, frame):
    marker = os.environ.get("UPSTREAM_SIGTERM_FILE")
    if marker:
        write_mark(marker, "SIGTERM")
    print("upstream: SIGTERM", flush=True)
    os._exit(0)


def main():
    if os.environ.get("UPSTREAM_IGNORE_SIGTERM") == "1":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGTERM, on_sigterm)
    gate = os.environ.get("UPSTREAM_LISTEN_WHEN")
    if gate:
        print("upstream: waiting for " + gate, flush=True)
        wait_for(gate)
    port = int(os.environ["UPSTREAM_PORT"])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("upstream: listening on %d" % port, flush=True)
    print("upstream: a line on stderr", file=sys.stderr, flush=True)
    server.serve_forever()


main()
