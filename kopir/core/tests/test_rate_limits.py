"""Kopir's one rate limiter: a sliding window per scope and key, kept in Django's cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from kopir.core.rate_limits import Rate, RateLimit, request_client_key
from kopir.core.tests.fixtures import Clock
from kopir.core.tests.fixtures import clock as clock


def test_a_key_may_make_the_limit_of_requests_and_then_waits_for_the_oldest_to_leave(
    clock: Clock,
) -> None:
    limit = RateLimit("test", "3/m")
    for _ in range(3):
        assert limit.attempt("a") == 0
        clock.now += 10

    assert limit.attempt("a") == 30  # the first request was 30 seconds ago
    clock.now += 29
    assert limit.wait("a") == 1
    clock.now += 1
    assert limit.wait("a") == 0
    assert limit.attempt("a") == 0
    assert limit.attempt("a") == 10  # now the second request is the oldest in the window


def test_a_refused_attempt_is_not_counted_but_a_hit_always_is(clock: Clock) -> None:
    limit = RateLimit("test", Rate(limit=2, seconds=60))
    limit.hit("a")
    limit.hit("a")
    for _ in range(5):
        assert limit.attempt("a") == 60
    clock.now += 60

    assert limit.attempt("a") == 0

    limit.hit("a")
    limit.hit("a")  # past the limit: counted all the same
    clock.now += 59
    assert limit.wait("a") == 1  # the hit 59 seconds ago has not left yet


def test_wait_alone_counts_nothing(clock: Clock) -> None:
    limit = RateLimit("test", "1/m")
    for _ in range(3):
        assert limit.wait("a") == 0

    assert limit.attempt("a") == 0
    assert limit.wait("a") == 60


def test_keys_and_scopes_are_counted_apart(clock: Clock) -> None:
    petitions = RateLimit("petitions", "1/h")
    codes = RateLimit("codes", "1/h")
    assert petitions.attempt("198.51.100.7") == 0

    assert petitions.attempt("198.51.100.7") == 3600
    assert petitions.attempt("198.51.100.8") == 0
    assert codes.attempt("198.51.100.7") == 0


def test_reset_forgets_one_keys_requests_only(clock: Clock) -> None:
    limit = RateLimit("test", "1/m")
    limit.hit("a")
    limit.hit("b")

    limit.reset("a")

    assert limit.wait("a") == 0
    assert limit.wait("b") == 60


def test_the_cache_holds_no_clients_address(clock: Clock) -> None:
    RateLimit("test", "1/m").hit("198.51.100.7")

    keys = list(cache._cache)  # type: ignore[attr-defined]  # the local-memory backend's store
    assert keys
    assert not any("198.51.100.7" in key for key in keys)


def test_the_client_key_is_the_address_read_past_the_trusted_proxies(settings) -> None:
    settings.KOPIR_TRUSTED_PROXIES = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5"
    )

    assert request_client_key(request) == "203.0.113.5"


@pytest.mark.parametrize(
    ("text", "rate"),
    [("120/m", Rate(120, 60)), ("30/min", Rate(30, 60)), ("100/5m", Rate(100, 300))],
)
def test_a_rate_is_read_from_its_text(text: str, rate: Rate) -> None:
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "120", "120/", "0/m", "120/minute", "120 / m"])
def test_a_malformed_rate_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a rate"):
        Rate.parse(text)
