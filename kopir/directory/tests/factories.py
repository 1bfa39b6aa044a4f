from __future__ import annotations

import datetime as dt
import itertools

import factory

from kopir.core.identifiers import make_bin
from kopir.directory.models import (
    Organisation,
    OrganisationKind,
    ReferenceDataSource,
    Territory,
    TerritoryLevel,
    normalise_for_search,
)

_bin_serials = itertools.count(1)


def next_bin() -> str:
    while True:
        number = make_bin(dt.date(2010, 5, 1), 4, 0, next(_bin_serials))
        if number:
            return number


class ReferenceDataSourceFactory(factory.django.DjangoModelFactory[ReferenceDataSource]):
    class Meta:
        model = ReferenceDataSource
        django_get_or_create = ("code",)

    code = "test-kato"
    title = "Test KATO extract"
    version = "test"


class TerritoryFactory(factory.django.DjangoModelFactory[Territory]):
    class Meta:
        model = Territory
        django_get_or_create = ("kato",)

    kato = factory.Sequence(lambda n: f"9{n:08d}")
    level = TerritoryLevel.DISTRICT
    name_kk = factory.Sequence(lambda n: f"Аудан {n}")
    name_ru = factory.Sequence(lambda n: f"Район {n}")
    name_en = factory.Sequence(lambda n: f"District {n}")
    source = factory.SubFactory(ReferenceDataSourceFactory)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"organisation-{n}")
    name_kk = factory.Sequence(lambda n: f"Емхана № {n}")
    name_ru = factory.Sequence(lambda n: f"Поликлиника № {n}")
    name_en = factory.Sequence(lambda n: f"Polyclinic No. {n}")
    kind = OrganisationKind.MEDICAL
    bin = factory.LazyFunction(next_bin)
    territory = factory.SubFactory(TerritoryFactory)
    # What the services keep up to date, so that factory-made organisations can be searched.
    search_text = factory.LazyAttribute(
        lambda o: "\n".join(
            normalise_for_search(str(getattr(o, name, "") or ""))
            for name in Organisation.SEARCH_FIELDS
        )
    )
