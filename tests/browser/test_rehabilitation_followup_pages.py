"""The follow-up pages in a real browser, each axe-clean: the person's programme on the citizen
status page and a dispute (with a forgotten explanation on the way), the MSE division's timeline,
and the career centre's quota register and placement form with their error messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.assessment.models import ReferralStatus
from kopir.assessment.workflow import referral_transition
from kopir.core.tests.fixtures import immediate_tasks as immediate_tasks
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.rehabilitation.models import EvidenceItem, MeasureStatus
from kopir.rehabilitation.tests.factories import MeasureFactory, ProgrammeLineFactory
from tests.browser.axe import axe_problems
from tests.browser.cases import blindness_referral, district_of_region, last_code_sent, submit
from tests.browser.helpers import sign_in, url_for

pytestmark = pytest.mark.browser


@pytest.fixture
def world(immediate_tasks: None) -> dict[str, Any]:
    district = district_of_region()
    case = blindness_referral(district=district)
    referral = referral_transition(
        referral=case.referral,
        to_status=ReferralStatus.SENT,
        actor=case.clinician,
        expected_version=case.referral.version,
    )
    person = case.person
    office = OrganisationFactory(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL, territory=district, phone="+77112500000"
    )
    career_centre = OrganisationFactory(kind=OrganisationKind.CAREER_CENTRE, territory=district)
    cane = MeasureFactory.create(
        organisation=office,
        territory=district,
        status=MeasureStatus.DELIVERED,
        line__programme_version__programme__referral=referral,
        line__programme_version__programme__division=referral.mse_division,
        line__measure_type__name_kk="Ақ таяқ",
        line__measure_type__name_ru="Белая трость",
        line__measure_type__name_en="White cane",
    )
    version = cane.line.programme_version
    job = MeasureFactory.create(
        organisation=career_centre,
        territory=district,
        status=MeasureStatus.ACCEPTED,
        assigned_at=timezone.now(),
        line=ProgrammeLineFactory.create(
            programme_version=version,
            measure_type__catalogue=version.catalogue,
            measure_type__code="job-placement",
            measure_type__evidence_required=[EvidenceItem.EMPLOYER],
        ),
    )
    return {
        "referral": referral,
        "person": person,
        "cane": cane,
        "job": job,
        "specialist": UserFactory(organisation=referral.mse_division, roles=[Role.MSE_SPECIALIST]),
        "officer": UserFactory(organisation=career_centre, roles=[Role.AGENCY_OFFICER]),
    }


def test_the_person_sees_the_programme_and_disputes_a_delivery(
    page: Page, live_server: Any, world: dict[str, Any]
) -> None:
    problems: list[str] = []
    page.goto(url_for(live_server, "assessment:citizen_status", "kk"))
    page.locator("input[name='number']").fill(world["referral"].number)
    page.locator("input[name='iin']").fill(world["person"].iin)
    submit(page)
    code = last_code_sent()
    page.locator("input[name='code']").fill(code)
    submit(page)
    main = page.locator("main")
    expect(main).to_contain_text("Ақ таяқ")
    expect(main).not_to_contain_text("H54")
    problems += axe_problems(page, "status page with the programme [kk]")

    dispute = page.locator("main form[action*='/answer/'] button[value='start_dispute']")
    with page.expect_navigation():
        dispute.click()  # the dispute page, naming the measure: nothing is sent yet
    expect(page.locator("h1")).to_contain_text("Ақ таяқ")
    problems += axe_problems(page, "dispute page [kk]")
    with page.expect_navigation():
        page.locator("main form button[value='dispute']").click()  # no explanation: refused
    expect(page.locator("main .error-summary")).to_be_visible()
    problems += axe_problems(page, "dispute without an explanation [kk]")

    page.locator("textarea[name='text']").fill("Таяқ тым қысқа")
    with page.expect_navigation():
        page.locator("main form button[value='dispute']").click()
    expect(main).to_contain_text("Ақ таяқ")
    world["cane"].refresh_from_db()
    assert (world["cane"].status, world["cane"].dispute_count) == (MeasureStatus.ACCEPTED, 1)
    problems += axe_problems(page, "status page after the dispute [kk]")
    assert not problems, "\n".join(problems)


def test_the_staff_pages_pass_axe(page: Page, live_server: Any, world: dict[str, Any]) -> None:
    problems: list[str] = []
    sign_in(page, live_server, world["specialist"].username, PASSWORD, "kk")
    programme_id = world["cane"].programme_id
    page.goto(
        url_for(
            live_server, "rehabilitation:programme_timeline", "kk", {"programme_id": programme_id}
        )
    )
    expect(page.locator("main")).to_contain_text("Ақ таяқ")
    problems += axe_problems(page, "timeline [kk]")

    page.context.clear_cookies()
    sign_in(page, live_server, world["officer"].username, PASSWORD, "kk")
    for name, kwargs in (
        ("rehabilitation:quota_list", None),
        ("rehabilitation:quota_create", None),
        ("rehabilitation:placement_edit", {"measure_id": world["job"].pk}),
    ):
        page.goto(url_for(live_server, name, "kk", kwargs))
        problems += axe_problems(page, f"{name} [kk]")
        if name != "rehabilitation:quota_list":
            page.locator("input[name='employer_bin']").fill("123456789012")
            submit(page)
            expect(page.locator("#id_employer_bin")).to_have_attribute("aria-invalid", "true")
            problems += axe_problems(page, f"{name} with errors [kk]")
    assert not problems, "\n".join(problems)


def test_the_registers_year_filter_stands_apart_from_the_empty_register(
    page: Page, live_server: Any, world: dict[str, Any]
) -> None:
    """The "Show" button used to touch the empty state's border below it."""
    sign_in(page, live_server, world["officer"].username, PASSWORD, "kk")
    page.goto(url_for(live_server, "rehabilitation:quota_list", "kk") + "?year=2016")
    form = page.locator("main form.form--inline").bounding_box()
    empty = page.locator("main .empty-state").bounding_box()
    assert form is not None
    assert empty is not None
    assert empty["y"] - (form["y"] + form["height"]) >= 16
