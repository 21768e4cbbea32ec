#!/usr/bin/env python3
"""An HTTP JSON data source for the report tests: answers every GET with the given file's bytes
and appends each request's path and Authorization header, as a JSON line, to the log file.
Prints "READY <port>" when listening on 127.0.0.1; exits when its standard input closes.

    json_source.py BODY_FILE LOG_FILE [--status CODE]
"""
import http.server
import json
import sys
import threading

body_file, log_file = sys.argv[1], sys.argv[2]
status = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--status" else 200


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log_file, "a") as log:
            log.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization")}) + "\n")
        data = open(body_file, "rb").read()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(f"READY {server.server_address[1]}", flush=True)
sys.stdin.read()
server.shutdown()
