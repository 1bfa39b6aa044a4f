"""The dashboards' pages: who may open them, what they show (aggregates, never a person or a
case number), the chart's text alternative and the table beside it, and a query count that does
not grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.tests.referrals import sent_referral
from kopir.rehabilitation.models import Measure
from kopir.rehabilitation.models.execution import MeasureStatus
from kopir.rehabilitation.tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

MSE_Q1 = reverse("oversight:mse") + "?period=2026-Q1"
REHABILITATION_Q1 = reverse("oversight:rehabilitation") + "?period=2026-Q1"
MONDAY = dt.date(2026, 2, 2)


@pytest.mark.parametrize("reader", ["secretary", "member", "mse_head"])
@pytest.mark.parametrize("url", [reverse("oversight:index"), MSE_Q1, REHABILITATION_Q1])
def test_council_roles_and_mse_heads_open_the_dashboards(
    reader: str, url: str, request: pytest.FixtureRequest
) -> None:
    response = signed_in(Client(), request.getfixturevalue(reader)).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("outsider", ["clinician", "agency_officer"])
@pytest.mark.parametrize("url", [MSE_Q1, REHABILITATION_Q1])
def test_other_staff_may_not(outsider: str, url: str, request: pytest.FixtureRequest) -> None:
    response = signed_in(Client(), request.getfixturevalue(outsider)).get(url)
    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(MSE_Q1)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_page_shows_aggregates_and_never_a_case(secretary: Any) -> None:
    large = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_en="A large clinic")
    small = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_en="B small clinic")
    referrals = [sent_referral(large, MONDAY, returns=1) for _ in range(6)]
    referrals += [sent_referral(small, MONDAY) for _ in range(2)]
    page = signed_in(Client(), secretary).get(MSE_Q1).content.decode()
    for referral in referrals:
        assert referral.number not in page
        assert referral.person.iin not in page
        assert referral.person.last_name not in page
    assert "&lt;5" in page  # the small clinic
    assert 'role="img"' in page
    assert 'aria-labelledby="mse-chart-summary"' in page
    assert '<caption id="mse-table-caption">' in page
    assert page.count('<details class="definition">') == 6
    assert "url(#mse-chart-hatch)" in page  # the second series told apart by a pattern


def test_a_period_that_is_not_offered_is_an_error_and_reads_nothing(secretary: Any) -> None:
    url = reverse("oversight:mse") + "?period=2026-02-01"
    response = signed_in(Client(), secretary).get(url)
    assert response.status_code == 200
    assert response.context["dashboard"] is None
    assert "error-summary" in response.content.decode()


def _clinic_with_decided_referrals() -> None:
    clinic = OrganisationFactory(kind=OrganisationKind.MEDICAL)
    for _ in range(6):
        sent_referral(clinic, MONDAY, decided_on=dt.date(2026, 2, 10))


def test_the_page_reads_as_many_queries_whatever_the_data(secretary: Any) -> None:
    client = signed_in(Client(), secretary)
    _clinic_with_decided_referrals()
    client.get(MSE_Q1)  # the session and the menu, read once
    with CaptureQueriesContext(connection) as one_clinic:
        client.get(MSE_Q1)
    for _ in range(3):
        _clinic_with_decided_referrals()
    with CaptureQueriesContext(connection) as four_clinics:
        response = client.get(MSE_Q1)
    # Four clinics sent 6 each (every clinic in scope has a row, the persons' clinics too).
    rows = response.context["dashboard"].rows
    assert sum(1 for row in rows if not row.sent.suppressed) == 4
    assert len(four_clinics) == len(one_clinic) <= 20


def test_the_rehabilitation_page_shows_its_tables_and_chart(secretary: Any) -> None:
    holder = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL, name_en="Agency A")
    for _ in range(5):
        MeasureFactory.create(
            organisation=holder,
            status=MeasureStatus.DELIVERED,
            due_on=dt.date(2026, 3, 1),
            delivered_on=dt.date(2026, 2, 1),
        )
    page = signed_in(Client(), secretary).get(REHABILITATION_Q1).content.decode()
    assert 'aria-labelledby="rehabilitation-chart-summary"' in page
    for caption in ("by-organisation-caption", "by-type-caption", "by-reason-caption"):
        assert f'<caption id="{caption}">' in page
    assert page.count('<details class="definition">') == 8
    for measure in Measure.objects.select_related("person"):
        assert measure.person.iin not in page


def test_the_division_head_drills_down_to_the_cases_of_a_clinic_in_their_own_queue(
    mse_head: Any, secretary: Any
) -> None:
    from kopir.assessment.models import ReferralStatus
    from kopir.assessment.tests.factories import ReferralFactory

    ours = OrganisationFactory.create(kind=OrganisationKind.MEDICAL, name_en="A clinic of ours")
    on_time = OrganisationFactory.create(kind=OrganisationKind.MEDICAL, name_en="C on time")
    theirs = OrganisationFactory.create(kind=OrganisationKind.MEDICAL, name_en="B clinic elsewhere")
    referral = sent_referral(ours, MONDAY, due_on=dt.date(2026, 2, 5))
    today = timezone.localdate()
    # One overdue case in the division's own queue: the page publishes "<5" for such a clinic,
    # the queue has it to open.
    ReferralFactory.create(
        medical_organisation=ours,
        mse_division=mse_head.organisation,
        status=ReferralStatus.ACCEPTED,
        first_sent_at=referral.first_sent_at,
        step_due_on=today - dt.timedelta(days=3),
    )
    # A clinic whose cases in the queue are all within their deadline (or decided and past one):
    # its overdue queue would be empty, so no link.
    for status, due in (
        (ReferralStatus.ACCEPTED, today + dt.timedelta(days=30)),
        (ReferralStatus.NOTIFIED, today - dt.timedelta(days=3)),
    ):
        ReferralFactory.create(
            medical_organisation=on_time,
            mse_division=mse_head.organisation,
            status=status,
            first_sent_at=referral.first_sent_at,
            step_due_on=due,
        )
    sent_referral(on_time, MONDAY, due_on=dt.date(2026, 2, 5))
    sent_referral(theirs, MONDAY)
    with translation.override("kk"):  # the language of MSE_Q1's address, so of the page
        queue = reverse("assessment:division_queue")

    response = signed_in(Client(), mse_head).get(MSE_Q1)
    page = response.content.decode()
    clinics = {row.clinic_id for row in response.context["dashboard"].rows}
    assert {ours.pk, on_time.pk, theirs.pk} <= clinics  # each has its row
    assert f'href="{queue}?clinic={ours.pk}&amp;overdue=on"' in page
    assert f"?clinic={on_time.pk}&amp;" not in page  # nothing overdue to open
    assert f"?clinic={theirs.pk}&amp;" not in page  # no case of theirs is in this queue
    # The link leads to the division's own queue, narrowed to the clinic, with the case in it.
    opened = signed_in(Client(), mse_head).get(f"{queue}?clinic={ours.pk}&overdue=on")
    assert opened.status_code == 200
    assert [row.referral.medical_organisation_id for row in opened.context["page"].rows] == [
        ours.pk
    ]
    # The council reads aggregates only: no way to a case.
    council_page = signed_in(Client(), secretary).get(MSE_Q1).content.decode()
    assert queue not in council_page


def test_no_drill_down_column_when_the_division_has_nothing_overdue(mse_head: Any) -> None:
    clinic = OrganisationFactory.create(kind=OrganisationKind.MEDICAL, name_en="A clinic")
    sent_referral(clinic, MONDAY, due_on=dt.date(2026, 2, 5))  # overdue, another division's
    page = signed_in(Client(), mse_head).get(MSE_Q1).content.decode()
    with translation.override("kk"):
        queue = reverse("assessment:division_queue")
        heading = gettext("Your division's cases")
    assert queue + "?clinic=" not in page
    assert heading not in page
