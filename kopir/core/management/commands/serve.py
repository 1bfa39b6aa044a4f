"""Serve Kopir: the web server and the background worker in one process tree (in the demo, also
the processes the apps registered with `registry.add_demo_process`).

Used by `make demo`. The worker is a child process; stopping the server (Ctrl+C) stops it too.

`--processes N` runs N web processes, one per port from `--port` on (8000, 8001, ...), for a
reverse proxy to spread requests over; each is waitress with `--threads` threads, and one worker
serves them all. Kopir balances nothing itself. The processes share the database, and the rate
limits only when KOPIR_CACHE_URL points them at one Redis (docs/decisions/0010). `--web-only`
serves without the worker, for a deployment that runs each web process and the worker as units of
their own. If one web process stops, the others are stopped too, so that the service manager
sees the failure and restarts the whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
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
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="web processes, one per port from --port on (a reverse proxy spreads requests)",
        )
        parser.add_argument(
            "--web-only",
            action="store_true",
            help="serve without the background worker (it runs as a service of its own)",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        threads: int,
        processes: int,
        web_only: bool,
        **options: Any,
    ) -> None:
        from waitress import serve

        from kopir.wsgi import application

        if processes < 1:
            raise CommandError("--processes must be 1 or more")
        ports = [port + number for number in range(processes)]
        children: list[subprocess.Popen[bytes]] = []
        if not web_only:
            children.append(subprocess.Popen([sys.executable, "manage.py", "kopir_worker"]))
            if settings.KOPIR_DEMO:
                # What the apps run beside Kopir in the demo (the exchange's webhook receiver).
                children += [
                    subprocess.Popen([sys.executable, "manage.py", *process.command])
                    for process in registry.demo_processes
                ]
        web: dict[subprocess.Popen[bytes], int] = {}
        if processes > 1:
            web = {
                subprocess.Popen(
                    [
                        *(sys.executable, "manage.py", "serve", "--web-only"),
                        *("--host", host, "--port", str(each), "--threads", str(threads)),
                    ]
                ): each
                for each in ports
            }
            children += web

        def stop_children(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

        def stop_all(*_: Any) -> None:
            stop_children()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop_all)
        if not web_only:
            self._print_banner(host, ports)
        try:
            if not web:
                serve(application, host=host, port=port, threads=threads, **waitress_options())
                return
            while True:
                for child, served in web.items():
                    if child.poll() is not None:
                        raise CommandError(
                            f"the web process on port {served} stopped "
                            f"(exit code {child.returncode}); the others were stopped too"
                        )
                time.sleep(1)
        finally:
            stop_children()

    def _print_banner(self, host: str, ports: list[int]) -> None:
        shown_host = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host  # noqa: S104
        for port in ports:
            self.stdout.write(
                self.style.SUCCESS(f"\nKopir is running at http://{shown_host}:{port}/\n")
            )
        if len(ports) > 1 and not settings.KOPIR_CACHE_URL:
            self.stdout.write(
                "Each web process counts rate limits on its own: set KOPIR_CACHE_URL to share them."
            )
        if settings.KOPIR_DEMO:
            # What each app's demo offers a visitor (the accounts app: who to sign in as).
            for loader in registry.demo_loaders():
                if loader.describe:
                    for line in import_string(loader.describe)():
                        self.stdout.write(line)
            if settings.KOPIR_REQUIRE_2FA:
                self.stdout.write("Two-factor login is switched off for the demo accounts.")
            else:
                self.stdout.write("Two-factor login is switched off for every account.")
        self.stdout.write("Press Ctrl+C to stop.\n")
