"""Approving an IRP version: immutable afterwards, routed by rule (a measure, a handoff, a link to
the person, a notice to the organisation), and a later decision makes a new version whose
approval lists what changed and keeps, updates or cancels the measures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kopir.assessment.models import Appeal
from kopir.assessment.services.outcome_rules import add_months
from kopir.assessment.tests.division_fixtures import GROUP_1
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.notices.models import Notice
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation import events
from kopir.rehabilitation.models import (
    Handoff,
    Measure,
    MeasureStatus,
    MeasureType,
    Programme,
    ProgrammeVersionStatus,
    RoutingRule,
)
from kopir.rehabilitation.services.approval import programme_approve
from kopir.rehabilitation.services.programme import (
    programme_line_add,
    programme_line_remove,
    programme_line_update,
)
from kopir.rehabilitation.tests.fixtures import (
    appeal_changed,
    decided_case,
    draft_of,
    line_added,
)

pytestmark = pytest.mark.django_db


def approve(version, actor):
    version.refresh_from_db()
    return programme_approve(
        actor=actor, programme_version=version, expected_version=version.version
    )


def test_approval_routes_every_line_and_freezes_the_version(draft, head, executors, monkeypatch):
    published = []
    monkeypatch.setattr(events, "publish", lambda kind, record: published.append((kind, record)))
    lines = list(draft.lines.select_related("measure_type"))
    approved = approve(draft, head)
    assert approved.status == ProgrammeVersionStatus.APPROVED
    assert approved.approved_by == head
    assert approved.changes == []
    measures = Measure.objects.filter(programme=draft.programme)
    assert measures.count() == len(lines)
    for measure in measures.select_related("measure_type"):
        expected = executors[measure.measure_type.executor_kind]
        assert measure.organisation == expected
        assert measure.status == MeasureStatus.ASSIGNED
        handoff = Handoff.objects.get(measure=measure)
        assert handoff.from_organisation is None
        assert handoff.routing_rule is not None
        assert measure.due_on == handoff.due_on > handoff.at.date()
        assert PersonLink.objects.filter(
            person=draft.programme.person, organisation=expected, basis=LinkBasis.REHABILITATION
        ).exists()
        notice = Notice.objects.get(
            related_id=str(measure.pk), topic="rehabilitation.measure.assigned"
        )
        assert notice.organisation == expected
        # The notice says what and by when, never who.
        assert draft.programme.person.last_name not in notice.body
    kinds = [kind for kind, _record in published]
    assert kinds.count("measure.assigned") == len(lines)
    assert kinds[-1] == "programme.approved"
    # Immutable: the services refuse, and so does save().
    line = approved.lines.first()
    with pytest.raises(DomainError):
        programme_line_update(
            actor=head, line=line, expected_version=approved.version, quantity=None, details="x"
        )
    with pytest.raises(DomainError):
        approve(approved, head)
    line.details = "changed behind the services' back"
    with pytest.raises(DomainError):
        line.save()
    with pytest.raises(DomainError):
        line.delete()
    approved.valid_until = None
    with pytest.raises(DomainError):
        approved.save()


def test_a_line_without_a_routing_rule_is_refused_naming_measure_and_territory(draft, head):
    RoutingRule.objects.filter(executor_kind="akimat").delete()
    with pytest.raises(DomainError) as refused:
        approve(draft, head)
    assert "Social taxi" in str(refused.value)
    assert draft.programme.person.territory.name in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == ProgrammeVersionStatus.DRAFT
    assert not Measure.objects.exists()


def test_only_the_division_edits_and_the_quantity_follows_the_catalogue(
    draft, head, other_division_staff, clinician
):
    wheelchair = draft.lines.get(measure_type__code="wheelchair")
    for stranger in (other_division_staff, clinician):
        with pytest.raises(AccessDenied):
            programme_line_update(
                actor=stranger, line=wheelchair, expected_version=draft.version, quantity=Decimal(1)
            )
    with pytest.raises(ValidationError) as too_many:
        programme_line_update(
            actor=head, line=wheelchair, expected_version=draft.version, quantity=Decimal(3)
        )
    assert "at most 1" in str(too_many.value.message_dict["quantity"])
    hearing = MeasureType.objects.get(catalogue=draft.catalogue, code="hearing-aid")
    line = programme_line_add(
        actor=head,
        programme_version=draft,
        expected_version=draft.version,
        measure_type=hearing,
        quantity=None,
        details="Right ear",
    )
    assert line.quantity == hearing.default_quantity
    with pytest.raises(ConflictError):
        programme_line_remove(actor=head, line=line, expected_version=draft.version - 1)
    with pytest.raises(ValidationError):
        programme_line_add(
            actor=head,
            programme_version=draft,
            expected_version=draft.version,
            measure_type=hearing,
            quantity=None,
        )


def test_an_added_line_goes_to_the_end_of_the_programme_ten_places_on(draft, head):
    last = max(draft.lines.values_list("position", flat=True))
    hearing = MeasureType.objects.get(catalogue=draft.catalogue, code="hearing-aid")
    assert line_added(head, draft, hearing).position == last + 10


def _change_on_appeal(referral, head, reviewer):
    return appeal_changed(
        referral, head, reviewer, GROUP_1, reexamination_on=add_months(timezone.localdate(), 20)
    )


def test_a_decision_changed_on_appeal_makes_a_new_version_with_its_changes(
    draft, head, reviewer, executors
):
    referral = draft.programme.referral
    first = approve(draft, head)
    wheelchair = Measure.objects.get(line__measure_type__code="wheelchair")
    taxi = Measure.objects.get(line__measure_type__code="social-taxi")
    cane = Measure.objects.get(line__measure_type__code="white-cane")
    _change_on_appeal(referral, head, reviewer)
    second = draft_of(referral)
    assert second.sequence == 2
    assert second.decision.basis == "appeal"
    assert second.valid_until == second.decision.valid_until
    # Prefilled from the approved version.
    assert sorted(second.lines.values_list("measure_type__code", flat=True)) == sorted(
        first.lines.values_list("measure_type__code", flat=True)
    )
    programme_line_remove(
        actor=head,
        line=second.lines.get(measure_type__code="social-taxi"),
        expected_version=second.version,
    )
    second.refresh_from_db()
    programme_line_update(
        actor=head,
        line=second.lines.get(measure_type__code="white-cane"),
        expected_version=second.version,
        quantity=Decimal(2),
        details="A folding cane.",
    )
    second.refresh_from_db()
    assistant = MeasureType.objects.get(catalogue=second.catalogue, code="individual-assistant")
    line_added(head, second, assistant, quantity=Decimal(8))
    approved = approve(second, head)
    first.refresh_from_db()
    assert first.status == ProgrammeVersionStatus.SUPERSEDED
    assert first.superseded_at
    changes = {row["code"]: row for row in approved.changes}
    assert changes["social-taxi"]["change"] == "removed"
    assert changes["individual-assistant"]["change"] == "added"
    assert changes["white-cane"] == {
        "code": "white-cane",
        "change": "changed",
        "before": {"quantity": "1", "details": ""},
        "after": {"quantity": "2", "details": "A folding cane."},
    }
    assert "wheelchair" not in changes
    # Unchanged: the same measure, now carrying out the new line.
    wheelchair.refresh_from_db()
    assert wheelchair.line.programme_version == approved
    assert wheelchair.status == "assigned"
    # Changed: the same measure, noted on its timeline.
    cane.refresh_from_db()
    assert cane.line.details == "A folding cane."
    changed = cane.events.get(note_code="version_changed")
    assert changed.note_values == {"sequence": approved.sequence}
    # Kopir's own note is read in the reader's language, whichever language approved it.
    with translation.override("ru"):
        assert changed.text == (
            f"Версия программы {approved.sequence} изменила количество или сведения."
        )
    # Removed: cancelled through the workflow.
    taxi.refresh_from_db()
    assert taxi.status == MeasureStatus.CANCELLED
    assert taxi.events.filter(to_status="cancelled").exists()
    # Added: a new measure, routed.
    assert (
        Measure.objects.get(line__measure_type__code="individual-assistant").organisation
        == (executors["employment_social"])
    )
    assert Appeal.objects.get(referral=referral).status == "changed"


def test_a_re_examination_drafts_the_next_version_of_the_same_programme(
    draft, head, clinician, person, experts
):
    first = approve(draft, head)
    measures = set(Measure.objects.values_list("pk", flat=True))
    later = decided_case(clinician, person, head, experts, purpose="re_examination")
    second = first.programme.versions.get(status=ProgrammeVersionStatus.DRAFT)
    assert second.sequence == 2
    assert second.decision.referral == later
    assert not Programme.objects.filter(referral=later).exists()
    approved = approve(second, head)
    assert approved.changes == []
    # Nothing changed: every measure goes on, none is routed twice.
    assert set(Measure.objects.values_list("pk", flat=True)) == measures
    assert not Measure.objects.exclude(line__programme_version=approved).exists()


def test_the_approval_preview_reads_the_routing_rules_once_however_many_lines(
    draft, head, executors
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kopir.rehabilitation.selectors.programme import approval_preview

    def preview_queries() -> tuple[int, int]:
        draft.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            view = approval_preview(draft)
        # Every line is routed, each to the organisation of its kind's rule.
        for line in view.lines:
            assert line.routed_to == executors[line.measure_type.executor_kind], line  # type: ignore[attr-defined]
        return len(queries), len(view.lines)

    few, lines_before = preview_queries()
    taken = set(draft.lines.values_list("measure_type_id", flat=True))
    others = MeasureType.objects.filter(catalogue_id=draft.catalogue_id).exclude(pk__in=taken)
    added = 0
    for measure_type in others.order_by("executor_kind", "code")[:6]:
        draft.refresh_from_db()
        line_added(head, draft, measure_type)
        added += 1
    assert added >= 3
    many, lines_after = preview_queries()
    assert lines_after == lines_before + added
    assert many == few, f"{few} queries for {lines_before} lines, {many} for {lines_after}"
