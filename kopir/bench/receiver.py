"""The outbox benchmark's webhook receiver, run in a process of its own (docs/performance.md).

A threaded HTTP/1.1 server on 127.0.0.1 (keep-alive, as a real receiver) that verifies every
request's signature with the Standard Webhooks library and counts what it got by `webhook-id`:
each id once, duplicates and bad signatures apart. It runs in its own process so the delivery
code being measured does not share an interpreter lock with it, and it imports nothing of
Django's, so a spawned process starts it without setting Django up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Tally:
    ids: set[str] = field(default_factory=set)
    requests: int = 0
    duplicates: int = 0
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "ids": sorted(self.ids),
                "duplicates": self.duplicates,
                "bad_signatures": self.bad_signatures,
            }


def _handler(webhook: Webhook, tally: Tally) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {key.lower(): value for key, value in self.headers.items()}
            try:
                webhook.verify(body, headers)
            except WebhookVerificationError:
                with tally.lock:
                    tally.requests += 1
                    tally.bad_signatures += 1
                self._answer(401)
                return
            with tally.lock:
                tally.requests += 1
                if headers["webhook-id"] in tally.ids:
                    tally.duplicates += 1
                else:
                    tally.ids.add(headers["webhook-id"])
            self._answer(204)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def serve(secret: str, channel: Connection) -> None:
    """Serve until told to stop on `channel`: send the port first, then, on "stop", the tally."""
    tally = Tally()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Webhook(secret), tally))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    channel.send(server.server_address[1])
    channel.recv()
    server.shutdown()
    channel.send(tally.report())
