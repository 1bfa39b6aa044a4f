"""The cast of the follow-up tests: an MSE division with its specialist, a person's approved
programme with measures held by two agencies, a council member, and an agency of another district.
Imported by name in the test modules (the app's conftest is shared by three areas)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import ReferralEvent, ReferralStatus
from kopir.core.tests.fixtures import english_messages as english_messages
from kopir.core.tests.fixtures import no_second_factor as no_second_factor
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.rehabilitation.models import EvidenceItem, Measure, MeasureStatus
from kopir.rehabilitation.tests.factories import MeasureFactory, ProgrammeLineFactory


@dataclass
class World:
    division: Any
    specialist: Any
    head: Any
    programme: Any
    version: Any
    hearing: Measure  # delivered by the employment office
    job: Measure  # open, held by the career centre
    employment_office: Any
    career_centre: Any
    officer: Any  # the career centre's officer
    other_officer: Any  # an officer of another district's career centre
    council_member: Any
    district: Any


@pytest.fixture
def world(db: Any) -> World:
    region = TerritoryFactory.create(kato="270000000", level=TerritoryLevel.REGION)
    district = TerritoryFactory.create(
        kato="273600000", level=TerritoryLevel.DISTRICT, parent=region
    )
    other_district = TerritoryFactory.create(
        kato="273800000", level=TerritoryLevel.DISTRICT, parent=region
    )
    employment_office = OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL, territory=district, phone="+77112500000"
    )
    career_centre = OrganisationFactory.create(
        kind=OrganisationKind.CAREER_CENTRE, territory=district, email="cc@example.test"
    )
    other_centre = OrganisationFactory.create(
        kind=OrganisationKind.CAREER_CENTRE, territory=other_district
    )
    hearing = MeasureFactory.create(
        organisation=employment_office,
        status=MeasureStatus.DELIVERED,
        delivered_on=timezone.localdate(),
        assigned_at=timezone.now() - dt.timedelta(days=20),
        line__measure_type__name_en="Hearing aid",
    )
    programme = hearing.programme
    version = hearing.line.programme_version
    # An approved version never changes through save(); the fixture back-dates it in place.
    version.approved_at = timezone.now() - dt.timedelta(days=21)
    type(version).objects.filter(pk=version.pk).update(approved_at=version.approved_at)
    job_line = ProgrammeLineFactory.create(
        programme_version=version,
        measure_type__catalogue=version.catalogue,
        measure_type__code="job-placement",
        measure_type__name_en="Job placement",
        measure_type__executor_kind=OrganisationKind.CAREER_CENTRE,
        measure_type__evidence_required=[EvidenceItem.EMPLOYER],
    )
    job = MeasureFactory.create(
        line=job_line,
        organisation=career_centre,
        territory=district,
        status=MeasureStatus.ACCEPTED,
        assigned_at=timezone.now() - dt.timedelta(days=20),
    )
    division = programme.division
    specialist = UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST])
    head = UserFactory.create(organisation=division, roles=[Role.MSE_HEAD])
    # The MSE step the programme follows, with a note only staff may read.
    ReferralEvent.objects.create(
        referral=programme.referral,
        from_status=ReferralStatus.DECIDED,
        to_status=ReferralStatus.NOTIFIED,
        actor=head,
        note="Шешім почтамен жіберілді",
    )
    return World(
        division=division,
        specialist=specialist,
        head=head,
        programme=programme,
        version=version,
        hearing=hearing,
        job=job,
        employment_office=employment_office,
        career_centre=career_centre,
        officer=UserFactory.create(organisation=career_centre, roles=[Role.AGENCY_OFFICER]),
        other_officer=UserFactory.create(organisation=other_centre, roles=[Role.AGENCY_OFFICER]),
        council_member=UserFactory.create(roles=[Role.COUNCIL_MEMBER]),
        district=district,
    )
