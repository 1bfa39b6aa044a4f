"""Routing chooses the most specific rule; a handoff starts the new owner's clock and links the
person to that organisation only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from kopir.accounts.tests.factories import UserFactory
from kopir.core.working_days import add_working_days
from kopir.directory.models import Organisation, OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.exchange.models import MessageStatus
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation.models import Measure
from kopir.rehabilitation.services.routing import (
    handoff_acknowledge,
    handoff_answer,
    handoff_record,
    routing_rule_for,
)
from kopir.rehabilitation.tests.factories import (
    MeasureFactory,
    MeasureTypeFactory,
    RoutingRuleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    region = TerritoryFactory.create(kato="270000000", level=TerritoryLevel.REGION)
    district = TerritoryFactory.create(
        kato="273600000", level=TerritoryLevel.DISTRICT, parent=region
    )
    village = TerritoryFactory.create(
        kato="273630100", level=TerritoryLevel.SETTLEMENT, parent=district
    )
    return region, district, village


def test_the_most_specific_territory_and_the_measure_code_win(places):
    region, district, village = places
    job = MeasureTypeFactory.create(
        code="job-placement", executor_kind=OrganisationKind.CAREER_CENTRE
    )
    regional = RoutingRuleFactory.create(
        executor_kind=OrganisationKind.CAREER_CENTRE, territory=region
    )
    assert routing_rule_for(measure_type=job, territory=village) == regional
    by_district = RoutingRuleFactory.create(
        executor_kind=OrganisationKind.CAREER_CENTRE, territory=district
    )
    assert routing_rule_for(measure_type=job, territory=village) == by_district
    # A rule for this very measure beats a rule for its kind, even a region's over a district's.
    for_the_code = RoutingRuleFactory.create(
        measure_code="job-placement", executor_kind=OrganisationKind.CAREER_CENTRE, territory=region
    )
    assert routing_rule_for(measure_type=job, territory=village) == for_the_code


def test_no_rule_for_another_kind_or_another_territory(places):
    region, _district, village = places
    job = MeasureTypeFactory.create(
        code="job-placement", executor_kind=OrganisationKind.CAREER_CENTRE
    )
    RoutingRuleFactory.create(executor_kind=OrganisationKind.HEALTH_OFFICE, territory=region)
    RoutingRuleFactory.create(
        executor_kind=OrganisationKind.CAREER_CENTRE,
        territory=TerritoryFactory.create(kato="271000000", level=TerritoryLevel.REGION),
    )
    assert routing_rule_for(measure_type=job, territory=village) is None


def _hand_to_a_career_centre(**when: Any) -> tuple[Measure, Organisation, Any]:
    """A measure handed from its organisation to a career centre, which is responsible."""
    measure = MeasureFactory.create()
    career_centre = OrganisationFactory.create(kind=OrganisationKind.CAREER_CENTRE)
    with transaction.atomic():
        handoff = handoff_record(
            measure=measure,
            to_organisation=career_centre,
            from_organisation=measure.organisation,
            by=None,
            reason="Жұмысқа орналастыру — карьера орталығының құзыреті.",
            **when,
        )
    return measure, career_centre, handoff


def test_a_handoff_starts_the_new_owners_clock_and_links_only_that_organisation():
    at = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    measure, career_centre, handoff = _hand_to_a_career_centre(at=at)
    assert handoff.due_on == add_working_days(dt.date(2026, 12, 7), 30)
    links = PersonLink.objects.filter(person=measure.person, basis=LinkBasis.REHABILITATION)
    assert list(links.values_list("organisation", flat=True)) == [career_centre.pk]


@pytest.mark.django_db(transaction=True)
def test_a_handoff_outside_a_transaction_is_refused():
    measure = MeasureFactory.create()
    with pytest.raises(RuntimeError):
        handoff_record(
            measure=measure, to_organisation=measure.organisation, from_organisation=None, by=None
        )


def test_each_handoff_is_a_tracked_message_acknowledged_on_acceptance_and_answered_with_the_result():
    measure, career_centre, handoff = _hand_to_a_career_centre()
    officer = UserFactory.create(organisation=career_centre)
    message = handoff.message
    assert message is not None
    assert (message.sender, message.recipient) == (measure.organisation, career_centre)
    assert message.status == MessageStatus.SENT
    assert message.due_on == handoff.due_on
    with transaction.atomic():
        handoff_acknowledge(measure=measure, actor=officer)
    message.refresh_from_db()
    assert message.status == MessageStatus.ACKNOWLEDGED
    assert message.delivered_at is not None
    with transaction.atomic():
        handoff_answer(measure=measure, actor=officer, answer="Ұсынылды.")
        # A second report answers nothing twice.
        handoff_answer(measure=measure, actor=officer, answer="Қайта.")
    message.refresh_from_db()
    assert (message.status, message.answer) == (MessageStatus.ANSWERED, "Ұсынылды.")
