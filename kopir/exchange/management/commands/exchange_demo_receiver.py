"""Run the demo's local webhook receiver (see kopir/exchange/receiver.py)."""

from __future__ import annotations

import errno
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kopir.exchange.receiver import serve_forever


class Command(BaseCommand):
    help = "Receive Kopir's webhooks on localhost and keep them for the demo's page (demo only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=settings.KOPIR_DEMO_RECEIVER_PORT)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        if not settings.KOPIR_DEMO:
            raise CommandError("The demo receiver runs only in the demo (KOPIR_DEMO=on).")
        try:
            serve_forever("127.0.0.1", port)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            # One line, not a traceback: another program (another demo's receiver?) holds it.
            raise CommandError(
                f"The demo webhook receiver cannot listen on port {port}: it is taken. "
                "Set KOPIR_DEMO_RECEIVER_PORT (or PORT) to a free one."
            ) from None
