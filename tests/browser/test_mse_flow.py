"""Issue #3's whole path through in-absentia MSE, by keyboard alone, in Kazakh, axe-clean.

A clinician writes a referral for a person with low vision and tries to send it incomplete: the
completeness check answers with the list of what is missing. The clinician completes it and sends
it; the MSE division still finds something missing and returns it with its list; the clinician
sees it returned first in the clinic's work list, adds the document and sends it again; the
division accepts it, the head assigns three experts, each expert writes a conclusion without
seeing who the person is, and the head records the decision from their conclusions.

Every person here works in their own browser window and uses Tab, typing, the arrow keys, Space
and Enter only (see tests/browser/keyboard.py); each page they reach is checked with axe-core.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from kopir.accounts.models import User
from kopir.assessment.models import (
    Attachment,
    DocumentType,
    ExpertAssignment,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from kopir.core import sample_files
from tests.browser.axe import assert_no_axe_violations
from tests.browser.demo import DEMO_PASSWORD, Demo, person_seen_by
from tests.browser.helpers import (
    current_path,
    path_for,
    sign_in_by_keyboard,
    submit_by_enter,
    url_for,
)
from tests.browser.keyboard import (
    choose,
    choose_file,
    choose_radio,
    keyboard_session,
    press,
    start_at_top,
    tick,
    type_date,
    type_into,
)

pytestmark = pytest.mark.browser

EXPERTS = ("mse", "mse-expert-2", "mse-expert-3")
PERIMETRY = "Екі көздің периметрия картасы"  # what the division asks for, in the clinician's words
PDF = sample_files.pdf()


def checked(page: Page, where: str) -> None:
    assert_no_axe_violations(page, f"{where} ({current_path(page)})")


def attach_document(
    page: Page, referral_pk: int, document_text: str, issued_on: dt.date, file: Path
) -> None:
    """On the referral page: Attach a document → type, date, file (the system's file dialog,
    opened with Space) → Attach."""
    start_at_top(page)
    press(page, "main a[href$='/documents/new/']")
    checked(page, "attach a document")
    choose(page, "document_type", document_text)
    type_date(page, "issued_on", issued_on)
    choose_file(page, "file", file)
    press(page, "main form button[type='submit']")
    assert current_path(page).endswith(f"/referrals/{referral_pk}/"), page.locator(
        "main"
    ).inner_text()


def test_a_referral_goes_from_incomplete_to_decided_by_keyboard_in_kazakh(
    page: Page, browser: Browser, live_server: Any, demo: Demo, tmp_path: Path
) -> None:
    clinician = demo.user("clinician")
    # Living where the clinic's own demo patients live, so the Oral MSE division serves her.
    neighbour = demo.person_for(clinician)
    person = person_seen_by(
        clinician, last_name="Сарсенова", first_name="Әйгерім", territory=neighbour.territory
    )
    today = timezone.localdate()
    report = tmp_path / "report.pdf"
    report.write_bytes(PDF)
    chart = tmp_path / "perimetry.pdf"
    # Another file: the same one is refused twice.
    chart.write_bytes(sample_files.pdf("Perimetry chart, synthetic"))

    # --- The clinician writes the referral and tries to send it without the eye findings ---------
    sign_in_by_keyboard(page, live_server, "clinician", DEMO_PASSWORD)
    page.goto(url_for(live_server, "assessment:clinic_list", "kk"))
    checked(page, "the clinic's referrals")
    start_at_top(page)
    press(page, f"main a[href='{path_for('assessment:clinic_create', 'kk')}']")
    checked(page, "a new referral")
    start_at_top(page)
    type_into(page, "iin", person.iin)
    choose_radio(page, "purpose", "primary")
    choose_radio(page, "route", "in_absentia")
    type_into(page, "primary_code", "H54.0")
    type_into(page, "commission_protocol_number", "МКК-117")
    type_date(page, "commission_date", today - dt.timedelta(days=3))
    type_into(
        page, "commission_conclusion", "Екі көздің соқырлығы, мүгедектікті анықтауға жіберіледі."
    )
    choose(page, "limitation_orientation", "2-дәреже")
    type_into(page, "treatment_history", "Офтальмологта 2019 жылдан бері бақылауда.")
    press(page, "main form button[type='submit']:not([name])")  # "Save the draft", just below

    referral = Referral.objects.filter(person=person).first()
    assert referral is not None, page.locator("main").inner_text()
    assert referral.status == ReferralStatus.DRAFT
    assert current_path(page) == path_for("assessment:clinic_detail", "kk", {"pk": referral.pk})
    checked(page, "the draft")

    start_at_top(page)
    press(page, "main form[action$='/send/'] button")
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    missing = summary.locator("li").all_inner_texts()
    # In Kazakh: the acuity and the field of each eye, and the ophthalmologist's report.
    assert len(missing) == 5, missing
    assert any("Офтальмологтың қорытындысы" in item for item in missing), missing
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT, "an incomplete referral was sent"
    checked(page, "the refused sending with its missing list")

    # The summary holds the focus; its first link leads to the first missing field.
    assert page.evaluate("() => document.activeElement.matches('[data-error-summary]')")
    press(page, ".error-summary a[href*='/edit/#id_acuity']", 5)
    assert page.evaluate("() => document.activeElement.id") == "id_acuity_right"
    checked(page, "the referral form, opened at the missing finding")
    type_into(page, "acuity_right", "0,02")
    type_into(page, "acuity_left", "0,03")
    type_date(page, "acuity_date", today - dt.timedelta(days=10))
    type_into(page, "field_right", "5")
    type_into(page, "field_left", "7")
    type_date(page, "field_date", today - dt.timedelta(days=10))
    submit_by_enter(page)  # Enter in a field sends its form
    referral.refresh_from_db()
    assert referral.findings.count() == 4

    attach_document(page, referral.pk, "Офтальмолог", today - dt.timedelta(days=10), report)
    checked(page, "the referral with its document")
    start_at_top(page)
    press(page, "main form[action$='/send/'] button")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT, page.locator("main").inner_text()
    checked(page, "the sent referral")

    # --- The MSE division returns it with what is still missing ---------------------------------
    division = keyboard_session(browser, live_server, "mse", DEMO_PASSWORD)
    division.goto(url_for(live_server, "assessment:division_queue", "kk"))
    checked(division, "the division's queue")
    case_path = path_for("assessment:division_case", "kk", {"pk": referral.pk})
    start_at_top(division)
    press(division, f"main a[href='{case_path}']", 200)
    checked(division, "the case")
    assert person.last_name not in division.content()  # a specialist sees no identity
    start_at_top(division)
    press(division, "main a[href$='/return/']")
    checked(division, "returning the referral")
    type_into(division, "added_items", PERIMETRY)
    type_into(division, "note", "Периметрия картасы болмаса, көру өрісін бағалау мүмкін емес.")
    press(division, "main form button[type='submit']")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert referral.returns_count == 1

    # --- The clinician finds it first in the list, reads the list, adds the chart, resends --------
    page.goto(url_for(live_server, "assessment:clinic_list", "kk"))
    # Returned referrals come first (the clinic must act on them); ours is among them.
    rows = page.locator("main tbody tr").all_inner_texts()
    ours = next(i for i, row in enumerate(rows) if referral.number in row)
    returned = ReferralStatus.RETURNED.label  # in Kazakh, as the page shows it
    assert all(str(returned) in row for row in rows[: ours + 1]), rows[: ours + 1]
    checked(page, "the clinic's referrals with one returned")
    start_at_top(page)
    detail_path = path_for("assessment:clinic_detail", "kk", {"pk": referral.pk})
    press(page, f"main a[href='{detail_path}']")
    asked = page.locator("section[aria-labelledby='asked-title']")
    expect(asked).to_contain_text(PERIMETRY)
    checked(page, "the returned referral with the division's list")
    attach_document(page, referral.pk, "Басқа құжат", today - dt.timedelta(days=2), chart)
    start_at_top(page)
    press(page, "main form[action$='/send/'] button")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT, page.locator("main").inner_text()
    assert Attachment.objects.filter(referral=referral).count() == 2

    # --- The division accepts; the head assigns three experts -------------------------------------
    division.goto(url_for(live_server, "assessment:division_case", "kk", {"pk": referral.pk}))
    start_at_top(division)
    press(division, "main form[action$='/accept/'] button")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    head = keyboard_session(browser, live_server, "mse-head", DEMO_PASSWORD)
    head.goto(url_for(live_server, "assessment:division_case", "kk", {"pk": referral.pk}))
    checked(head, "the accepted case, as the head sees it")
    start_at_top(head)
    press(head, "main a[href$='/assign/']")
    checked(head, "assigning experts")
    for username in EXPERTS:
        expert = User.objects.get(username=username)
        tick(head, f"main input[name='experts'][value='{expert.pk}']")
    press(head, "main form button[type='submit']")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED

    # --- Each expert concludes, without seeing who the person is ---------------------------------
    for position, username in enumerate(EXPERTS, start=1):
        assignment = ExpertAssignment.objects.get(referral=referral, expert__username=username)
        expert_page = (
            division
            if username == "mse"
            else keyboard_session(browser, live_server, username, DEMO_PASSWORD)
        )
        expert_page.goto(url_for(live_server, "assessment:expert_worklist", "kk"))
        checked(expert_page, f"expert {position}'s reviews")
        start_at_top(expert_page)
        review_path = path_for("assessment:expert_review", "kk", {"pk": assignment.pk})
        press(expert_page, f"main a[href='{review_path}']", 200)
        # Not in the text, nor anywhere in the HTML the browser received.
        html = expert_page.content()
        assert person.last_name not in html
        assert person.iin not in html
        assert f"{person.birth_date:%d.%m.%Y}" not in html
        checked(expert_page, f"expert {position}'s review")
        choose_radio(expert_page, "outcome", Outcome.ESTABLISHED)
        choose(expert_page, "category_code", "I топ" if position == 3 else "II топ")
        choose(expert_page, "cause", "Жалпы ауру")
        choose(expert_page, "term", "2 жыл")
        type_into(
            expert_page, "reasons", "Екі көздің көру өткірлігі 0,05-тен төмен, көру өрісі тар."
        )
        press(expert_page, "main form button[type='submit']")
        assignment.refresh_from_db()
        assert assignment.is_submitted, expert_page.locator("main").inner_text()

    # --- The head records the decision from the conclusions --------------------------------------
    head.goto(url_for(live_server, "assessment:division_case", "kk", {"pk": referral.pk}))
    start_at_top(head)
    press(head, "main a[href$='/decide/']")
    checked(head, "recording the decision")
    assert person.last_name in head.locator("main").inner_text()  # only the head sees who it is
    choose(head, "cause", "Жалпы ауру")
    choose(head, "term", "2 жыл")
    type_date(head, "reexamination_on", today + dt.timedelta(days=700))
    type_into(head, "reasons", "Сарапшылардың көпшілігінің қорытындысы бойынша.")
    press(head, "main form button[type='submit']")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED, head.locator("main").inner_text()
    decision = referral.decisions.get()
    assert decision.outcome == Outcome.ESTABLISHED
    assert decision.category_code == "ADULT_G2"  # two experts of three: the majority
    checked(head, "the decided case")
    steps = list(
        ReferralEvent.objects.filter(referral=referral)
        .order_by("pk")
        .values_list("to_status", flat=True)
    )
    assert steps == ["draft", "sent", "returned", "sent", "accepted", "assigned", "decided"]
    assert DocumentType.OTHER in referral.attachments.values_list("document_type", flat=True)
