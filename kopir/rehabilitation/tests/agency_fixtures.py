"""Fixtures for the executing organisation's tests: two agencies, their officers, a council
member, and a measure the first agency holds (with the link its handoff gave it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kopir.accounts.models import Role
from kopir.accounts.tests.fixtures import staff_fixture
from kopir.audit.models import AuditEvent
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation.models import Measure, MeasureStatus
from kopir.rehabilitation.tests.factories import MeasureFactory


@pytest.fixture(autouse=True)
def agency_settings(settings: Any, tmp_path: Any) -> None:
    """Evidence goes to a folder of the test's own; the second factor is tested in accounts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KOPIR_REQUIRE_2FA = False


@pytest.fixture
def agency(db: None) -> Organisation:
    return OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL,
        name_kk="Жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
        email="employment@example.test",
    )


@pytest.fixture
def other_agency(db: None) -> Organisation:
    return OrganisationFactory.create(
        kind=OrganisationKind.CAREER_CENTRE,
        name_kk="Карьера орталығы",
        email="career@example.test",
    )


officer = staff_fixture(Role.AGENCY_OFFICER, of="agency")


other_officer = staff_fixture(Role.AGENCY_OFFICER, of="other_agency")


council_member = staff_fixture(Role.COUNCIL_MEMBER)


def linked_measure(organisation: Organisation, **fields: Any) -> Measure:
    """A measure held by `organisation`, linked to its person as routing links it."""
    measure = MeasureFactory.create(organisation=organisation, **fields)
    PersonLink.objects.get_or_create(
        person=measure.person, organisation=organisation, basis=LinkBasis.REHABILITATION
    )
    return measure


def escalated_measure(
    organisation: Organisation, tier: int, *, escalated_at: dt.datetime | None = None, **fields: Any
) -> Measure:
    """An accepted measure held by `organisation`, ten days overdue, escalated to `tier`."""
    return linked_measure(
        organisation,
        status=MeasureStatus.ACCEPTED,
        due_on=timezone.localdate() - dt.timedelta(days=10),
        overdue=True,
        escalation_tier=tier,
        escalated_at=escalated_at or timezone.now(),
        **fields,
    )


@pytest.fixture
def measure(agency: Organisation) -> Measure:
    return linked_measure(agency)


@pytest.fixture
def agency_token(agency: Organisation) -> str:
    from kopir.assessment.services.external_systems import external_system_issue_token

    return external_system_issue_token(name="agency-system", organisation=agency)[1]


@pytest.fixture
def other_agency_token(other_agency: Organisation) -> str:
    from kopir.assessment.services.external_systems import external_system_issue_token

    return external_system_issue_token(name="other-agency-system", organisation=other_agency)[1]


def api_updates(measure: Measure) -> int:
    """How many changes to `measure` the audit trail records as made over the API."""
    return AuditEvent.objects.filter(
        channel="api", action="update", target_id=str(measure.pk)
    ).count()
