#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A tiny HTTP server on 127.0.0.1 for tests: appends every POST body (one
per line) to LOG, answers 204.  Writes the port it listens on to PORTFILE.
usage: http_sink.py PORTFILE LOG"""
import http.server
import sys


class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        with open(sys.argv[2], "ab") as f:
            f.write(body.rstrip(b"\n") + b"\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Sink)
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % srv.server_address[1])
srv.serve_forever()
