"""Fixtures for the clinic's side of MSE: a region with a district, the region's MSE department
and its division, two polyclinics (ours and an outsider), a clinician in each, a person our
polyclinic works with, a few ICD-10 codes, and the demo completeness rules.

Helpers build complete and incomplete referrals through the real services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.demo.rules import rules_load_demo
from kopir.assessment.models import (
    DocumentType,
    FindingKind,
    Icd10Code,
    LimitationCategory,
    Referral,
    ReferralPurpose,
    ReferralStatus,
    Route,
)
from kopir.assessment.services.referrals import (
    FindingInput,
    LimitationInput,
    attachment_add,
    referral_create,
)
from kopir.assessment.tests.factories import Icd10SourceFactory
from kopir.assessment.workflow import referral_transition
from kopir.core import sample_files
from kopir.directory.models import Organisation, OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.people.models import LinkBasis, Person
from kopir.people.tests.fixtures import linked_person

# (code, English title, chapter, leaf): enough of ICD-10 for every demo rule's range.
CODES = (
    ("H54", "Visual impairment including blindness", "VII", False),
    ("H54.0", "Blindness, binocular", "VII", True),
    ("H54.4", "Blindness, monocular", "VII", True),
    ("H90.3", "Sensorineural hearing loss, bilateral", "VIII", True),
    ("H91.9", "Hearing loss, unspecified", "VIII", True),
    ("Z89.5", "Acquired absence of leg at or below knee", "XXI", True),
    ("T05.5", "Traumatic amputation of both legs", "XIX", True),
    ("C50.9", "Malignant neoplasm: Breast, unspecified", "II", True),
    ("D09.9", "Carcinoma in situ, unspecified", "II", True),
    ("D10.0", "Benign neoplasm: Lip", "II", True),
    ("F20.0", "Paranoid schizophrenia", "V", True),
    ("E10", "Type 1 diabetes mellitus", "IV", False),
    ("E10.9", "Type 1 diabetes mellitus without complications", "IV", True),
    ("G35", "Multiple sclerosis", "VI", True),
)

PDF_BYTES = sample_files.pdf("synthetic test document")


def pdf(name: str = "report.pdf", body: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES + body, content_type="application/pdf")


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def icd10_codes() -> dict[str, Icd10Code]:
    """The few ICD-10 codes the tests use (not the full WHO list), by code."""
    source = Icd10SourceFactory.create()
    return {
        code: Icd10Code.objects.create(
            code=code, title_en=title, chapter=chapter, is_leaf=leaf, source=source
        )
        for code, title, chapter, leaf in CODES
    }


@pytest.fixture
def icd10(db: Any) -> dict[str, Icd10Code]:
    return icd10_codes()


@pytest.fixture
def demo_rules(db: Any) -> None:
    rules_load_demo()


@pytest.fixture
def region(db: Any) -> Any:
    return TerritoryFactory.create(kato="270000000", level=TerritoryLevel.REGION)


@pytest.fixture
def district(region: Any) -> Any:
    return TerritoryFactory.create(kato="275200000", level=TerritoryLevel.DISTRICT, parent=region)


@pytest.fixture
def division(region: Any) -> Organisation:
    department = OrganisationFactory.create(
        code="test-mse-department", kind=OrganisationKind.MSE_DEPARTMENT, territory=region
    )
    return OrganisationFactory.create(
        code="test-mse-division",
        kind=OrganisationKind.MSE_DIVISION,
        territory=region,
        parent=department,
        bin=None,
    )


@pytest.fixture
def clinic(district: Any, division: Organisation) -> Organisation:
    return OrganisationFactory.create(
        code="test-polyclinic", kind=OrganisationKind.MEDICAL, territory=district
    )


@pytest.fixture
def other_clinic(district: Any) -> Organisation:
    return OrganisationFactory.create(
        code="other-polyclinic", kind=OrganisationKind.MEDICAL, territory=district
    )


@pytest.fixture
def administrator(region: Any) -> User:
    council = OrganisationFactory.create(kind=OrganisationKind.PUBLIC_COUNCIL, territory=region)
    return UserFactory.create(organisation=council, roles=[Role.ADMINISTRATOR])


@pytest.fixture
def person(clinic: Organisation, district: Any) -> Person:
    return linked_person(
        clinic, LinkBasis.ATTACHED, territory=district, birth_date=dt.date(1980, 3, 14)
    )


@pytest.fixture
def child(clinic: Organisation, district: Any) -> Person:
    birth = timezone.localdate().replace(day=1) - dt.timedelta(days=365 * 10)
    return linked_person(
        clinic, LinkBasis.ATTACHED, territory=district, birth_date=birth, first_name="Нұрсұлтан"
    )


def commission(**overrides: Any) -> dict[str, Any]:
    """The medical advisory commission's fields every demo rule requires."""
    return {
        "commission_protocol_number": "ВКК-117",
        "commission_date": days_ago(3),
        "commission_conclusion": "Referred for MSE: persistent pronounced impairment.",
        **overrides,
    }


def vision_findings(days: int = 10) -> list[FindingInput]:
    day = days_ago(days)
    return [
        FindingInput(FindingKind.VISUAL_ACUITY, day, side="right", value=Decimal("0.02")),
        FindingInput(FindingKind.VISUAL_ACUITY, day, side="left", value=Decimal("0.01")),
        FindingInput(FindingKind.VISUAL_FIELD, day, side="right", value=Decimal("5")),
        FindingInput(FindingKind.VISUAL_FIELD, day, side="left", value=Decimal("5")),
    ]


def some_limitations() -> list[LimitationInput]:
    return [
        LimitationInput(LimitationCategory.ORIENTATION, 3),
        LimitationInput(LimitationCategory.MOBILITY, 2),
    ]


def make_referral(actor: Any, person: Person, code: str = "H54.0", **overrides: Any) -> Referral:
    values: dict[str, Any] = {
        "actor": actor,
        "person": person,
        "medical_organisation": actor.organisation,
        "purpose": ReferralPurpose.PRIMARY,
        "route": Route.IN_ABSENTIA,
        "primary_code": code,
        **commission(),
        "limitations": some_limitations(),
        **overrides,
    }
    return referral_create(**values)


def complete_vision_referral(actor: Any, person: Person, **overrides: Any) -> Referral:
    """An H54.0 referral that satisfies every demo rule."""
    referral = make_referral(actor, person, "H54.0", findings=vision_findings(), **overrides)
    attachment_add(
        actor=actor,
        referral=referral,
        document_type=DocumentType.OPHTHALMOLOGIST_REPORT,
        issued_on=days_ago(10),
        uploaded_file=pdf("ophthalmologist.pdf"),
    )
    referral.refresh_from_db()
    return referral


def returned_asking_for(
    referral: Referral, label: str, *, sent_by: Any = None, **item: str
) -> Referral:
    """The referral sent (if still a draft) and returned by its division, which asks for one more
    document named `label` (`item` adds to or replaces the missing item's keys)."""
    if referral.status == ReferralStatus.DRAFT:
        referral = referral_transition(
            referral=referral,
            to_status=ReferralStatus.SENT,
            actor=sent_by,
            expected_version=referral.version,
        )
    missing = {"rule_id": "", "kind": "document", "code": "other", "label": label}
    return referral_transition(
        referral=referral,
        to_status=ReferralStatus.RETURNED,
        actor=None,
        expected_version=referral.version,
        missing=[{**missing, "reason": "missing", **item}],
    )
