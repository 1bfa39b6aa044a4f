"""Rehabilitation's events reach the exchange's outbox, in the change's transaction, addressed to
the organisation that holds the measure, with no diagnosis in the payload."""

from __future__ import annotations

import pytest
from django.db import transaction

from kopir.core.errors import ConflictError
from kopir.exchange.models import Delivery, OutboxEvent
from kopir.exchange.tests.factories import SubscriptionFactory
from kopir.rehabilitation.models import Measure
from kopir.rehabilitation.services.approval import programme_approve

pytestmark = pytest.mark.django_db

MEASURE_KINDS = ["rehabilitation.measure.assigned"]


def _approve(version, actor):
    version.refresh_from_db()
    return programme_approve(
        actor=actor, programme_version=version, expected_version=version.version
    )


def test_an_approval_writes_one_event_per_measure_and_one_for_the_programme(draft, head, executors):
    systems = {
        kind: SubscriptionFactory.create(organisation=organisation, event_kinds=MEASURE_KINDS)
        for kind, organisation in executors.items()
    }
    division_system = SubscriptionFactory.create(
        organisation=draft.programme.division, event_kinds=["rehabilitation.programme.approved"]
    )
    _approve(draft, head)
    measures = list(
        Measure.objects.filter(programme=draft.programme).select_related("measure_type")
    )
    assigned = OutboxEvent.objects.filter(kind="rehabilitation.measure.assigned")
    assert assigned.count() == len(measures)
    diagnosis = draft.programme.referral.primary_diagnosis.code
    for measure in measures:
        event = assigned.get(subject=f"rehabilitation.measure:{measure.pk}")
        assert event.payload["measure_code"] == measure.measure_type.code
        assert event.payload["person_iin"] == measure.person.iin
        assert diagnosis not in str(event.payload)
        # Delivered only to the system of the organisation that holds the measure.
        holder = systems[measure.measure_type.executor_kind]
        assert list(
            Delivery.objects.filter(event=event).values_list("subscription", flat=True)
        ) == [holder.pk]
    approved = OutboxEvent.objects.get(kind="rehabilitation.programme.approved")
    assert approved.payload["programme_number"] == draft.programme.number
    assert sorted(approved.payload["measure_codes"]) == sorted(
        m.measure_type.code for m in measures
    )
    assert Delivery.objects.filter(event=approved, subscription=division_system).exists()


def test_a_refused_approval_leaves_no_event(draft, head, executors):
    # A stale version: the approval is refused, and its transaction leaves nothing behind.
    draft.refresh_from_db()
    with pytest.raises(ConflictError), transaction.atomic():
        programme_approve(actor=head, programme_version=draft, expected_version=draft.version + 1)
    assert not OutboxEvent.objects.filter(kind__startswith="rehabilitation.").exists()
