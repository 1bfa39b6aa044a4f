"""The client's address behind reverse proxies: KOPIR_TRUSTED_PROXIES decides how far to read
X-Forwarded-For from the right, and anything a client wrote there itself is ignored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from kopir.core.client import client_address

PROXY = "10.0.0.2"


def request_from(remote_addr: str = PROXY, forwarded_for: str | None = None) -> Any:
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)
    if forwarded_for is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return request


def test_without_proxies_the_address_is_the_connections_and_the_header_is_ignored(settings):
    settings.KOPIR_TRUSTED_PROXIES = 0

    assert client_address(request_from("192.0.2.10")) == "192.0.2.10"
    assert client_address(request_from("192.0.2.10", "198.51.100.7")) == "192.0.2.10"


def test_behind_one_proxy_the_address_is_the_one_it_appended(settings):
    settings.KOPIR_TRUSTED_PROXIES = 1

    assert client_address(request_from(PROXY, "198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_address_is_the_one_the_outer_proxy_appended(settings):
    settings.KOPIR_TRUSTED_PROXIES = 2

    # The outer proxy appended the client; the inner one appended the outer proxy.
    assert client_address(request_from(PROXY, "198.51.100.7, 10.0.0.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for"),
    [
        (1, "203.0.113.66, 198.51.100.7"),
        (1, "127.0.0.1,203.0.113.66 , 198.51.100.7"),
        (2, "203.0.113.66, 198.51.100.7, 10.0.0.1"),
    ],
)
def test_addresses_a_client_put_on_the_left_of_the_header_are_ignored(
    settings, proxies, forwarded_for
):
    settings.KOPIR_TRUSTED_PROXIES = proxies

    assert client_address(request_from(PROXY, forwarded_for)) == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for"),
    [
        (1, None),  # the header is missing: the request did not pass through the proxy
        (1, ""),
        (2, "198.51.100.7"),  # shorter than the number of proxies
        (1, "not-an-address"),
        (1, "198.51.100.7:5050"),  # an address with a port is not an address
        (1, "198.51.100.7, "),
        (2, "198.51.100.7, 10.0.0.1, <script>"),
        (1, "999.1.1.1"),
    ],
)
def test_a_missing_short_or_malformed_header_falls_back_to_the_connection(
    settings, proxies, forwarded_for
):
    settings.KOPIR_TRUSTED_PROXIES = proxies

    assert client_address(request_from(PROXY, forwarded_for)) == PROXY


def test_ipv6_addresses_are_read_and_written_in_one_normal_form(settings):
    settings.KOPIR_TRUSTED_PROXIES = 1

    assert client_address(request_from("::1", "2001:DB8:0:0::7")) == "2001:db8::7"
    assert client_address(request_from("::1", "10.9.8.7, 2001:db8::7")) == "2001:db8::7"


def test_ipv6_proxy_address_is_the_fallback(settings):
    settings.KOPIR_TRUSTED_PROXIES = 1

    assert client_address(request_from("2001:db8::2", "garbage")) == "2001:db8::2"


def test_a_request_without_any_address_gives_an_empty_one(settings):
    settings.KOPIR_TRUSTED_PROXIES = 0
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]

    assert client_address(request) == ""


def test_a_tls_proxy_without_trusted_proxies_is_warned_about(settings):
    from kopir.core.checks import client_address_check

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.KOPIR_TRUSTED_PROXIES = 0
    assert [warning.id for warning in client_address_check()] == ["kopir.W001"]

    settings.KOPIR_TRUSTED_PROXIES = 1
    assert client_address_check() == []


def test_no_warning_without_a_proxy(settings):
    from kopir.core.checks import client_address_check

    settings.SECURE_PROXY_SSL_HEADER = None
    settings.KOPIR_TRUSTED_PROXIES = 0

    assert client_address_check() == []
