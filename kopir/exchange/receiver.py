"""The demo's local webhook receiver: what an agency's system would do with Kopir's webhooks.

It verifies each request's signature with the Standard Webhooks library, against the secrets of
the subscription named in its path (/hooks/<subscription id>), treats a webhook-id it already
has as the same event (answers 204, records nothing), and keeps what it received for the
demo's page. Demo only: `manage.py serve` starts it when KOPIR_DEMO is on.
"""

from __future__ import annotations

import json
import logging
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import close_old_connections
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from kopir.exchange.delivery import signing_secrets
from kopir.exchange.models import DemoReceipt, Subscription

logger = logging.getLogger(__name__)
MAX_BODY = 1_000_000


def verified_with_any(secrets: list[str], body: bytes, headers: dict[str, str]) -> bool:
    for secret in secrets:
        try:
            Webhook(secret).verify(body, headers)
        except WebhookVerificationError:
            continue
        return True
    return False


class DemoReceiverHandler(BaseHTTPRequestHandler):
    server_version = "KopirDemoReceiver/1"

    def do_POST(self) -> None:
        close_old_connections()
        try:
            self._receive()
        finally:
            close_old_connections()

    def _receive(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY:
            self._answer(413)
            return
        body = self.rfile.read(length)
        headers = {key.lower(): value for key, value in self.headers.items()}
        webhook_id = headers.get("webhook-id", "")[:100]
        parts = self.path.strip("/").split("/")
        subscription = None
        if len(parts) == 2 and parts[0] == "hooks" and parts[1].isdigit():
            subscription = Subscription.objects.filter(pk=int(parts[1])).first()
        if subscription is None:
            self._answer(404)
            return
        verified = verified_with_any(signing_secrets(subscription, timezone.now()), body, headers)
        if verified and DemoReceipt.objects.filter(webhook_id=webhook_id, verified=True).exists():
            self._answer(204)  # the same event again: already have it
            return
        try:
            kind = str(json.loads(body).get("type", ""))[:60]
        except (ValueError, AttributeError):
            kind = ""
        DemoReceipt.objects.create(
            webhook_id=webhook_id,
            kind=kind,
            verified=verified,
            body=body.decode("utf-8", "replace")[:5000],
        )
        self._answer(204 if verified else 400)

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("demo receiver: " + format, *args)


def is_listening(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something answers on the receiver's port (the page says so when nothing does)."""
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def serve_forever(host: str, port: int) -> None:
    server = ThreadingHTTPServer((host, port), DemoReceiverHandler)
    logger.info("demo webhook receiver on http://%s:%s/hooks/<subscription>", host, port)
    server.serve_forever()
