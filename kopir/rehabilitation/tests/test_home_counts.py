"""The agency's measure counts on the signed-in home page: new, overdue, at risk and disputed,
for the officer's own organisation only, each the rows of the work list it opens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.core.registry import HomeItem
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


MEASURE_ITEMS = [
    item for item in home.home_items() if item.key.startswith("rehabilitation.measures_")
]


def _items() -> dict[str, HomeItem]:
    return {item.key.removeprefix("rehabilitation.measures_"): item for item in MEASURE_ITEMS}


def _counts(user: User) -> dict[str, int]:
    return {name: item.count(user) for name, item in _items().items()}


def test_an_officer_counts_their_organisations_new_overdue_at_risk_and_disputed_measures():
    agency = OrganisationFactory.create(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    other = OrganisationFactory.create(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    officer = UserFactory(organisation=agency, roles=[Role.AGENCY_OFFICER])
    _one_of_each_open_kind(agency)
    # Done: neither overdue nor disputed any more, whatever the stored flags say.
    MeasureFactory(
        organisation=agency, status=MeasureStatus.DELIVERED, overdue=True, dispute_count=1
    )
    MeasureFactory(organisation=other, status=MeasureStatus.ASSIGNED, overdue=True, at_risk=True)

    assert _counts(officer) == {"new": 2, "overdue": 1, "at_risk": 1, "disputed": 1}
    outsider = UserFactory(organisation=other, roles=[Role.AGENCY_OFFICER])
    assert _counts(outsider) == {"new": 1, "overdue": 1, "at_risk": 1, "disputed": 0}


# The disputed count opened the whole work list: it has its own filter now.
@pytest.mark.parametrize("item", MEASURE_ITEMS, ids=lambda item: item.key)
def test_each_count_opens_the_work_list_filtered_to_the_same_measures(item):
    count, url = item.count, item.url
    agency = OrganisationFactory.create(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    officer = UserFactory(organisation=agency, roles=[Role.AGENCY_OFFICER])
    _one_of_each_open_kind(agency)
    client = Client()
    client.force_login(officer)
    response = client.get(url(officer))
    assert response.status_code == 200
    assert 0 < len(response.context["page"].rows) == count(officer)


def test_the_disputed_filter_is_on_the_work_list_in_kazakh():
    agency = OrganisationFactory.create(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    officer = UserFactory(organisation=agency, roles=[Role.AGENCY_OFFICER])
    client = Client()
    client.force_login(officer)
    with translation.override("kk"):
        response = client.get(_items()["disputed"].url(officer))
    assert "Тек адам дау айтқандар" in response.content.decode()
    assert response.context["form"]["disputed"].value() is True  # the box shows it ticked
