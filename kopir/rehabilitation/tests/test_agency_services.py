"""The executing organisation's actions through the services: each move, its refusals, the
evidence the catalogue asks for, a redirect's handoff and links, and stale edits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from kopir.audit.models import AuditEvent
from kopir.core import sample_files
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.core.transitions import InvalidTransition
from kopir.core.working_days import add_working_days
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.notices.models import Notice
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation.forms_agency import RedirectForm
from kopir.rehabilitation.models import Handoff, Measure, MeasureEvent, MeasureStatus
from kopir.rehabilitation.services.execution import (
    measure_accept,
    measure_deliver,
    measure_not_deliver,
    measure_redirect,
    measure_schedule,
)
from kopir.rehabilitation.tests.agency_fixtures import *  # noqa: F403
from kopir.rehabilitation.tests.agency_fixtures import linked_measure

pytestmark = pytest.mark.django_db
S = MeasureStatus


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    events: list[tuple[str, int]] = []
    monkeypatch.setattr(
        "kopir.rehabilitation.services.execution.publish",
        lambda kind, record: events.append((kind, record.pk)),
    )
    return events


def _pdf(name: str = "act.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_files.pdf("Handover act"), "application/pdf")


def _accepted(measure: Measure, officer: Any) -> Measure:
    return measure_accept(actor=officer, measure=measure, expected_version=measure.version)


def _passed_on(measure: Measure, officer: Any, to: Organisation) -> Measure:
    """The accepted measure redirected to `to` for the career centre's competence."""
    return measure_redirect(
        actor=officer,
        measure=measure,
        expected_version=2,
        to_organisation=to,
        reason="Жұмысқа орналастыру — карьера орталығының құзыреті.",
    )


def test_accepting_makes_the_officer_its_officer_writes_the_timeline_and_publishes(
    measure: Measure, officer: Any, published: list[tuple[str, int]]
) -> None:
    saved = measure_accept(actor=officer, measure=measure, expected_version=1)
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.status, stored.officer_id, stored.version) == (S.ACCEPTED, officer.pk, 2)
    assert saved.version == 2
    event = MeasureEvent.objects.get(measure=measure)
    assert (event.from_status, event.to_status, event.organisation_id) == (
        S.ASSIGNED,
        S.ACCEPTED,
        officer.organisation_id,
    )
    assert published == [("measure.accepted", measure.pk)]
    assert AuditEvent.objects.filter(target_id=str(measure.pk), action="update").count() == 1


def test_another_organisation_may_not_act_on_the_measure(
    measure: Measure, other_officer: Any
) -> None:
    with pytest.raises(AccessDenied):
        measure_accept(actor=other_officer, measure=measure, expected_version=1)
    assert Measure.objects.get(pk=measure.pk).status == S.ASSIGNED


def test_a_stale_version_is_a_conflict_and_changes_nothing(measure: Measure, officer: Any) -> None:
    _accepted(measure, officer)
    stale = Measure.objects.get(pk=measure.pk)
    measure_schedule(
        actor=officer,
        measure=measure,
        expected_version=2,
        scheduled_on=timezone.localdate() + dt.timedelta(days=3),
    )
    with pytest.raises(ConflictError):
        measure_not_deliver(
            actor=officer, measure=stale, expected_version=2, reason="refused", text=""
        )
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.status, stored.not_delivered_reason, stored.version) == (S.SCHEDULED, "", 3)


def test_scheduling_needs_an_accepted_measure_and_a_date_not_in_the_past(
    measure: Measure, officer: Any
) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidTransition):
        measure_schedule(actor=officer, measure=measure, expected_version=1, scheduled_on=tomorrow)
    _accepted(measure, officer)
    with pytest.raises(ValidationError) as refused:
        measure_schedule(
            actor=officer,
            measure=measure,
            expected_version=2,
            scheduled_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert list(refused.value.message_dict) == ["scheduled_on"]
    measure_schedule(actor=officer, measure=measure, expected_version=2, scheduled_on=tomorrow)
    # A scheduled date may be moved.
    later = tomorrow + dt.timedelta(days=7)
    measure_schedule(actor=officer, measure=measure, expected_version=3, scheduled_on=later)
    assert Measure.objects.get(pk=measure.pk).scheduled_on == later


def test_a_step_of_an_accepted_measure_on_an_assigned_one_says_to_accept_it_first(
    measure: Measure, officer: Any
) -> None:
    """Reporting or scheduling a measure nobody has accepted (from a page kept open, or an
    address typed) tells the way on, not that one status cannot become another; a closed
    measure is still told so in the table's words."""
    today = timezone.localdate()
    steps = [
        lambda: measure_schedule(
            actor=officer, measure=measure, expected_version=1, scheduled_on=today
        ),
        lambda: measure_deliver(
            actor=officer, measure=measure, expected_version=1, delivered_on=today
        ),
        lambda: measure_not_deliver(
            actor=officer, measure=measure, expected_version=1, reason="refused"
        ),
    ]
    for step in steps:
        with translation.override("kk"), pytest.raises(InvalidTransition) as refused:
            step()
        assert "Алдымен іс-шараны оның бетінде қабылдаңыз" in str(refused.value)
    assert Measure.objects.get(pk=measure.pk).status == S.ASSIGNED
    _accepted(measure, officer)
    measure_not_deliver(actor=officer, measure=measure, expected_version=2, reason="refused")
    with translation.override("en"), pytest.raises(InvalidTransition) as closed:
        measure_schedule(actor=officer, measure=measure, expected_version=3, scheduled_on=today)
    assert "cannot go from “Not delivered” to “Scheduled”" in str(closed.value)


def test_delivery_names_each_missing_piece_of_evidence_the_catalogue_asks_for(
    agency: Organisation, officer: Any
) -> None:
    measure = linked_measure(
        agency, line__measure_type__evidence_required=["document", "date", "serial", "supplier"]
    )
    _accepted(measure, officer)
    with pytest.raises(ValidationError) as refused:
        measure_deliver(actor=officer, measure=measure, expected_version=2, delivered_on=None)
    assert set(refused.value.message_dict) == {
        "delivered_on",
        "evidence_document",
        "serial_number",
        "supplier",
    }
    assert Measure.objects.get(pk=measure.pk).status == S.ACCEPTED


def test_the_date_of_delivery_is_not_in_the_future_nor_before_the_assignment(
    measure: Measure, officer: Any
) -> None:
    _accepted(measure, officer)
    today = timezone.localdate()
    for wrong in (today + dt.timedelta(days=1), today - dt.timedelta(days=3)):
        with pytest.raises(ValidationError) as refused:
            measure_deliver(
                actor=officer,
                measure=measure,
                expected_version=2,
                delivered_on=wrong,
                serial_number="SN-1",
            )
        assert list(refused.value.message_dict) == ["delivered_on"], wrong


def test_a_document_that_is_not_what_it_claims_is_refused(measure: Measure, officer: Any) -> None:
    _accepted(measure, officer)
    fake = SimpleUploadedFile("act.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(ValidationError) as refused:
        measure_deliver(
            actor=officer,
            measure=measure,
            expected_version=2,
            delivered_on=timezone.localdate(),
            serial_number="SN-1",
            document=fake,
        )
    assert list(refused.value.message_dict) == ["evidence_document"]


def test_a_delivery_with_its_evidence_closes_the_measure(
    agency: Organisation, officer: Any, published: list[tuple[str, int]]
) -> None:
    measure = linked_measure(
        agency, line__measure_type__evidence_required=["document", "date", "serial", "supplier"]
    )
    Measure.objects.filter(pk=measure.pk).update(overdue=True)
    measure.refresh_from_db()
    _accepted(measure, officer)
    measure_deliver(
        actor=officer,
        measure=measure,
        expected_version=2,
        delivered_on=timezone.localdate(),
        document=_pdf(),
        serial_number="  HA-2026-0042 ",
        supplier="ЖШС «Есту әлемі»",
        item_details="Behind-the-ear, right ear",
    )
    stored = Measure.objects.get(pk=measure.pk)
    assert stored.status == S.DELIVERED
    assert stored.serial_number == "HA-2026-0042"
    assert stored.evidence_document.name.endswith(".pdf")
    assert stored.evidence_document.read().startswith(b"%PDF-")
    assert stored.closed_at is not None
    assert not stored.overdue
    assert published[-1] == ("measure.delivered", measure.pk)


def test_a_refused_delivery_leaves_no_stored_document(
    measure: Measure, officer: Any, settings: Any
) -> None:
    _accepted(measure, officer)
    with pytest.raises(ConflictError):
        measure_deliver(
            actor=officer,
            measure=measure,
            expected_version=1,  # stale
            delivered_on=timezone.localdate(),
            serial_number="SN",
            document=_pdf(),
        )
    stored = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert stored == []


def test_not_delivered_needs_a_coded_reason_and_a_text_for_other(
    measure: Measure, officer: Any, published: list[tuple[str, int]]
) -> None:
    _accepted(measure, officer)
    with pytest.raises(ValidationError) as refused:
        measure_not_deliver(actor=officer, measure=measure, expected_version=2, reason="other")
    assert list(refused.value.message_dict) == ["text"]
    with pytest.raises(ValidationError) as refused:
        measure_not_deliver(actor=officer, measure=measure, expected_version=2, reason="bored")
    assert list(refused.value.message_dict) == ["reason"]
    measure_not_deliver(
        actor=officer,
        measure=measure,
        expected_version=2,
        reason="other",
        text="Адам басқа облысқа көшіп кетті.",
    )
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.status, stored.not_delivered_reason) == (S.NOT_DELIVERED, "other")
    assert published[-1] == ("measure.failed", measure.pk)
    # A closed measure cannot be reported again.
    with pytest.raises(InvalidTransition):
        measure_deliver(
            actor=officer, measure=stored, expected_version=3, delivered_on=timezone.localdate()
        )


def test_a_redirect_hands_the_measure_over_with_a_new_deadline_link_and_notice(
    measure: Measure,
    officer: Any,
    other_agency: Organisation,
    published: list[tuple[str, int]],
) -> None:
    _accepted(measure, officer)
    old_owner = measure.organisation_id
    _passed_on(measure, officer, other_agency)
    stored = Measure.objects.get(pk=measure.pk)
    handoff = Handoff.objects.get(measure=measure)
    assert (stored.status, stored.organisation_id, stored.officer_id) == (
        S.ASSIGNED,
        other_agency.pk,
        None,
    )
    assert handoff.from_organisation_id == old_owner
    assert stored.due_on == handoff.due_on == add_working_days(timezone.localdate(), 30)
    links = PersonLink.objects.filter(person=measure.person, basis=LinkBasis.REHABILITATION)
    # The old owner holds no other measure of the person: its link goes with the measure.
    assert list(links.values_list("organisation", flat=True)) == [other_agency.pk]
    notice = Notice.objects.get(organisation=other_agency)
    assert notice.related_id == str(measure.pk)
    assert measure.person.last_name not in notice.body
    assert published[-1] == ("measure.redirected", measure.pk)
    # The old owner's history stays: the timeline names it.
    assert MeasureEvent.objects.filter(measure=measure, organisation_id=old_owner).count() == 2


def test_the_old_owner_keeps_its_link_while_it_holds_another_measure_of_the_person(
    measure: Measure, officer: Any, agency: Organisation, other_agency: Organisation
) -> None:
    linked_measure(agency, line__programme_version=measure.line.programme_version)
    assert Measure.objects.filter(person=measure.person, organisation=agency).count() == 2
    measure_redirect(
        actor=officer,
        measure=measure,
        expected_version=1,
        to_organisation=other_agency,
        reason="Not our competence.",
    )
    assert PersonLink.objects.filter(
        person=measure.person, organisation=agency, basis=LinkBasis.REHABILITATION
    ).exists()


def test_a_redirect_needs_a_reason_and_another_executing_organisation(
    measure: Measure, officer: Any, agency: Organisation
) -> None:
    division = OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION)
    for target, reason, fields in (
        (agency, "", {"reason", "to_organisation"}),
        (division, "Not ours.", {"to_organisation"}),
    ):
        with pytest.raises(ValidationError) as refused:
            measure_redirect(
                actor=officer,
                measure=measure,
                expected_version=1,
                to_organisation=target,
                reason=reason,
            )
        assert set(refused.value.message_dict) == fields
    assert not Handoff.objects.exists()


def test_a_redirect_to_a_kind_that_executes_no_measure_is_refused_as_the_form_refuses_it(
    measure: Measure, officer: Any
) -> None:
    """A school is active and in none of the excluded kinds, but no catalogue measure or routing
    rule names its kind: the form does not offer it, and the service (the API's way in) refuses
    it too, naming the field."""
    school = OrganisationFactory.create(kind=OrganisationKind.SCHOOL)
    offered: Any = RedirectForm(own_organisation_id=measure.organisation_id).fields[
        "to_organisation"
    ]
    assert not offered.queryset.filter(pk=school.pk).exists()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        measure_redirect(
            actor=officer,
            measure=measure,
            expected_version=measure.version,
            to_organisation=school,
            reason="Not ours.",
        )
    assert refused.value.message_dict == {
        "to_organisation": ["Choose an organisation that executes rehabilitation measures."]
    }
    assert not Handoff.objects.exists()
    assert Measure.objects.get(pk=measure.pk).organisation_id == officer.organisation_id


def test_a_closed_measure_is_not_redirected(
    measure: Measure, officer: Any, other_agency: Organisation
) -> None:
    _accepted(measure, officer)
    measure_not_deliver(actor=officer, measure=measure, expected_version=2, reason="refused")
    with translation.override("en"), pytest.raises(DomainError, match="still being worked"):
        measure_redirect(
            actor=officer,
            measure=measure,
            expected_version=3,
            to_organisation=other_agency,
            reason="Not ours.",
        )
    assert not Handoff.objects.exists()
    assert Measure.objects.get(pk=measure.pk).organisation_id == officer.organisation_id


def test_the_handoffs_tracked_message_is_acknowledged_on_acceptance_and_answered_on_redirect(
    measure: Measure, officer: Any, other_agency: Organisation
) -> None:
    from django.db import transaction

    from kopir.exchange.models import Message, MessageStatus
    from kopir.rehabilitation.services.routing import handoff_record

    with transaction.atomic():
        first = handoff_record(
            measure=measure, to_organisation=measure.organisation, from_organisation=None, by=None
        )
    assert first.message is not None
    assert first.message.sender == measure.programme.division
    measure_accept(actor=officer, measure=measure, expected_version=1)
    first.message.refresh_from_db()
    assert first.message.status == MessageStatus.ACKNOWLEDGED
    assert first.message.acknowledged_by == officer
    _passed_on(measure, officer, other_agency)
    first.message.refresh_from_db()
    assert first.message.status == MessageStatus.ANSWERED
    assert "карьера орталығының" in first.message.answer
    passed_on = Message.objects.exclude(pk=first.message.pk).get()
    assert (passed_on.sender, passed_on.recipient, passed_on.status) == (
        first.to_organisation,
        other_agency,
        MessageStatus.SENT,
    )
