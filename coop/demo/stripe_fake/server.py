"""Run the fake Stripe WSGI app on a threaded local HTTP server (in a thread for tests, or as a process)."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from coop.demo.stripe_fake.app import FakeStripe


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        finally:
            # Each request runs in its own thread; a webhook delivery may have read the coop's
            # secret through the ORM there. Close that thread's connections, or each one stays open.
            from django.db import connections

            connections.close_all()


def fake_server_start(app: FakeStripe, *, host: str = "127.0.0.1", port: int = 0) -> tuple[WSGIServer, str]:
    """Serve `app` in a daemon thread; port 0 picks a free port. Returns (server, base URL)."""
    server = make_server(host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    base = f"http://{host}:{server.server_port}"
    app.public_base = base
    threading.Thread(target=server.serve_forever, name="fake-stripe", daemon=True).start()
    return server, base
