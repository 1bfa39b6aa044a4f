from __future__ import annotations

import datetime as dt
import itertools

import factory

from kopir.core.identifiers import make_iin
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.people.models import LinkBasis, Person, PersonLink, Sex, name_search_key

_serials = itertools.count(1)

# A person not yet in the registry as a clinician types them into the form (the IIN is valid for the
# birth date and sex).
NEW_PERSON_TYPED = {
    "iin": "791028302728",
    "last_name": "Сәрсенбаев",
    "first_name": "Қуаныш",
    "patronymic": "Ерланұлы",
    "birth_date": "1979-10-28",
    "sex": "male",
    "preferred_language": "kk",
}


def next_iin(birth_date: dt.date = dt.date(1985, 4, 12), sex: str = Sex.FEMALE) -> str:
    while True:
        number = make_iin(birth_date, sex, next(_serials))
        if number:
            return number


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    iin = factory.LazyAttribute(lambda p: next_iin(p.birth_date, p.sex))
    last_name = "Сәрсенбаева"
    first_name = "Әлия"
    patronymic = "Қуанышқызы"
    birth_date = dt.date(1985, 4, 12)
    sex = Sex.FEMALE
    territory = factory.SubFactory(TerritoryFactory)
    # Services keep the search key current; the factory writes rows directly, so it sets it too.
    search_name = factory.LazyAttribute(
        lambda p: name_search_key(p.last_name, p.first_name, p.patronymic)
    )
    registered_by = factory.SubFactory(OrganisationFactory)


class PersonLinkFactory(factory.django.DjangoModelFactory[PersonLink]):
    class Meta:
        model = PersonLink

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    basis = LinkBasis.REGISTERED
