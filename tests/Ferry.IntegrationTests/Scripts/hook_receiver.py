# A webhook receiver that checks Ferry's signature, as the README's "Event hooks" shows it.
# Usage: hook_receiver.py PORT POSTS  (the secret in FERRY_HOOK_SECRET); answers POSTS POST requests, then exits.
import hashlib, hmac, json, os, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["FERRY_HOOK_SECRET"].encode()
answered = 0

class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        global answered
        answered += 1
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-Ferry-Timestamp"]
        signed = timestamp.encode() + b"." + body
        expected = "sha256=" + hmac.new(SECRET, signed, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(timestamp)) < 300   # refuse replays of old requests
        if not (fresh and hmac.compare_digest(expected, self.headers.get("X-Ferry-Signature", ""))):
            print("rejected", flush=True)
            self.send_response(401)
            self.end_headers()
            return
        event = json.loads(body)
        print("verified", event["event"], event["user"], event["path"], event["size"], event["sha256"], flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook)
while answered < int(sys.argv[2]):
    server.handle_request()
