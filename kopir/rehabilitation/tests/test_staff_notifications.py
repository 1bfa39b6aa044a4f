"""The measures' events reach, as staff notifications, the officers of the organisation that holds
the measure and nobody else (`services/staff_alerts.py`), in the transaction of the event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.notices.forms import StaffNotificationPreferenceForm
from kopir.notices.models import StaffNotification
from kopir.notices.tests.helpers import told
from kopir.rehabilitation.models import Measure, MeasureStatus
from kopir.rehabilitation.services import staff_alerts
from kopir.rehabilitation.services.approval import programme_approve
from kopir.rehabilitation.services.citizen import measure_dispute
from kopir.rehabilitation.services.deadlines import measures_sweep_deadlines
from kopir.rehabilitation.services.execution import measure_redirect
from kopir.rehabilitation.tests.agency_fixtures import *  # noqa: F403
from kopir.rehabilitation.tests.agency_fixtures import linked_measure

pytestmark = pytest.mark.django_db


def officer_of(organisation: Any) -> Any:
    return UserFactory.create(organisation=organisation, roles=[Role.AGENCY_OFFICER])


def test_approval_tells_each_routed_organisations_officers_of_its_own_measures(
    draft, head, executors
):
    officers = {key: officer_of(organisation) for key, organisation in executors.items()}
    outsider = officer_of(OrganisationFactory.create(kind=OrganisationKind.CAREER_CENTRE))

    draft.refresh_from_db()
    programme_approve(actor=head, programme_version=draft, expected_version=draft.version)

    by_user = told(staff_alerts.MEASURE_ASSIGNED)
    assert outsider.pk not in by_user
    assert head.pk not in by_user
    for measure in Measure.objects.filter(programme=draft.programme):
        officer = next(o for o in officers.values() if o.organisation_id == measure.organisation_id)
        assert [n.url_args for n in by_user[officer.pk]].count([str(measure.pk)]) == 1
        assert all(
            Measure.objects.get(pk=int(n.url_args[0])).organisation_id == officer.organisation_id
            for n in by_user[officer.pk]
        )


def _redirect(measure, officer, other_agency) -> None:
    """`officer` passes the measure on to `other_agency` as not theirs to carry out."""
    measure_redirect(
        actor=officer,
        measure=measure,
        expected_version=measure.version,
        to_organisation=other_agency,
        reason="Not our competence.",
    )


def test_a_redirect_tells_the_receiving_officers_only(
    measure, officer, other_agency, other_officer
):
    colleague = officer_of(measure.organisation)
    outsider = officer_of(OrganisationFactory.create(kind=OrganisationKind.CAREER_CENTRE))

    _redirect(measure, officer, other_agency)

    by_user = told(staff_alerts.MEASURE_REDIRECTED)
    assert set(by_user) == {other_officer.pk}
    assert colleague.pk not in by_user
    assert outsider.pk not in by_user
    notification = by_user[other_officer.pk][0]
    assert notification.url_name == "rehabilitation:agency_measure"
    assert notification.url_args == [str(measure.pk)]
    assert notification.text() == (
        f"Measure № {measure.pk} was passed to your organisation by another organisation."
    )


def _redirect_then_fail(measure, officer, other_agency) -> None:
    with transaction.atomic():
        _redirect(measure, officer, other_agency)
        raise RuntimeError("the caller's transaction fails")


def test_a_redirect_that_rolls_back_tells_nobody(measure, officer, other_agency, other_officer):
    with pytest.raises(RuntimeError):
        _redirect_then_fail(measure, officer, other_agency)

    assert not StaffNotification.objects.exists()


def test_a_dispute_tells_the_holding_organisations_officers(agency, officer, other_officer):
    measure = linked_measure(
        agency, status=MeasureStatus.DELIVERED, delivered_on=timezone.localdate()
    )

    measure_dispute(
        measure_id=measure.pk, person_id=measure.person_id, text="Сай емес", client="127.0.0.9"
    )

    by_user = told(staff_alerts.MEASURE_DISPUTED)
    assert set(by_user) == {officer.pk}
    assert by_user[officer.pk][0].url_args == [str(measure.pk)]


def test_an_escalation_tells_the_holders_officers_once_per_sweep(agency, officer, other_officer):
    today = timezone.localdate()
    for _ in range(2):
        linked_measure(agency, status=MeasureStatus.ASSIGNED, due_on=today - dt.timedelta(days=3))

    measures_sweep_deadlines(today=today)

    by_user = told(staff_alerts.MEASURES_ESCALATED)
    assert set(by_user) == {officer.pk}
    assert [n.text() for n in by_user[officer.pk]] == [
        "Overdue measures of your organisation were escalated: 2."
    ]


def test_an_officers_preferences_offer_the_measure_kinds_and_the_recommendations(officer):
    form = StaffNotificationPreferenceForm(user=officer)
    keys = {key for key, _label in form.fields["email_kinds"].choices}  # type: ignore[attr-defined]
    # Other tests may register kinds of their own in the same process.
    offered = {
        key for key in keys if key.split(".")[0] in {"assessment", "council", "rehabilitation"}
    }

    assert offered == {
        staff_alerts.MEASURE_ASSIGNED,
        staff_alerts.MEASURE_REDIRECTED,
        staff_alerts.MEASURE_DISPUTED,
        staff_alerts.MEASURES_ESCALATED,
        "council.recommendation_new",
        "council.answer_rejected",
        "council.recommendation_due",
    }


def test_the_top_tier_where_the_organisation_reports_to_nobody_tells_the_programmes_division(
    agency, officer
):
    today = timezone.localdate()
    measure = linked_measure(
        agency,
        status=MeasureStatus.ASSIGNED,
        due_on=today - dt.timedelta(days=60),
        escalation_tier=2,
        escalated_at=timezone.now() - dt.timedelta(days=30),
    )
    division_head = UserFactory.create(
        organisation=measure.programme.division, roles=[Role.MSE_HEAD]
    )
    other_head = UserFactory.create(
        organisation=OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION),
        roles=[Role.MSE_HEAD],
    )

    measures_sweep_deadlines(today=today)

    measure.refresh_from_db()
    assert measure.escalation_tier == staff_alerts.TOP_TIER
    by_user = told(staff_alerts.MEASURES_ESCALATED_TO_DIVISION)
    assert set(by_user) == {division_head.pk}
    assert other_head.pk not in by_user
    assert by_user[division_head.pk][0].url_name == "rehabilitation:programme_list"
    assert set(told(staff_alerts.MEASURES_ESCALATED)) == {officer.pk}
