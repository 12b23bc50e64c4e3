"""An HTTP server whose answers carry terminal escape sequences, for end-to-end tests.

Even requests get 200 and a Hello line naming a "pod" whose name holds a screen clear, between
a title change, colours and a C1 CSI; odd requests get 500 with a body that changes the title
and holds markup. Shown raw, these would retitle and clear the user's terminal.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.77"
NAME = "evil\x1b[2J-pod"
"""Who the 200 answers say they are: the takytaky/hostname pattern reads the name up to `<`."""
BODY = f"\x1b]0;pwned\x07\x1b[2J\x1b[31m<p>Hello,  {NAME}</p>\n\u009b2J\x1b[0m\n"
ERROR_BODY = "\x1b]0;pwned\x07 upstream [/] [bold red]X[/] failed\x1b[2J"

ESCAPED_NAME = "evil\\x1b[2J-pod"
ESCAPED_LINE = f"<p>Hello,  {ESCAPED_NAME}</p>"
ESCAPED_ERROR = "\\x1b]0;pwned\\x07 upstream [/] [bold red]X[/] failed\\x1b[2J"

RAW = (b"\x1b", b"\x07", b"\xc2\x9b")
"""ESC, BEL and (in UTF-8) CSI: what must never reach the terminal from these bodies."""


@contextmanager
def hostile_server() -> Iterator[str]:
    """Serve on HOST (a port of its own) until the block ends; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        served = 0

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with lock:
                number = Handler.served
                Handler.served += 1
            status, body = (200, BODY) if number % 2 == 0 else (500, ERROR_BODY)
            payload = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # what the client prints is under test

    lock = threading.Lock()
    httpd = ThreadingHTTPServer((HOST, 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="hostile-http", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
