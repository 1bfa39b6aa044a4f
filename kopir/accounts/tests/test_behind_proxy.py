"""The real web server (waitress, as `manage.py serve` runs it) behind a proxy that sets headers.

Two wrongs are tested together here because only the real server shows them: waitress strips
X-Forwarded-* from peers it does not trust, so without its proxy settings every client is the
proxy's address (one person's typos lock out everyone) and a TLS proxy's X-Forwarded-Proto never
arrives (an endless redirect to https).
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import override_settings

from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.core.management.commands.serve import waitress_options

pytestmark = pytest.mark.usefixtures("committing_db")


@contextlib.contextmanager
def running_server(proxy_address: str, **overrides: Any) -> Iterator[tuple[str, int]]:
    """Waitress on a free loopback port with `serve`'s options, sharing the test database.

    The settings are overridden before the WSGI handler is built, because middleware (the https
    redirect among them) reads them once, when it is loaded.
    """
    from django.core.handlers.wsgi import WSGIHandler
    from waitress.server import create_server

    connection = connections["default"]
    shared_memory_database = connection.vendor == "sqlite" and bool(
        connection.is_in_memory_db()  # type: ignore[attr-defined]
    )
    if shared_memory_database:
        # As Django's LiveServerTestCase does: the server's threads use this thread's connection
        # to the in-memory test database, which no other connection can see.
        connection.inc_thread_sharing()

    overridden = override_settings(
        KOPIR_TRUSTED_PROXIES=1, KOPIR_PROXY_ADDRESS=proxy_address, **overrides
    )
    overridden.enable()
    application = WSGIHandler()

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if shared_memory_database:
            connections["default"] = connection
            return application(environ, start_response)
        # Each of waitress's threads opens its own connection, which Django keeps for
        # CONN_MAX_AGE; closed after each answer (as Django's live server does), none is left
        # open on the test database, which could then not be dropped at the end of the run.
        response = application(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()
            connections.close_all()

    httpd: Any = create_server(wsgi, host="127.0.0.1", port=0, threads=2, **waitress_options())
    stop = threading.Event()

    def serve_until_stopped() -> None:
        # waitress's own run() has no stop; closing its sockets from another thread under a
        # running select() is an error. One short poll at a time, then close here.
        while not stop.is_set():
            httpd.asyncore.loop(timeout=0.05, map=httpd._map, count=1)
        httpd.close()

    thread = threading.Thread(target=serve_until_stopped, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", int(httpd.effective_port)
    finally:
        stop.set()
        thread.join(timeout=5)
        httpd.task_dispatcher.shutdown()
        overridden.disable()
        if shared_memory_database:
            connection.dec_thread_sharing()


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    with running_server("127.0.0.1") as address:
        yield address


def request(
    server: tuple[str, int],
    method: str,
    path: str,
    *,
    forwarded_for: str,
    body: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(*server, timeout=10)
    all_headers = {"X-Forwarded-For": forwarded_for, **(headers or {})}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body)
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=data, headers=all_headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def sign_in(server: tuple[str, int], username: str, password: str, address: str) -> int:
    # CSRF is checked by Django's test client only when asked; over a real socket it applies, so
    # the form is posted with a token taken from a session of its own.
    connection = http.client.HTTPConnection(*server, timeout=10)
    connection.request("GET", "/en/accounts/login/", headers={"X-Forwarded-For": address})
    page = connection.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie", "")
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    csrf_cookie = cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
    connection.request(
        "POST",
        "/en/accounts/login/",
        body=urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ),
        headers={
            "X-Forwarded-For": address,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://{server[0]}:{server[1]}/en/accounts/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_one_persons_wrong_passwords_lock_only_that_account_from_that_address(
    server: tuple[str, int],
) -> None:
    typist, colleague = UserFactory(), UserFactory()
    office, home = "198.51.100.7", "203.0.113.9"
    statuses = [sign_in(server, typist.username, "wrong-password", office) for _ in range(5)]
    assert statuses[-1] == 429, statuses
    # The colleague behind the same proxy and the same office address signs in.
    assert sign_in(server, colleague.username, PASSWORD, office) == 302
    # The locked account is locked from the office only, not from the person's other address.
    assert sign_in(server, typist.username, PASSWORD, office) == 429
    assert sign_in(server, typist.username, PASSWORD, home) == 302


def test_the_client_address_in_the_audit_log_is_the_one_the_proxy_saw(
    server: tuple[str, int],
) -> None:
    from kopir.audit.models import AuditAction, AuditEvent

    user = UserFactory()
    assert sign_in(server, user.username, PASSWORD, "192.0.2.44") == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN, actor=user)
    assert event.source == "192.0.2.44"


def test_a_tls_proxys_https_header_ends_the_redirect_to_https() -> None:
    with running_server(
        "127.0.0.1",
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ) as server:
        plain = request(server, "GET", "/healthz", forwarded_for="192.0.2.1")
        assert plain.status == 301
        assert plain.getheader("Location", "").startswith("https://")
        through_tls = request(
            server,
            "GET",
            "/healthz",
            forwarded_for="192.0.2.1",
            headers={"X-Forwarded-Proto": "https"},
        )
        assert through_tls.status == 200


def test_headers_from_a_peer_that_is_not_the_proxy_are_removed() -> None:
    from kopir.audit.models import AuditAction, AuditEvent

    user = UserFactory()
    # The test client (127.0.0.1) is not the proxy this server trusts, so the address it claims
    # in X-Forwarded-For must not reach Kopir: the audit log records the peer's own address.
    with running_server("192.0.2.250") as address:
        assert sign_in(address, user.username, PASSWORD, "192.0.2.44") == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN, actor=user)
    assert event.source == "127.0.0.1"
