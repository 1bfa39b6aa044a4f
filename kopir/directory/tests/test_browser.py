"""The directory's pages in Chromium: no axe-core violations (WCAG 2.1 A/AA), in every language."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.audit import triggers
from kopir.directory import demo
from kopir.directory.models import Organisation

CHROMIUM = "/usr/bin/chromium"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    # pytest-django's live server and Playwright's event loop share the thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def _audit_triggers_restored(django_db_blocker: Any) -> Iterator[None]:
    # Torn down after the last test's database flush: puts the append-only triggers back for the
    # tests that run after this module.
    yield
    with django_db_blocker.unblock():
        triggers.install(connection)


@pytest.fixture
def administrator_page(
    browser: Any, live_server: Any, _audit_triggers_restored: None
) -> Iterator[Any]:
    triggers.install(connection)
    demo.load()
    administrator = UserFactory.create(
        organisation=Organisation.objects.get(code="wko-public-council"),
        roles=[Role.ADMINISTRATOR],
    )
    client = Client()
    client.force_login(administrator)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    yield page
    context.close()
    # Live-server tests empty the database after each test; the audit table refuses deletes.
    triggers.remove(connection)


def assert_accessible(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_directory_pages_have_no_accessibility_violations(
    administrator_page: Any, live_server: Any, language: str
) -> None:
    organisation = Organisation.objects.get(code="wko-mse-department")
    with translation.override(language):
        urls = [
            reverse("directory:territory_list"),
            reverse("directory:organisation_list"),
            reverse("directory:organisation_list", query={"q": "zzz-nothing"}),
            reverse("directory:organisation_detail", args=[organisation.pk]),
            reverse("directory:organisation_create"),
            reverse("directory:organisation_edit", args=[organisation.pk]),
        ]
    for url in urls:
        response = administrator_page.goto(live_server.url + url)
        assert response.status == 200, url
        assert_accessible(administrator_page)


def test_a_refused_form_is_accessible_and_its_error_summary_names_the_bin(
    administrator_page: Any, live_server: Any
) -> None:
    with translation.override("en"):
        url = reverse("directory:organisation_create")
    page = administrator_page
    page.goto(live_server.url + url)
    page.get_by_label("BIN").fill("123456789012")
    page.get_by_role("button", name="Add organisation").click()

    summary = page.locator(".error-summary")
    assert "BIN:" in summary.inner_text()
    assert page.get_by_label("BIN").get_attribute("aria-invalid") == "true"
    assert_accessible(page)


def test_searching_with_javascript_updates_the_results_in_place(
    administrator_page: Any, live_server: Any
) -> None:
    with translation.override("en"):
        url = reverse("directory:organisation_list")
    page = administrator_page
    page.goto(live_server.url + url)
    page.get_by_label("Name or BIN").fill("емхана")
    page.get_by_role("button", name="Search").click()

    page.wait_for_url("**q=**")
    assert page.locator("#organisation-count").inner_text().startswith("3 organisations")
    assert page.locator("#organisation-results tbody tr").count() == 3
    assert_accessible(page)
