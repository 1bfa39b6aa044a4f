"""Settings fixtures several apps' tests switch on. An app's conftest imports the ones it needs and
requests them from one autouse fixture of its own, so each folder says in one place how it runs.
Also the one way the apps' tests sign a client in (`signed_in`) and read what an edit-conflict
page says the other person saved (`conflict_panel`), the one answer to a service a test needs and
cannot find (`missing_service`), and the one way to run a change in a transaction that then fails
(`rolled_back`), the one way a module's tests share rows built once
(`built_once_for_the_module`), and the rate limiter's clock a test moves by hand (`clock`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TypeVar

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

T = TypeVar("T")


@pytest.fixture
def no_second_factor(settings: Any) -> None:
    # Two-factor sign-in is tested in accounts; elsewhere it would only stand in the way.
    settings.KOPIR_REQUIRE_2FA = False


@pytest.fixture
def english_messages() -> None:
    # For tests that assert the English wording of messages; a test about another language
    # switches with translation.override().
    translation.activate("en")


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Tasks (notice delivery, bulk processing) run at once, inside the test; mail and SMS stay in
    memory."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KOPIR_SMS_BACKEND = "kopir.notices.sms.OutboxSmsBackend"


def signed_in(client: Client, user: Any) -> Client:
    """`client`, signed in as `user` (with no_second_factor on, a page needs nothing more)."""
    client.force_login(user)
    return client


def conflict_panel(html: str) -> str:
    """The panel of an edit-conflict page that lists what the other person saved
    (`core/partials/conflict_differences.html`)."""
    return html[html.index('aria-labelledby="conflict-title"') : html.index("</section>")]


def rows_listed(user: Any, url: str) -> int:
    """How many rows the paged list at `url` shows `user` (its paginator's count, or the rows of
    every page of a list paged by cursor): what a count on the home page must equal."""
    client = signed_in(Client(), user)
    response = client.get(url)
    assert response.status_code == 200, url
    if "page" not in response.context:  # paged by Django's paginator, with its count
        return int(response.context["page_obj"].paginator.count)
    # A list paged by cursor has no total: count its rows page after page.
    counted = 0
    while True:
        page = response.context["page"]
        counted += len(page.rows)
        if not page.next_cursor:
            return counted
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}after={page.next_cursor}")
        assert response.status_code == 200, url


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def missing_service(reason: str) -> NoReturn:
    """Skip a test whose service (Chromium, Redis) is not on this machine, saying which; fail it
    instead when CI is set, where every service is installed and a skip would pass unseen."""
    if running_in_ci():
        pytest.fail(f"{reason}; CI is set, so this test must run, not skip.", pytrace=False)
    pytest.skip(reason)


class ChangeFailed(Exception):
    """The caller's change failed after the step under test (raised by `rolled_back`)."""


def rolled_back(change: Callable[[], object]) -> None:
    """Run `change` in a transaction that then fails, as its caller's would after it: whatever
    `change` wrote must disappear with the transaction."""

    def change_then_fail() -> None:
        with transaction.atomic():
            change()
            raise ChangeFailed

    with pytest.raises(ChangeFailed):
        change_then_fail()


@pytest.fixture
def shared_cache(settings: Any) -> None:
    """The default cache (local memory in tests) stands for the processes' shared Redis: the
    reference tables are kept per process (kopir.core.reference_cache)."""
    settings.KOPIR_CACHE_URL = "redis://shared-cache-stand-in"


class Clock:
    """The rate limiter's clock, moved by hand: windows pass without sleeping."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock every rate limit (`kopir.core.rate_limits`) reads, set forward by the test."""
    from kopir.core.rate_limits import RateLimit

    clock = Clock()
    monkeypatch.setattr(RateLimit, "timer", clock)
    return clock


def other_process(cache: Any) -> Any:
    """The same table's `ReferenceCache` as another process holds it: the same version, its own
    memory."""
    from kopir.core.reference_cache import ReferenceCache

    return ReferenceCache(cache.name)


def built_once_for_the_module(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """For a module-scoped fixture: `build` runs once, in a transaction left open while the
    module's tests run and rolled back after the last, like Django's `setUpTestData`.

    Each test (`django_db`, never `transaction=True`) runs in a savepoint inside that transaction,
    so what one test changes is undone before the next and every test starts from what `build`
    made; nothing of it is left for the next module. Loading a demo for every test instead costs
    seconds each.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
