"""Serve Kopir: the web server and the background worker in one process tree (in the demo, also
the processes the apps registered with `registry.add_demo_process`).

Used by `make demo`. The worker is a child process; stopping the server (Ctrl+C) stops it too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from kopir.core.registry import registry


def waitress_options() -> dict[str, Any]:
    """Waitress's settings for the proxies in front of Kopir.

    Waitress removes X-Forwarded-* headers from peers it does not trust, so without these every
    client would look like the proxy (one address for lockouts and rate limits) and a TLS proxy's
    X-Forwarded-Proto would never arrive (an endless redirect to https). With
    KOPIR_TRUSTED_PROXIES = N it trusts the nearest proxy (KOPIR_PROXY_ADDRESS) for N hops of
    X-Forwarded-For and for X-Forwarded-Proto, and still strips them from anyone else.
    """
    options: dict[str, Any] = {"ident": "Kopir"}
    if settings.KOPIR_TRUSTED_PROXIES > 0:
        options.update(
            trusted_proxy=settings.KOPIR_PROXY_ADDRESS,
            trusted_proxy_count=settings.KOPIR_TRUSTED_PROXIES,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
            clear_untrusted_proxy_headers=True,
        )
    return options


class Command(BaseCommand):
    help = "Serve Kopir over HTTP with the background worker running beside it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        from kopir.wsgi import application

        children = [subprocess.Popen([sys.executable, "manage.py", "kopir_worker"])]
        if settings.KOPIR_DEMO:
            # What the apps run beside Kopir in the demo (the exchange's webhook receiver).
            children += [
                subprocess.Popen([sys.executable, "manage.py", *process.command])
                for process in registry.demo_processes
            ]

        def stop_worker(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()
                    try:
                        child.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        child.kill()

        def stop_all(*_: Any) -> None:
            stop_worker()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop_all)
        self._print_banner(host, port)
        try:
            serve(application, host=host, port=port, threads=threads, **waitress_options())
        finally:
            stop_worker()

    def _print_banner(self, host: str, port: int) -> None:
        shown_host = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host  # noqa: S104
        self.stdout.write(
            self.style.SUCCESS(f"\nKopir is running at http://{shown_host}:{port}/\n")
        )
        if settings.KOPIR_DEMO:
            # What each app's demo offers a visitor (the accounts app: who to sign in as).
            for loader in registry.demo_loaders():
                if loader.describe:
                    for line in import_string(loader.describe)():
                        self.stdout.write(line)
            if not settings.KOPIR_REQUIRE_2FA:
                self.stdout.write("Two-factor login is switched off in the demo.")
        self.stdout.write("Press Ctrl+C to stop.\n")
