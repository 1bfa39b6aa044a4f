"""A real HTTP receiver on localhost for the delivery tests: it verifies every request's
signature with the standardwebhooks library, and can be told to fail (answer 500, hang past the
client's timeout) before it recovers. It keeps what it processed by webhook-id, as a receiver
that honours the idempotency key would."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Receiver:
    secret: str
    mode: str = "ok"  # "ok" | "500" | "hang"
    hang_seconds: float = 2.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    processed: dict[str, Any] = field(default_factory=dict)  # by webhook-id
    duplicates: int = 0
    bad_signatures: int = 0
    clients: set[tuple[str, int]] = field(default_factory=set)  # one per connection
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {key.lower(): value for key, value in self.headers.items()}
            with receiver.lock:
                receiver.requests.append({"headers": headers, "body": body})
                receiver.clients.add(self.client_address)
                mode = receiver.mode
            if mode == "500":
                self._answer(500)
                return
            if mode == "hang":
                time.sleep(receiver.hang_seconds)
            try:
                data = Webhook(receiver.secret).verify(body, headers)
            except WebhookVerificationError:
                with receiver.lock:
                    receiver.bad_signatures += 1
                self._answer(401)
                return
            with receiver.lock:
                webhook_id = headers["webhook-id"]
                if webhook_id in receiver.processed:
                    receiver.duplicates += 1
                else:
                    receiver.processed[webhook_id] = data
            self._answer(204)

        def _answer(self, status: int) -> None:
            try:
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()
            except OSError:
                pass  # the client gave up (timeout)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    # The worker opens KOPIR_WEBHOOK_CONCURRENCY connections at once; socketserver's backlog of 5
    # let a loaded machine drop the extra connects, which then missed the tests' 1 s timeout.
    request_queue_size = 128


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    from kopir.exchange.delivery import http_connections

    # Connections kept alive from elsewhere (a demo receiver, another app's test) to a port
    # this receiver may now be given would fail its first requests: start from none.
    http_connections().clear()
    server = _Server(("127.0.0.1", receiver.port), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        # The worker keeps connections alive; a later receiver given the same port must not get
        # requests on this one's connections (their handler threads outlive the server).
        http_connections().clear()


def bodies(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(request["body"]) for request in receiver.requests]
