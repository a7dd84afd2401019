#!/usr/bin/env python3
"""Time to the first flushed chunk of a streamed answer, for the mode=http benchmark.

  first_chunk.py serve PORT        an upstream: headers and "first\\n" at once, the rest only after
                                   the client has gone (or 10 s), like a server-sent-event stream
  first_chunk.py measure PORT N    GET / N times over fresh connections; prints
                                   "median_ms=… min_ms=… max_ms=…" of request-sent to first body byte

Standard library only; loopback only.
"""
import socket
import statistics
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Stream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"6\r\nfirst\n\r\n")
        self.wfile.flush()
        self.connection.settimeout(10)
        try:
            self.connection.recv(1)  # returns when the client closes
        except OSError:
            pass
        self.close_connection = True


def measure(port, runs):
    samples = []
    for _ in range(runs):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            started = time.perf_counter()
            conn.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
            received = b""
            while b"first" not in received:
                piece = conn.recv(4096)
                if not piece:
                    raise SystemExit("connection closed before the first chunk")
                received += piece
            samples.append((time.perf_counter() - started) * 1000)
    print(f"median_ms={statistics.median(samples):.3f} min_ms={min(samples):.3f} max_ms={max(samples):.3f}")


def main():
    if sys.argv[1] == "serve":
        server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Stream)
        server.daemon_threads = True
        server.serve_forever()
    else:
        measure(int(sys.argv[2]), int(sys.argv[3]))


main()
