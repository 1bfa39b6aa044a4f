"""Factories for the rehabilitation app: one catalogue, a programme on an established decision,
and a measure of it in any state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.db.models import Max
from django.utils import timezone

from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import Category, Decision, Outcome, ReferralStatus
from kopir.assessment.tests.factories import ReferralFactory
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.rehabilitation.models import (
    CatalogueStatus,
    DeliveryChannel,
    Measure,
    MeasureCatalogue,
    MeasureStatus,
    MeasureType,
    Programme,
    ProgrammeLine,
    ProgrammePart,
    ProgrammeVersion,
    ProgrammeVersionStatus,
    QuantityUnit,
    RoutingRule,
)


class MeasureCatalogueFactory(factory.django.DjangoModelFactory[MeasureCatalogue]):
    class Meta:
        model = MeasureCatalogue

    # The next free number, as the service numbers drafts: the migration seeds catalogue 1, and
    # a test may create drafts through the service between factory calls.
    number = factory.LazyFunction(
        lambda: (MeasureCatalogue.objects.aggregate(Max("number"))["number__max"] or 0) + 1
    )
    title = "Оңалту іс-шараларының анықтамалығы"
    status = CatalogueStatus.DRAFT
    legal_source = "Social Code of the Republic of Kazakhstan, Art. 163"


class MeasureTypeFactory(factory.django.DjangoModelFactory[MeasureType]):
    class Meta:
        model = MeasureType

    catalogue = factory.SubFactory(MeasureCatalogueFactory)
    code = factory.Sequence(lambda n: f"hearing-aid-{n}")
    name_kk = "Есту аппараты"
    name_ru = "Слуховой аппарат"
    name_en = "Hearing aid"
    part = ProgrammePart.SOCIAL
    executor_kind = OrganisationKind.EMPLOYMENT_SOCIAL
    channel = DeliveryChannel.PORTAL
    unit = QuantityUnit.ITEMS
    default_quantity = 1
    deadline_working_days = 30
    evidence_required = ["date", "serial"]


class DecisionFactory(factory.django.DjangoModelFactory[Decision]):
    """An established disability decision on a notified referral."""

    class Meta:
        model = Decision

    referral = factory.SubFactory(ReferralFactory, status=ReferralStatus.NOTIFIED)
    outcome = Outcome.ESTABLISHED
    category_code = Category.ADULT_G1
    decided_by = factory.SubFactory(UserFactory)
    decided_by_organisation = factory.SelfAttribute("referral.mse_division")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    referral = factory.SubFactory(ReferralFactory, status=ReferralStatus.NOTIFIED)
    person = factory.SelfAttribute("referral.person")
    division = factory.SelfAttribute("referral.mse_division")
    # A year the numbering service never gives, so a factory programme never takes a number
    # the services give out in the same test.
    number = factory.Sequence(lambda n: f"IRP-1999-{n:06d}")


class ProgrammeVersionFactory(factory.django.DjangoModelFactory[ProgrammeVersion]):
    class Meta:
        model = ProgrammeVersion

    programme = factory.SubFactory(ProgrammeFactory)
    sequence = 1
    decision = factory.SubFactory(
        DecisionFactory, referral=factory.SelfAttribute("..programme.referral")
    )
    catalogue = factory.SubFactory(MeasureCatalogueFactory, status=CatalogueStatus.RETIRED)
    status = ProgrammeVersionStatus.APPROVED
    valid_from = factory.LazyFunction(timezone.localdate)
    drafted_by = factory.SubFactory(UserFactory)


class ProgrammeLineFactory(factory.django.DjangoModelFactory[ProgrammeLine]):
    class Meta:
        model = ProgrammeLine

    programme_version = factory.SubFactory(ProgrammeVersionFactory)
    measure_type = factory.SubFactory(
        MeasureTypeFactory, catalogue=factory.SelfAttribute("..programme_version.catalogue")
    )
    quantity = 1

    @classmethod
    def _create(cls, model_class: type[ProgrammeLine], *args: Any, **kwargs: Any) -> ProgrammeLine:
        # A line's save() refuses an approved version (it never changes); tests build approved
        # programmes directly, as the approval service's bulk write would.
        line = model_class(**kwargs)
        model_class.objects.bulk_create([line])
        return line


class MeasureFactory(factory.django.DjangoModelFactory[Measure]):
    class Meta:
        model = Measure

    line = factory.SubFactory(ProgrammeLineFactory)
    programme = factory.SelfAttribute("line.programme_version.programme")
    measure_type = factory.SelfAttribute("line.measure_type")
    person = factory.SelfAttribute("programme.person")
    territory = factory.SelfAttribute("person.territory")
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    status = MeasureStatus.ASSIGNED
    assigned_at = factory.LazyFunction(timezone.now)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class RoutingRuleFactory(factory.django.DjangoModelFactory[RoutingRule]):
    class Meta:
        model = RoutingRule

    measure_code = ""
    executor_kind = OrganisationKind.EMPLOYMENT_SOCIAL
    territory = factory.SubFactory("kopir.directory.tests.factories.TerritoryFactory")
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYMENT_SOCIAL)
