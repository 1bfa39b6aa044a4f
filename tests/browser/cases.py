"""What the intake and the follow-up browser tests start from: a region with its MSE division, a
polyclinic with a clinician, a person it serves and that person's in-absentia referral for
blindness; and the one-time code the citizen status page sends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import Icd10Code, Referral
from kopir.assessment.services.referrals import referral_create
from kopir.assessment.tests.factories import Icd10SourceFactory
from kopir.directory.models import Organisation, OrganisationKind, Territory, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.notices.models import Notice
from kopir.people.models import LinkBasis, Person
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory

# The one-time code in a notice's text: six digits that are not part of a number or a date.
CODE_IN_TEXT = re.compile(r"(?<![-\d])\d{6}(?!\d)")


@dataclass(frozen=True)
class Case:
    region: Territory
    clinic: Organisation
    clinician: User
    person: Person
    referral: Referral


def blindness_referral(*, district: Territory | None = None, **clinician: Any) -> Case:
    """A draft referral of a person the clinic serves (living in `district` when given, else in
    the region), for H54.0; `clinician` are the clinician's own fields."""
    region = district.parent if district is not None else None
    if region is None:
        region = TerritoryFactory.create(kato="270000000", level=TerritoryLevel.REGION)
    department = OrganisationFactory(kind=OrganisationKind.MSE_DEPARTMENT, territory=region)
    OrganisationFactory(kind=OrganisationKind.MSE_DIVISION, territory=region, parent=department)
    clinic = OrganisationFactory.create(kind=OrganisationKind.MEDICAL, territory=region)
    user = UserFactory(organisation=clinic, roles=[Role.CLINICIAN], **clinician)
    Icd10Code.objects.create(
        code="H54.0",
        title_en="Blindness, binocular",
        chapter="VII",
        source=Icd10SourceFactory.create(),
    )
    person = PersonFactory.create(territory=district or region, phone="+77011112233")
    PersonLinkFactory(person=person, organisation=clinic, basis=LinkBasis.ATTACHED)
    referral = referral_create(
        actor=user,
        person=person,
        medical_organisation=clinic,
        purpose="primary",
        route="in_absentia",
        primary_code="H54.0",
    )
    return Case(region=region, clinic=clinic, clinician=user, person=person, referral=referral)


def district_of_region() -> Territory:
    """A district (Karatobe's code) of the region (West Kazakhstan's)."""
    region = TerritoryFactory.create(kato="270000000", level=TerritoryLevel.REGION)
    return TerritoryFactory.create(kato="273600000", level=TerritoryLevel.DISTRICT, parent=region)


def last_code_sent() -> str:
    """The one-time code of the latest notice (the citizen status page has just sent it)."""
    return str(CODE_IN_TEXT.findall(Notice.objects.latest("id").body)[0])


def submit(page: Page, form: str = "main form.form") -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type='submit']").first.click()
