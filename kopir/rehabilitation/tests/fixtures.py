"""Shared fixtures: the executing organisations of the test region, one routing rule per kind of
executing organisation, an agency officer, and a case decided with the real services (which
drafts its IRP through assessment's signal); and the citizen status page as the person reads it
once their code was accepted (`grant`, `status_page`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import Referral
from kopir.assessment.services.citizen import GRANT_SESSION_KEY
from kopir.assessment.services.outcome_rules import OutcomeInput
from kopir.assessment.tests.division_fixtures import decided, filed_appeal, resolve, take_up
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.people.models import Person
from kopir.rehabilitation.models import (
    MeasureType,
    Programme,
    ProgrammeLine,
    ProgrammeVersion,
    RoutingRule,
)
from kopir.rehabilitation.services.programme import programme_line_add

EXECUTING_KINDS = (
    OrganisationKind.EMPLOYMENT_SOCIAL,
    OrganisationKind.HEALTH_OFFICE,
    OrganisationKind.EDUCATION_OFFICE,
    OrganisationKind.CAREER_CENTRE,
    OrganisationKind.AKIMAT,
)


@pytest.fixture
def executors(region: Any) -> dict[str, Organisation]:
    """One executing organisation of each kind, with a contact address, routed region-wide."""
    found = {}
    for kind in EXECUTING_KINDS:
        organisation = OrganisationFactory.create(
            kind=kind, territory=region, email=f"{kind}@example.kz", bin=None
        )
        RoutingRule.objects.create(executor_kind=kind, territory=region, organisation=organisation)
        found[str(kind)] = organisation
    return found


@pytest.fixture
def agency_officer(executors: dict[str, Organisation]) -> User:
    return UserFactory.create(
        organisation=executors[OrganisationKind.EMPLOYMENT_SOCIAL], roles=[Role.AGENCY_OFFICER]
    )


def decided_case(
    clinician: User, person: Person, head: User, experts: list[User], **overrides: Any
) -> Referral:
    """A vision case (H54.0, orientation 3rd degree, mobility 2nd) decided: group II."""
    return decided(clinician, person, head, experts, **overrides)


def appeal_changed(
    referral: Referral, head: User, reviewer: User, new_decision: OutcomeInput, **further: Any
) -> Any:
    """The person appeals the case's decision and the higher body changes it to `new_decision`
    (`further`: further arguments of `appeal_resolve`, e.g. the re-examination date)."""
    appeal = take_up(filed_appeal(referral, head), reviewer)
    return resolve(
        appeal,
        reviewer,
        upheld=False,
        outcome_reasons="Changed on appeal.",
        new_decision=new_decision,
        **further,
    )


def draft_of(referral: Referral) -> ProgrammeVersion:
    programme = Programme.objects.get(referral=referral)
    return programme.versions.get(status="draft")


def line_added(
    head: User, draft: ProgrammeVersion, measure_type: MeasureType, **line: Any
) -> ProgrammeLine:
    """`measure_type` added to `draft` as the draft stands (the version it holds now), in the
    measure's default quantity unless `line` gives one."""
    return programme_line_add(
        actor=head,
        programme_version=draft,
        expected_version=draft.version,
        measure_type=measure_type,
        **{"quantity": None, **line},
    )


@pytest.fixture
def draft(
    clinician: User, person: Person, head: User, experts: list[User], executors: Any
) -> ProgrammeVersion:
    return draft_of(decided_case(clinician, person, head, experts))


def grant(client: Client, referral_id: int, minutes: int = 15) -> None:
    """What entering the right code leaves in the session (assessment tests the code itself)."""
    session = client.session
    until = timezone.now() + dt.timedelta(minutes=minutes)
    session[GRANT_SESSION_KEY] = {"referral_id": referral_id, "until": until.isoformat()}
    session.save()


def status_page(client: Client, referral_id: int) -> str:
    """The citizen status page of the referral, as the person reads it once their code was
    accepted."""
    grant(client, referral_id)
    return client.get(reverse("assessment:citizen_result")).content.decode()
