"""An agency officer works an overdue rehabilitation measure to delivered, by keyboard alone,
in Kazakh, with axe on every page the flow reaches.

From the main navigation to the work list, its "overdue" view, the measure, accepting it, the
delivery form (first sent empty, to meet the error summary naming each missing piece of
evidence), and the delivered measure. Only Tab, Enter, Space and typing; `page.goto` opens the
sign-in page only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation.models import Measure, MeasureStatus
from kopir.rehabilitation.tests.factories import MeasureFactory
from tests.browser.axe import assert_no_axe_violations
from tests.browser.demo import DEMO_PASSWORD, staff
from tests.browser.helpers import (
    current_path,
    focus_matches,
    focused,
    path_for,
    sign_in_by_keyboard,
)
from tests.browser.keyboard import choose_file, press, skip_to_main, type_date, type_into

pytestmark = pytest.mark.browser


def arrive(page: Page, path: str, where: str) -> None:
    """A new page has loaded at `path`: it passes axe, and focus starts at the top of it."""
    assert current_path(page) == path, (
        f"expected {path} ({where}), got {current_path(page)}: {page.locator('main').inner_text()}"
    )
    assert page.evaluate("() => document.documentElement.lang") == "kk"
    assert_no_axe_violations(page, where)
    page.focus("body")


def to_the_delivery_form(
    page: Page, live_server: Any, username: str, password: str, pk: int
) -> str:
    """Sign in, and by keyboard alone: the main navigation's "Measures to deliver", its saved view
    "overdue", the measure, accept it, then its delivery form. Returns the measure page's path."""
    work_list = path_for("rehabilitation:agency_work_list", "kk")
    measure_page = path_for("rehabilitation:agency_measure", "kk", {"pk": pk})
    deliver_page = path_for("rehabilitation:agency_deliver", "kk", {"pk": pk})
    accept_action = path_for("rehabilitation:agency_accept", "kk", {"pk": pk})

    sign_in_by_keyboard(page, live_server, username, password)
    arrive(page, path_for("core:home", "kk"), f"home ({username})")
    press(page, f"nav.main-nav a[href='{work_list}']", max_presses=150)
    arrive(page, work_list, "work list")
    skip_to_main(page)
    press(page, f"main a[href='{work_list}?overdue=on']")
    arrive(page, work_list, "work list, overdue")
    assert page.locator(f"main table a[href='{measure_page}']").count() == 1
    skip_to_main(page)
    press(page, f"main table a[href='{measure_page}']", max_presses=120)
    arrive(page, measure_page, "the measure")

    # Accept it.
    skip_to_main(page)
    press(page, f"main form[action='{accept_action}'] button")
    arrive(page, measure_page, "the measure, accepted")
    assert Measure.objects.get(pk=pk).status == MeasureStatus.ACCEPTED

    skip_to_main(page)
    press(page, f"main a[href='{deliver_page}']")
    arrive(page, deliver_page, "delivery form")
    return measure_page


def test_an_agency_officer_works_an_overdue_measure_to_delivered_by_keyboard(
    page: Page, live_server: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    agency = OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL, name_kk="Жұмыспен қамту бөлімі"
    )
    officer = staff(Role.AGENCY_OFFICER, organisation=agency)
    today = timezone.localdate()
    measure = MeasureFactory.create(
        organisation=agency,
        assigned_at=timezone.now() - dt.timedelta(days=45),
        due_on=today - dt.timedelta(days=3),
        overdue=True,
        line__details="Оң құлаққа, құлақ артындағы аппарат.",
    )
    PersonLink.objects.create(
        person=measure.person, organisation=agency, basis=LinkBasis.REHABILITATION
    )
    deliver_page = path_for("rehabilitation:agency_deliver", "kk", {"pk": measure.pk})
    measure_page = to_the_delivery_form(page, live_server, officer.username, PASSWORD, measure.pk)

    # Report it delivered: first without the evidence, then with it.
    skip_to_main(page)
    press(page, "main form.form button[type='submit']")
    arrive(page, deliver_page, "delivery form, refused")
    summary = page.locator("[data-error-summary]").inner_text()
    assert summary.count("\n") >= 1, summary  # the date and the serial number, each named
    # The focus is on the error summary (kopir.js): the fields follow it.
    type_date(page, "delivered_on", today)
    type_into(page, "serial_number", "HA-2026-0042")
    type_into(page, "supplier", "ЖШС «Есту әлемі»")
    assert focus_matches(page, "main [name='supplier']"), focused(page)
    press(page, "main form.form button[type='submit']")
    arrive(page, measure_page, "the measure, delivered")

    stored = Measure.objects.get(pk=measure.pk)
    assert stored.status == MeasureStatus.DELIVERED
    assert (stored.serial_number, stored.delivered_on, stored.overdue) == (
        "HA-2026-0042",
        today,
        False,
    )


def test_the_demo_health_office_officer_works_its_escalated_measure_to_delivered_with_a_document(
    page: Page, live_server: Any, demo: Any, settings: Any, tmp_path: Any
) -> None:
    """The demo's health office holds an overdue, escalated course of medical rehabilitation
    whose catalogue entry asks for a document: its officer (demo account `health`) takes it on
    and reports it delivered, attaching the document through the file dialog, by keyboard, in
    Kazakh. The delivery form marks the date and the document as required, never optional."""
    from kopir.core import sample_files

    settings.MEDIA_ROOT = tmp_path / "media"
    measure = Measure.objects.get(organisation__code="wko-health-office", overdue=True)
    assert (measure.status, measure.escalation_tier) == (MeasureStatus.ASSIGNED, 1)
    deliver_page = path_for("rehabilitation:agency_deliver", "kk", {"pk": measure.pk})
    measure_page = to_the_delivery_form(page, live_server, "health", DEMO_PASSWORD, measure.pk)
    for name in ("delivered_on", "evidence_document"):
        label = page.locator(f"main label[for='id_{name}']")
        assert label.locator(".optional").count() == 0, label.inner_text()
    skip_to_main(page)
    press(page, "main form.form button[type='submit']")
    arrive(page, deliver_page, "delivery form, refused")
    summary = page.locator("[data-error-summary]").inner_text()
    assert summary.count("\n") >= 2, summary  # a heading, then the date and the document
    type_date(page, "delivered_on", timezone.localdate())
    document = tmp_path / "epikriz.pdf"
    document.write_bytes(sample_files.pdf("Эпикриз"))
    choose_file(page, "evidence_document", document)
    press(page, "main form.form button[type='submit']")
    arrive(page, measure_page, "the measure, delivered")

    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.status, stored.overdue, stored.delivered_on) == (
        MeasureStatus.DELIVERED,
        False,
        timezone.localdate(),
    )
    assert stored.evidence_document.name.endswith(".pdf")
