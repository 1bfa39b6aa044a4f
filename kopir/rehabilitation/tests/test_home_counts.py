"""The agency's measure counts on the signed-in home page: new, overdue, at risk and disputed,
for the officer's own organisation only, each the rows of the work list it opens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.rehabilitation.models import MeasureStatus
from kopir.rehabilitation.selectors import home
from kopir.rehabilitation.tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def _one_of_each_open_kind(agency: Organisation) -> None:
    """Two new measures, then one each overdue, at risk and disputed."""
    MeasureFactory.create_batch(2, organisation=agency, status=MeasureStatus.ASSIGNED)
    MeasureFactory(organisation=agency, status=MeasureStatus.ACCEPTED, overdue=True)
    MeasureFactory(organisation=agency, status=MeasureStatus.SCHEDULED, at_risk=True)
    MeasureFactory(organisation=agency, status=MeasureStatus.ACCEPTED, dispute_count=1)


def test_an_officer_counts_their_organisations_new_overdue_at_risk_and_disputed_measures():
    agency = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    other = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    officer = UserFactory(organisation=agency, roles=[Role.AGENCY_OFFICER])
    _one_of_each_open_kind(agency)
    # Done: neither overdue nor disputed any more, whatever the stored flags say.
    MeasureFactory(
        organisation=agency, status=MeasureStatus.DELIVERED, overdue=True, dispute_count=1
    )
    MeasureFactory(organisation=other, status=MeasureStatus.ASSIGNED, overdue=True, at_risk=True)

    assert home.new_count(officer) == 2
    assert home.overdue_count(officer) == 1
    assert home.at_risk_count(officer) == 1
    assert home.disputed_count(officer) == 1
    outsider = UserFactory(organisation=other, roles=[Role.AGENCY_OFFICER])
    assert (home.new_count(outsider), home.overdue_count(outsider)) == (1, 1)


@pytest.mark.parametrize(
    ("count", "url"),
    [
        (home.new_count, home.new_url),
        (home.overdue_count, home.overdue_url),
        (home.at_risk_count, home.at_risk_url),
        # The disputed count opened the whole work list: it has its own filter now.
        (home.disputed_count, home.disputed_url),
    ],
)
def test_each_count_opens_the_work_list_filtered_to_the_same_measures(count, url):
    agency = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    officer = UserFactory(organisation=agency, roles=[Role.AGENCY_OFFICER])
    _one_of_each_open_kind(agency)
    client = Client()
    client.force_login(officer)
    response = client.get(url(officer))
    assert response.status_code == 200
    assert 0 < len(response.context["page"].rows) == count(officer)


def test_the_disputed_filter_is_on_the_work_list_in_kazakh():
    agency = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    officer = UserFactory(organisation=agency, roles=[Role.AGENCY_OFFICER])
    client = Client()
    client.force_login(officer)
    with translation.override("kk"):
        response = client.get(home.disputed_url(officer))
    assert "Тек адам дау айтқандар" in response.content.decode()
    assert response.context["form"]["disputed"].value() is True  # the box shows it ticked
