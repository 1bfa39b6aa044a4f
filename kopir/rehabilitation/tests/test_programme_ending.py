"""A decision that no longer establishes disability ends the person's programme: changed on appeal
to "not established", or a re-examination that does not establish it. The open measures leave
the agencies' work lists through the workflow (cancelled, with the reason), the organisations get
a notice and an exchange event, a delivered measure stays delivered, and the MSE division's
timeline and the citizen status page say it in plain words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kopir.assessment.models import DecisionBasis, Outcome
from kopir.assessment.tests.division_fixtures import NOT_ESTABLISHED
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.tests.fixtures import signed_in
from kopir.exchange.models import Message, MessageStatus, OutboxEvent
from kopir.notices.models import Notice
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation.models import Handoff, Measure, MeasureStatus, ProgrammeVersionStatus
from kopir.rehabilitation.selectors.execution import WorkFilter, work_queryset
from kopir.rehabilitation.selectors.timeline import Audience, person_timeline
from kopir.rehabilitation.services.approval import programme_approve
from kopir.rehabilitation.services.execution import measure_accept
from kopir.rehabilitation.services.programme import programme_draft_on_decision
from kopir.rehabilitation.tests.fixtures import appeal_changed, decided_case, draft_of, status_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]

APPEAL_REASON = "changed on appeal and no longer establishes disability"


def _approved(draft, head):
    draft.refresh_from_db()
    return programme_approve(actor=head, programme_version=draft, expected_version=draft.version)


def _appeal_to_not_established(referral, head, reviewer):
    return appeal_changed(referral, head, reviewer, NOT_ESTABLISHED)


def _worked(approved, agency_officer):
    """One measure delivered, one accepted by its organisation, the rest assigned."""
    measures = list(Measure.objects.filter(programme=approved.programme).order_by("pk"))
    assert len(measures) >= 3
    delivered, accepted = measures[0], measures[1]
    Measure.objects.filter(pk=delivered.pk).update(
        status=MeasureStatus.DELIVERED,
        delivered_on=timezone.localdate(),
        closed_at=timezone.now(),
    )
    held = Measure.objects.filter(
        programme=approved.programme, organisation=agency_officer.organisation
    ).exclude(pk=delivered.pk)
    accepted = held.first() or accepted
    if accepted.organisation_id == agency_officer.organisation_id:
        accepted = measure_accept(
            actor=agency_officer, measure=accepted, expected_version=accepted.version
        )
    # Overdue before the decision: the flag must not keep it on an "overdue" list afterwards.
    Measure.objects.filter(pk=accepted.pk).update(
        overdue=True, due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    return delivered, accepted, measures


def test_an_appeal_to_not_established_ends_the_programme_and_closes_its_open_measures(
    client, draft, head, reviewer, executors, agency_officer
):
    approved = _approved(draft, head)
    programme = approved.programme
    delivered, overdue, measures = _worked(approved, agency_officer)
    open_before = [m for m in measures if m.pk != delivered.pk]
    events_before = OutboxEvent.objects.count()
    assert Measure.objects.get(pk=overdue.pk).overdue
    assert Measure.objects.get(pk=overdue.pk).status == MeasureStatus.ACCEPTED

    _appeal_to_not_established(programme.referral, head, reviewer)

    approved.refresh_from_db()
    assert approved.status == ProgrammeVersionStatus.ENDED
    assert approved.ended_at is not None
    decision = approved.ended_by_decision
    assert (decision.outcome, decision.basis) == (Outcome.NOT_ESTABLISHED, DecisionBasis.APPEAL)
    # No draft follows a decision that establishes nothing, and none is left approved.
    assert not programme.versions.filter(
        status__in=(ProgrammeVersionStatus.DRAFT, ProgrammeVersionStatus.APPROVED)
    ).exists()

    # Delivered stays delivered; every open measure is cancelled through the workflow.
    delivered.refresh_from_db()
    assert delivered.status == MeasureStatus.DELIVERED
    assert not delivered.events.filter(to_status=MeasureStatus.CANCELLED).exists()
    for measure in open_before:
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.CANCELLED, measure.measure_type.code
        assert measure.closed_at is not None
        assert not measure.overdue
        event = measure.events.get(to_status=MeasureStatus.CANCELLED)
        assert APPEAL_REASON in event.text

    # The agencies' work lists no longer hold them, "overdue" included.
    for organisation in {m.organisation_id for m in open_before}:
        for flag in (False, True):
            listed = work_queryset(organisation, WorkFilter(overdue=flag))
            assert not listed.filter(programme=programme).exists()

    # Each organisation that held an open measure is told, once per measure; never for the
    # delivered one. The notice says why, and nothing about the person.
    notices = Notice.objects.filter(topic="rehabilitation.measure.closed")
    assert sorted(int(n.related_id) for n in notices) == sorted(m.pk for m in open_before)
    for notice in notices:
        measure = next(m for m in open_before if m.pk == int(notice.related_id))
        assert notice.organisation == measure.organisation
        # In the organisation's language of notices (Kazakh here): "changed on appeal".
        assert "шағым бойынша өзгертілді" in notice.body
        assert programme.person.last_name not in notice.body

    # And their systems hear it through the exchange's outbox.
    cancelled = OutboxEvent.objects.filter(kind="rehabilitation.measure.cancelled")
    assert sorted(e.payload["measure_id"] for e in cancelled) == sorted(m.pk for m in open_before)
    assert all(e.payload["status"] == MeasureStatus.CANCELLED for e in cancelled)
    assert OutboxEvent.objects.count() > events_before

    # The MSE division's timeline says it, with the reason.
    staff = person_timeline(programmes=[programme], audience=Audience.STAFF, viewer=head)
    [ending] = staff.endings
    assert ending.title == f"Programme {programme.number} ended"
    assert APPEAL_REASON in ending.detail

    # The division's programme page shows the version as ended, and its timeline page says why.
    division = signed_in(Client(), head)
    detail = division.get(reverse("rehabilitation:programme_detail", kwargs={"pk": programme.pk}))
    assert detail.status_code == 200
    assert '<span class="tag tag--bad">Ended</span>' in detail.content.decode()
    timeline = division.get(
        reverse("rehabilitation:programme_timeline", kwargs={"programme_id": programme.pk})
    ).content.decode()
    assert f"Programme {programme.number} ended" in timeline
    assert APPEAL_REASON in timeline

    # So does the citizen status page, in plain words.
    page = status_page(client, programme.referral_id)
    assert f"Programme {programme.number} ended" in page
    assert APPEAL_REASON in page
    assert "What was already delivered stays yours" in page
    assert "No longer in your programme" in page


def test_a_re_examination_that_does_not_establish_disability_ends_the_programme(
    draft, head, clinician, person, experts
):
    approved = _approved(draft, head)
    measures = set(
        Measure.objects.filter(programme=approved.programme).values_list("pk", flat=True)
    )
    decided_case(
        clinician, person, head, experts, purpose="re_examination", decision=NOT_ESTABLISHED
    )
    approved.refresh_from_db()
    assert approved.status == ProgrammeVersionStatus.ENDED
    assert approved.ended_by_decision.basis == DecisionBasis.CONCLUSIONS
    assert set(Measure.objects.filter(pk__in=measures).values_list("status", flat=True)) == {
        MeasureStatus.CANCELLED
    }
    note = Measure.objects.get(pk=min(measures)).events.get(to_status="cancelled").text
    assert "re-examination no longer establishes disability" in note


def test_a_draft_ends_with_the_programme_and_a_later_established_decision_starts_afresh(
    clinician, person, head, reviewer, experts, executors
):
    referral = decided_case(clinician, person, head, experts)
    draft = draft_of(referral)
    _appeal_to_not_established(referral, head, reviewer)
    draft.refresh_from_db()
    assert draft.status == ProgrammeVersionStatus.ENDED
    assert not Measure.objects.exists()  # never approved, so nothing was routed
    # A decision establishing disability again (here the first one, standing in for a later
    # one) drafts the next version from the suggestion rules: there is nothing approved to copy.
    established = referral.decisions.get(outcome=Outcome.ESTABLISHED)
    again = programme_draft_on_decision(decision=established, actor=head)
    assert again is not None
    assert again.sequence == draft.sequence + 1
    assert again.status == ProgrammeVersionStatus.DRAFT
    assert again.lines.exists()


def test_an_ended_programme_withdraws_its_open_handoffs_and_the_links_it_no_longer_needs(
    draft, head, reviewer, executors, agency_officer
):
    approved = _approved(draft, head)
    programme = approved.programme
    delivered, _accepted, measures = _worked(approved, agency_officer)
    cancelled = [m for m in measures if m.pk != delivered.pk]
    links_before = set(
        PersonLink.objects.filter(
            person_id=programme.person_id, basis=LinkBasis.REHABILITATION
        ).values_list("organisation_id", flat=True)
    )
    assert {m.organisation_id for m in measures} <= links_before

    _appeal_to_not_established(programme.referral, head, reviewer)

    # Every cancelled measure's handoff message leaves its recipient's open messages, saying why.
    for measure in cancelled:
        handoff = Handoff.objects.filter(measure=measure, message__isnull=False).latest("at")
        assert handoff.message_id is not None
        message = Message.objects.get(pk=handoff.message_id)
        assert message.status == MessageStatus.WITHDRAWN
        assert APPEAL_REASON in message.withdrawal_reason
    # An organisation reaches the person only while it holds a live measure of theirs: the one
    # that delivered keeps its link; one that held only cancelled measures loses it, audited.
    links_after = set(
        PersonLink.objects.filter(
            person_id=programme.person_id, basis=LinkBasis.REHABILITATION
        ).values_list("organisation_id", flat=True)
    )
    only_cancelled = {m.organisation_id for m in cancelled} - {delivered.organisation_id}
    assert only_cancelled, "the programme's measures must span more than one organisation"
    assert delivered.organisation_id in links_after
    assert not links_after & only_cancelled
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE, target_type="people.personlink"
    ).count() >= len(only_cancelled)
