"""A decision that establishes disability drafts the IRP through assessment's signal, with the
lines the active catalogue's suggestion rules propose; other decisions draft nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kopir.assessment.models import Decision, Outcome
from kopir.assessment.tests.division_fixtures import NOT_ESTABLISHED, decided
from kopir.rehabilitation import demo as rehabilitation_demo
from kopir.rehabilitation.models import Programme, ProgrammeVersionStatus
from kopir.rehabilitation.tests.fixtures import decided_case

pytestmark = pytest.mark.django_db


def test_an_established_decision_drafts_the_programme_with_suggested_lines(
    clinician, person, head, experts
):
    referral = decided_case(clinician, person, head, experts)
    programme = Programme.objects.get(referral=referral)
    assert programme.person == person
    assert programme.division == referral.mse_division
    assert programme.number.startswith("IRP-")
    version = programme.versions.get()
    decision = referral.decisions.get()
    assert version.status == ProgrammeVersionStatus.DRAFT
    assert version.decision == decision
    assert version.valid_until == decision.valid_until
    assert version.catalogue.status == "active"
    codes = list(version.lines.values_list("measure_type__code", flat=True))
    # H54.0 with orientation of the 3rd degree and mobility of the 2nd, group II, aged 46.
    for expected in ("screen-reader", "braille-display", "white-cane", "wheelchair"):
        assert expected in codes
    assert "social-taxi" in codes
    assert "medical-rehabilitation" in codes
    # Not for this case: hearing (no H90-H91), assistant (group I only), education (a child).
    for absent in ("hearing-aid", "individual-assistant", "special-educational-conditions"):
        assert absent not in codes
    line = version.lines.get(measure_type__code="white-cane")
    assert line.suggested_by is not None
    assert "H54" in line.suggested_by.reason
    assert line.quantity == line.measure_type.default_quantity


def test_a_decision_not_establishing_disability_drafts_nothing(clinician, person, head, experts):
    referral = decided(clinician, person, head, experts, decision=NOT_ESTABLISHED)
    assert referral.decisions.get().outcome == Outcome.NOT_ESTABLISHED
    assert not Programme.objects.filter(referral=referral).exists()


def test_a_failing_draft_rolls_the_decision_back(clinician, person, head, experts, monkeypatch):
    """The draft is written in the decision's transaction: both stand or fall together."""
    from kopir.rehabilitation.services import programme as service

    def broken(**kwargs):
        raise RuntimeError("drafting failed")

    monkeypatch.setattr(service, "programme_draft_on_decision", broken)
    with pytest.raises(RuntimeError):
        decided_case(clinician, person, head, experts)
    assert not Programme.objects.exists()
    assert not person.referrals.filter(decisions__isnull=False).exists()


def test_the_demo_moves_a_draft_to_its_backdated_decisions_term(draft):
    decision = draft.decision
    decided = timezone.now() - dt.timedelta(days=27)
    until = timezone.localdate(decided) + dt.timedelta(days=337)
    Decision.objects.filter(pk=decision.pk).update(decided_at=decided, valid_until=until)
    rehabilitation_demo._drafts_follow_their_decisions()
    draft.refresh_from_db()
    assert (draft.valid_from, draft.valid_until) == (timezone.localdate(decided), until)


def test_the_demos_details_for_executors_are_in_kazakh():
    for text in rehabilitation_demo.DEMO_DETAILS.values():
        assert any("\u0400" <= letter <= "\u04ff" for letter in text)
        assert not any("a" <= letter.lower() <= "z" for letter in text)


def test_the_demo_works_the_employment_offices_measures_into_every_state_once():
    from kopir.accounts.models import Role
    from kopir.accounts.tests.factories import UserFactory
    from kopir.directory.models import OrganisationKind
    from kopir.directory.tests.factories import OrganisationFactory
    from kopir.rehabilitation.models import Measure, MeasureStatus
    from kopir.rehabilitation.tests.factories import MeasureFactory

    office = OrganisationFactory.create(
        code=rehabilitation_demo.EMPLOYMENT_OFFICE, kind=OrganisationKind.EMPLOYMENT_SOCIAL
    )
    OrganisationFactory.create(
        code="karatobe-employment-department", kind=OrganisationKind.EMPLOYMENT_SOCIAL
    )
    UserFactory.create(username="agency", organisation=office, roles=[Role.AGENCY_OFFICER])
    first = MeasureFactory.create(
        organisation=office,
        line__measure_type__code="screen-reader",
        line__measure_type__evidence_required=["date", "serial", "supplier"],
    )
    version = first.line.programme_version
    for code in ("braille-display", "talking-watch", "talking-thermometer", "talking-tonometer",
                 "white-cane"):  # fmt: skip
        MeasureFactory.create(
            organisation=office,
            line__programme_version=version,
            line__measure_type__code=code,
            line__measure_type__catalogue=version.catalogue,
            line__measure_type__evidence_required=["date", "serial", "supplier"],
        )
    # The demo's decisions are back-dated (assessment's demo): four weeks ago.
    decided_at = timezone.now() - dt.timedelta(days=28)
    type(version.decision).objects.filter(pk=version.decision_id).update(decided_at=decided_at)
    summary = rehabilitation_demo._measures_in_every_state()
    by_code = {m.measure_type.code: m for m in Measure.objects.select_related("measure_type")}
    assert by_code["screen-reader"].status == MeasureStatus.DELIVERED
    assert by_code["braille-display"].status == MeasureStatus.SCHEDULED
    assert (by_code["talking-watch"].status, by_code["talking-watch"].dispute_count) == (
        MeasureStatus.ACCEPTED,
        1,
    )
    assert by_code["talking-thermometer"].status == MeasureStatus.NOT_DELIVERED
    redirected = by_code["talking-tonometer"]
    assert (redirected.status, redirected.organisation.code) == (
        MeasureStatus.ASSIGNED,
        "karatobe-employment-department",
    )
    cane = by_code["white-cane"]
    assert (cane.overdue, cane.escalation_tier) == (True, 1)
    # One story: decided, then approved and routed the next day, then due; never routed before
    # the decision or due before the approval.
    version.refresh_from_db()
    routed = decided_at + dt.timedelta(days=1)
    assert version.approved_at == routed
    assert cane.assigned_at == routed
    assert timezone.localdate(routed) < cane.due_on
    assert "escalated" in summary
    assert rehabilitation_demo._measures_in_every_state() == "measures worked already"


def test_the_demo_works_the_other_bodies_measures_into_every_state_once(settings, tmp_path):
    """Each body's own demo officer works its measures through the services: across the health
    office, education office, career centre and the akimats every state is reached once."""
    from kopir.accounts.models import Role
    from kopir.accounts.tests.factories import UserFactory
    from kopir.directory.models import OrganisationKind
    from kopir.directory.tests.factories import OrganisationFactory
    from kopir.rehabilitation.models import EvidenceItem, Handoff, Measure, MeasureStatus
    from kopir.rehabilitation.tests.factories import MeasureFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    kinds = {
        "wko-health-office": OrganisationKind.HEALTH_OFFICE,
        "wko-education-office": OrganisationKind.EDUCATION_OFFICE,
        "oral-career-centre": OrganisationKind.CAREER_CENTRE,
        "oral-akimat": OrganisationKind.AKIMAT,
        "karatobe-akimat": OrganisationKind.AKIMAT,
    }
    bodies = {
        code: OrganisationFactory.create(code=code, kind=kind) for code, kind in kinds.items()
    }
    for code, username in rehabilitation_demo.BODY_OFFICERS.items():
        UserFactory.create(
            username=username, organisation=bodies[code], roles=[Role.AGENCY_OFFICER]
        )
    documents = [EvidenceItem.DOCUMENT, EvidenceItem.DATE]
    held = {
        rehabilitation_demo.BLIND_CASE: {
            "medical-rehabilitation": "wko-health-office",
            "vocational-guidance": "oral-career-centre",
            "quota-job-placement": "oral-career-centre",
            "social-taxi": "oral-akimat",
        },
        rehabilitation_demo.HEARING_CASE: {
            "medical-rehabilitation": "wko-health-office",
            "special-educational-conditions": "wko-education-office",
            "vocational-training": "oral-career-centre",
            "social-taxi": "oral-akimat",
        },
    }
    for case, measures in held.items():
        version = None
        for code, organisation in measures.items():
            line: dict[str, Any] = {
                "line__measure_type__code": code,
                "line__measure_type__evidence_required": documents,
            }
            if version is None:
                line["line__programme_version__programme__referral__external_id"] = case
            else:
                line["line__programme_version"] = version
                line["line__measure_type__catalogue"] = version.catalogue
            measure = MeasureFactory.create(organisation=bodies[organisation], **line)
            version = measure.line.programme_version

    summary = rehabilitation_demo._measures_across_bodies()

    state = {
        (m.programme.referral.external_id, m.measure_type.code): m
        for m in Measure.objects.select_related(
            "measure_type", "programme__referral", "organisation"
        )
    }
    blind, hearing = rehabilitation_demo.BLIND_CASE, rehabilitation_demo.HEARING_CASE
    delivered = state[blind, "medical-rehabilitation"]
    assert delivered.status == MeasureStatus.DELIVERED
    assert delivered.evidence_document  # delivered with its document
    overdue = state[hearing, "medical-rehabilitation"]
    assert (overdue.status, overdue.overdue, overdue.escalation_tier) == ("assigned", True, 1)
    assert state[hearing, "special-educational-conditions"].status == MeasureStatus.SCHEDULED
    disputed = state[blind, "vocational-guidance"]
    assert (disputed.status, disputed.dispute_count) == (MeasureStatus.ACCEPTED, 1)
    assert state[blind, "quota-job-placement"].status == MeasureStatus.ACCEPTED
    failed = state[hearing, "vocational-training"]
    assert (failed.status, failed.not_delivered_reason) == (MeasureStatus.NOT_DELIVERED, "refused")
    assert state[hearing, "social-taxi"].status == MeasureStatus.ACCEPTED
    redirected = state[blind, "social-taxi"]
    assert (redirected.status, redirected.organisation.code) == ("assigned", "karatobe-akimat")
    assert Handoff.objects.get(measure=redirected, from_organisation__code="oral-akimat").reason
    assert "escalated" in summary
    # Every body's officer acted on its own measures (each move's event names the body).
    assert set(
        Measure.objects.exclude(events__actor=None).values_list("organisation__code", flat=True)
    ) >= {"wko-health-office", "wko-education-office", "oral-career-centre", "oral-akimat"}
    assert rehabilitation_demo._measures_across_bodies() == "other bodies' measures worked already"
