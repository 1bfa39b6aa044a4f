"""The intake helper's pages in a real browser: the citizen status page from number and IIN to the
status (a wrong code on the way), the bulk upload with its report, and the outbox — each step
axe-clean, in every language for the public page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.assessment.models import BulkUpload, BulkUploadStatus
from kopir.assessment.tests.clinic_fixtures import returned_asking_for
from kopir.core.tests.fixtures import immediate_tasks as immediate_tasks
from kopir.notices.models import Notice
from kopir.notices.services import notice_queue, person_recipient
from tests.browser.axe import axe_problems
from tests.browser.cases import blindness_referral, last_code_sent, submit
from tests.browser.helpers import LANGUAGES, sign_in, url_for

pytestmark = pytest.mark.browser


@pytest.fixture
def world(immediate_tasks: None) -> dict[str, Any]:
    case = blindness_referral(preferred_language="en")
    referral = returned_asking_for(case.referral, "Chest X-ray", sent_by=case.clinician)
    return {
        "clinic": case.clinic,
        "clinician": case.clinician,
        "person": case.person,
        "referral": referral,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_citizen_reaches_the_status_through_a_code_and_every_step_passes_axe(
    page: Page, live_server: Any, world: dict[str, Any], language: str
) -> None:
    referral, person = world["referral"], world["person"]
    problems: list[str] = []
    page.goto(url_for(live_server, "assessment:citizen_status", language))
    problems += axe_problems(page, f"status start [{language}]")

    page.locator("input[name='number']").fill("12")
    submit(page)
    problems += axe_problems(page, f"status start with errors [{language}]")

    page.locator("input[name='number']").fill(referral.number)
    page.locator("input[name='iin']").fill(person.iin)
    submit(page)
    problems += axe_problems(page, f"code page [{language}]")
    code = last_code_sent()

    page.locator("input[name='code']").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    submit(page)
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    problems += axe_problems(page, f"code page, wrong code [{language}]")

    page.locator("input[name='code']").fill(code)
    submit(page)
    expect(page.locator("main")).to_contain_text("Chest X-ray")
    expect(page.locator("main")).not_to_contain_text(person.last_name)
    problems += axe_problems(page, f"status result [{language}]")
    assert not problems, "\n".join(problems)


def uploaded_by(clinician: Any, **fields: Any) -> BulkUpload:
    """A bulk upload of 10 bytes the clinician's polyclinic made, as `fields` leave it."""
    return BulkUpload.objects.create(
        organisation=clinician.organisation, uploaded_by=clinician, size=10, **fields
    )


def test_the_bulk_upload_page_and_a_report_pass_axe(
    page: Page, live_server: Any, world: dict[str, Any]
) -> None:
    clinician = world["clinician"]
    report = [
        {"row": 2, "external_id": "EXT-1", "field": "iin", "reason": "The IIN is 12 digits."},
        {
            "row": 3,
            "external_id": "EXT-2",
            "field": "external_id",
            "reason": "Saved, not sent.",
            "warning": True,
        },
    ]
    upload = uploaded_by(
        clinician,
        file_name="referrals.csv",
        file_sha256="0" * 64,
        status=BulkUploadStatus.DONE,
        rows_processed=2,
        rows_invalid=1,
        rows_created=1,
        report=report,
        finished_at=timezone.now(),
    )
    pending = uploaded_by(
        clinician,
        file_name="big.csv",
        file_sha256="1" * 64,
        status=BulkUploadStatus.PROCESSING,
        rows_processed=75,
    )
    sign_in(page, live_server, clinician.username, PASSWORD, "en")
    problems: list[str] = []
    page.goto(url_for(live_server, "assessment:bulk_upload", "en"))
    problems += axe_problems(page, "bulk upload page")
    page.goto(url_for(live_server, "assessment:bulk_detail", "en", {"pk": upload.pk}))
    expect(page.locator("main table")).to_contain_text("The IIN is 12 digits.")
    problems += axe_problems(page, "bulk report")
    page.goto(url_for(live_server, "assessment:bulk_detail", "en", {"pk": pending.pk}))
    expect(page.locator("[role='status']")).to_contain_text("75")
    problems += axe_problems(page, "bulk progress")
    assert not problems, "\n".join(problems)


def test_the_outbox_and_a_notice_pass_axe(
    page: Page, live_server: Any, world: dict[str, Any]
) -> None:
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    notice = notice_queue(
        recipient=person_recipient(world["person"]),
        template="assessment/citizen/notices/access_code",
        context={
            "code": "123456",
            "digits": "1 2 3 4 5 6",
            "number": world["referral"].number,
            "minutes": 10,
        },
    )
    Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now() - dt.timedelta(minutes=1))
    sign_in(page, live_server, admin.username, PASSWORD, "en")
    problems: list[str] = []
    page.goto(url_for(live_server, "notices:outbox", "en"))
    problems += axe_problems(page, "outbox")
    page.goto(url_for(live_server, "notices:notice", "en", {"pk": notice.pk}))
    problems += axe_problems(page, "notice")
    assert not problems, "\n".join(problems)
