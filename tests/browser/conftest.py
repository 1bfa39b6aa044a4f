"""The browser harness: Debian's Chromium through Playwright against pytest-django's live server.

Every test here is marked `browser`. They run last (see pytest_collection_modifyitems), each on a
fresh database (transactional), signed in through the real login form.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from kopir.core.tests.fixtures import missing_service
from tests.browser.demo import Demo, DemoSnapshot, demo_data

# Debian's Chromium, never a downloaded one (`playwright install` needs the network). Its headless
# shell (package chromium-headless-shell, built from the same source at the same version as the
# browser) is what Playwright itself runs for headless tests: the same Blink and V8, without the
# browser's own layer, for about two thirds of the browser's CPU on the every-page walk (decision
# 16). The full browser serves where the shell is not installed.
CHROMIUM_BUILDS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
CHROMIUM = next((path for path in CHROMIUM_BUILDS if path.exists()), CHROMIUM_BUILDS[-1])
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


# The browser tests that take longest: each visits a quarter of the pages as one role (or as a
# visitor) in every language. They start first among the browser tests, so that under
# pytest-xdist the run does not end with one worker still in a long test while the other has
# nothing left to take.
LONGEST_BROWSER_TESTS = "tests/browser/test_every_page.py::"


# The same for the longest test outside the browser (each request of the permission matrix):
# minutes on PostgreSQL under coverage. Left where pytest-django puts it, near the end of the
# database tests, it could still be running when the other worker has taken every test left. It
# keeps to its transaction, so starting it first leaves no emptied database to the tests after it.
LONGEST_TESTS = (
    "tests/test_permission_matrix.py::test_every_route_answers_every_asker_as_the_table_says",
)


def _run_order(item: pytest.Item) -> int:
    if not _is_browser_test(item):
        return 0 if item.nodeid.startswith(LONGEST_TESTS) else 1
    return 2 if item.nodeid.startswith(LONGEST_BROWSER_TESTS) else 3


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Playwright's sync API leaves its event loop marked as running in the main thread from the
    # first browser test to the end of the session, and Django refuses ORM calls while a loop
    # runs. Running browser tests after every other test keeps that from touching the rest.
    # Last of the reorderings (pytest-django's is tryfirst; pytest's own groups tests that share a
    # session-scoped parameter, such as pytest-playwright's browser name, which a test that
    # merely names an argument `page` picks up). Sorting is stable. Under pytest-xdist each worker
    # is handed tests in this order, so it too runs its browser tests last.
    items.sort(key=_run_order)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Checked before any fixture runs, so a missing browser costs no database set-up.
    if not _is_browser_test(item) or CHROMIUM.exists():
        return
    missing_service(
        "Chromium is not installed (Debian: apt-get install chromium-headless-shell, or chromium)"
    )


_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[Any]:
    # Playwright's sync API marks an asyncio loop as running in this thread, and Django then
    # refuses ORM calls (SynchronousOnlyOperation) — in the test body and also in pytest-django's
    # set-up and teardown (the flush after a transactional test). So the switch is set around the
    # whole protocol of a browser test, fixtures included, and restored after it: never globally.
    if not _is_browser_test(item):
        return (yield)
    previous = os.environ.get(_ASYNC_UNSAFE)
    os.environ[_ASYNC_UNSAFE] = "true"
    try:
        return (yield)
    finally:
        if previous is None:
            os.environ.pop(_ASYNC_UNSAFE, None)
        else:
            os.environ[_ASYNC_UNSAFE] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _audit_triggers_lifted_for_the_flush(committing_db: None, live_server: Any) -> None:
    # Every browser test runs against the live server's transactional database.
    return None


@pytest.fixture(autouse=True)
def _password_login_only(settings: Any) -> None:
    # Two-factor login has its own keyboard test, which switches it back on.
    settings.KOPIR_REQUIRE_2FA = False


@pytest.fixture
def page(page: Page) -> Page:
    # Fail in seconds, not Playwright's default 30, when an element never appears.
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
    return page


@pytest.fixture(scope="session")
def _demo_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSnapshot]:
    snapshot = DemoSnapshot(tmp_path_factory.mktemp("demo-media"))
    yield snapshot
    snapshot.close()


@pytest.fixture
def demo(_demo_snapshot: DemoSnapshot) -> Demo:
    """The West Kazakhstan demo, loaded by the same command `make demo` uses.

    Loading it costs seconds of CPU and half the browser tests ask for it, each on an emptied
    database: on SQLite in memory (the browser tests' database in `make test`) the first load is
    kept as a copy of the database and of the files it wrote, and later tests get that copy back
    in milliseconds (tests/browser/demo.py::DemoSnapshot). Elsewhere it is loaded each time.
    """
    _demo_snapshot.load(lambda: call_command("load_demo", stdout=io.StringIO()))
    return demo_data()


@pytest.fixture(scope="session")
def base_url() -> None:
    # The tests build absolute addresses from live_server.url. (Overriding this also spares a
    # deprecation warning from pytest-playwright's own base_url fixture.)
    return None
