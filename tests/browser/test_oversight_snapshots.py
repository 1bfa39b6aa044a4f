"""A council secretary saves a dashboard view as a snapshot and cites it in an agenda item, in
Kazakh, by keyboard only: each page axe-clean on the way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD
from kopir.council.tests.factories import AgendaItemFactory, CouncilFactory, MeetingFactory
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.models import Snapshot, SnapshotAttachment
from kopir.oversight.tests.referrals import sent_referral
from tests.browser.axe import assert_no_axe_violations
from tests.browser.demo import staff
from tests.browser.helpers import focus_matches, sign_in, tab_to, url_for
from tests.browser.keyboard import press

pytestmark = pytest.mark.browser


def test_a_secretary_saves_a_snapshot_and_cites_it_by_keyboard_in_kazakh(
    page: Page, live_server: Any
) -> None:
    secretary = staff(Role.COUNCIL_SECRETARY)
    council = CouncilFactory.create(organisation=secretary.organisation)
    meeting = MeetingFactory.create(council=council)
    item = AgendaItemFactory.create(meeting=meeting, order=1, title="Сырттай куәландыру")
    clinic = OrganisationFactory.create(
        kind=OrganisationKind.MEDICAL,
        name_kk="Ақжайық емханасы",
        name_ru="Поликлиника Акжаик",
        name_en="Akzhaiyk clinic",
    )
    for _ in range(12):
        sent_referral(clinic, dt.date(2026, 2, 2))
    sign_in(page, live_server, secretary.username, PASSWORD, "kk")

    # The dashboard offers the save; the confirmation page shows the figures it will keep.
    page.goto(url_for(live_server, "oversight:mse", "kk") + "?period=2026-Q1")
    page.focus("body")
    press(page, "main form.snapshot-save button", max_presses=80)
    expect(page.locator("main h1")).to_have_text("Көрсеткіштерді үзінді ретінде сақтау")
    expect(
        page.locator("main table tbody tr", has_text="Ақжайық емханасы").locator("td").first
    ).to_have_text("10")
    assert_no_axe_violations(page, "snapshot confirmation [kk]")

    page.focus("body")
    tab_to(page, "input[name='title']", max_presses=80)
    page.keyboard.type("Сырттай куәландыру, 1-тоқсан")
    tab_to(page, "textarea[name='title_ru'], input[name='title_ru']")
    page.keyboard.type("Заочное освидетельствование, 1 квартал")
    tab_to(page, "input[name='confirm']")
    page.keyboard.press("Space")
    press(page, "main form.form button[type='submit']", max_presses=40)
    snapshot = Snapshot.objects.get()
    expect(page.locator("main h1")).to_have_text("Сырттай куәландыру, 1-тоқсан")
    assert_no_axe_violations(page, "snapshot page [kk]")

    # The agenda item cites it: chosen and sent from the keyboard.
    page.goto(
        url_for(
            live_server,
            "council:agenda_item_detail",
            "kk",
            {"slug": council.slug, "pk": meeting.pk, "item_pk": item.pk},
        )
    )
    assert_no_axe_violations(page, "agenda item, nothing cited [kk]")
    page.focus("body")
    tab_to(page, "#cited-figures select[name='snapshot']", max_presses=120)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#cited-figures select[name='snapshot']")).to_have_value(str(snapshot.pk))
    press(page, "#cited-figures form button[type='submit']", max_presses=40)
    assert SnapshotAttachment.objects.filter(agenda_item=item, snapshot=snapshot).exists()
    cited = page.locator("#cited-figures table")
    expect(cited.locator("caption")).to_contain_text("Сырттай куәландыру, 1-тоқсан")
    expect(cited.locator("tbody tr", has_text="Жіберілген жолдамалар").locator("td")).to_have_text(
        "10"
    )
    assert_no_axe_violations(page, "agenda item, a snapshot cited [kk]")
    page.focus("body")
    tab_to(page, "#cited-figures form.inline-form button", max_presses=120)
    assert focus_matches(page, "#cited-figures form.inline-form button")
