"""A few hundred synthetic persons for the West Kazakhstan demo. Nobody here is a real person.

Names are combined at random from lists of common Kazakh and Russian surnames and given names;
IINs are composed with a valid check digit (`make_iin`) and agree with the date of birth and sex,
so the "IIN suggests" note stays quiet on demo records. The generator is seeded, so every run
produces the same persons, and the load is keyed on IIN: running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record
from kopir.core.identifiers import make_iin, validate_iin
from kopir.core.versioning import assign_changes
from kopir.directory.models import Organisation, Territory
from kopir.people.models import (
    AccessibilityNeed,
    ContactLanguage,
    LinkBasis,
    Person,
    PersonLink,
    RepresentativeRelation,
    Sex,
    name_search_key,
)

SEED = 2026
PERSON_COUNT = 300
CHILD_SHARE = 0.15
# Demo IIN serials start high so they never meet the low serials the test factories use.
FIRST_SERIAL = 7000

ORAL, TEREKTI, KARATOBE = "271010000", "276200000", "275000000"
MSE_DIVISION = "wko-mse-division-oral"
EMPLOYMENT_OFFICE = "wko-employment-office"
# The medical organisation a resident of each territory is attached to.
POLYCLINICS = {
    ORAL: ("oral-polyclinic-1", "oral-polyclinic-3", "oral-polyclinic-5"),
    TEREKTI: ("terekti-district-hospital",),
    KARATOBE: ("karatobe-district-hospital",),
}
TERRITORY_WEIGHTS = {ORAL: 6, TEREKTI: 2, KARATOBE: 2}

# (male, female) surname forms.
KAZAKH_SURNAMES = [
    ("Сәрсенбаев", "Сәрсенбаева"),
    ("Жұмабаев", "Жұмабаева"),
    ("Нұрланов", "Нұрланова"),
    ("Серікбаев", "Серікбаева"),
    ("Тәжібаев", "Тәжібаева"),
    ("Қасымов", "Қасымова"),
    ("Ахметов", "Ахметова"),
    ("Омаров", "Омарова"),
    ("Бекмұхамбетов", "Бекмұхамбетова"),
    ("Ермеков", "Ермекова"),
    ("Исатаев", "Исатаева"),
    ("Құдайбергенов", "Құдайбергенова"),
    ("Мұқанов", "Мұқанова"),
    ("Әбілов", "Әбілова"),
    ("Төлегенов", "Төлегенова"),
    ("Жақсылықов", "Жақсылықова"),
    ("Ғабдуллин", "Ғабдуллина"),
    ("Шәкенов", "Шәкенова"),
    ("Өтегенов", "Өтегенова"),
    ("Байжанов", "Байжанова"),
    ("Дәулетов", "Дәулетова"),
    ("Қуанышев", "Қуанышева"),
    ("Ерғалиев", "Ерғалиева"),
    ("Садықов", "Садықова"),
]
KAZAKH_MALE_NAMES = [
    "Қуаныш", "Ерлан", "Нұрлан", "Серік", "Асқар", "Бауыржан", "Дәурен", "Ержан", "Марат",
    "Талғат", "Қайрат", "Мұрат", "Ғалым", "Жандос", "Арман", "Айдос", "Бекзат", "Еркін",
    "Санжар", "Әлібек", "Азамат", "Дастан", "Олжас", "Тимур",
]  # fmt: skip
KAZAKH_FEMALE_NAMES = [
    "Әлия", "Айгүл", "Гүлнар", "Жанар", "Динара", "Сәуле", "Ләззат", "Мөлдір", "Айжан",
    "Назгүл", "Ақмарал", "Гүлмира", "Меруерт", "Аружан", "Балнұр", "Жансая", "Томирис",
    "Әсел", "Дана", "Камила",
]  # fmt: skip
RUSSIAN_SURNAMES = [
    ("Иванов", "Иванова"),
    ("Петров", "Петрова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Васильев", "Васильева"),
    ("Соколов", "Соколова"),
    ("Михайлов", "Михайлова"),
    ("Новиков", "Новикова"),
    ("Фёдоров", "Фёдорова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Алексеев", "Алексеева"),
    ("Лебедев", "Лебедева"),
    ("Семёнов", "Семёнова"),
    ("Егоров", "Егорова"),
    ("Павлов", "Павлова"),
    ("Козлов", "Козлова"),
    ("Степанов", "Степанова"),
    ("Николаев", "Николаева"),
    ("Орлов", "Орлова"),
    ("Андреев", "Андреева"),
    ("Макаров", "Макарова"),
    ("Никитин", "Никитина"),
]
# Russian male given names with the (male, female) patronymics formed from them.
RUSSIAN_MALE_NAMES = [
    ("Александр", "Александрович", "Александровна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Иван", "Иванович", "Ивановна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Пётр", "Петрович", "Петровна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Юрий", "Юрьевич", "Юрьевна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Олег", "Олегович", "Олеговна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Павел", "Павлович", "Павловна"),
    ("Константин", "Константинович", "Константиновна"),
    ("Василий", "Васильевич", "Васильевна"),
    ("Геннадий", "Геннадьевич", "Геннадьевна"),
    ("Артём", "Артёмович", "Артёмовна"),
]
RUSSIAN_FEMALE_NAMES = [
    "Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Мария", "Екатерина",
    "Людмила", "Галина", "Юлия", "Валентина", "Надежда", "Марина", "Вера", "Любовь", "Дарья",
    "Полина", "Ксения",
]  # fmt: skip
# Street names without people's names in them, in Kazakh and in Russian.
KAZAKH_STREETS = ["Бейбітшілік", "Достық", "Жастар", "Наурыз", "Көктем", "Шұғыла", "Ақжайық"]
RUSSIAN_STREETS = ["Мира", "Молодёжная", "Весенняя", "Садовая", "Степная", "Школьная", "Речная"]
VILLAGES = {
    TEREKTI: ("Федоровка ауылы", "с. Федоровка"),
    KARATOBE: ("Қаратөбе ауылы", "с. Каратобе"),
}


@dataclass
class PersonSpec:
    """One synthetic person as generated, before it meets the database."""

    iin: str
    fields: dict[str, Any]
    kato: str
    polyclinic: str
    kazakh: bool
    surname_index: int
    male_name_index: int | None = None  # for a man: which given name (children's patronymic)
    representative_iin: str = ""
    bases: list[tuple[str, str]] = field(default_factory=list)  # (organisation code, basis)


class _Generator:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.serial = FIRST_SERIAL

    def iin(self, birth_date: dt.date, sex: str) -> str:
        while True:
            self.serial += 1
            number = make_iin(birth_date, sex, self.serial)
            if number is not None:
                return number

    def birth_date(self, first_year: int, last_year: int) -> dt.date:
        start, end = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def person(
        self, index: int, birth_date: dt.date, parent: PersonSpec | None = None
    ) -> PersonSpec:
        rng = self.rng
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        male = sex == Sex.MALE
        kazakh = parent.kazakh if parent else rng.random() < 0.7
        surnames = KAZAKH_SURNAMES if kazakh else RUSSIAN_SURNAMES
        surname_index = parent.surname_index if parent else rng.randrange(len(surnames))
        # A child of a father takes a patronymic from his name; otherwise any father's name.
        if parent is not None and parent.male_name_index is not None:
            father_index = parent.male_name_index
        else:
            father_index = rng.randrange(
                len(KAZAKH_MALE_NAMES) if kazakh else len(RUSSIAN_MALE_NAMES)
            )
        male_name_index = None
        if kazakh:
            father = KAZAKH_MALE_NAMES[father_index]
            patronymic = father + ("ұлы" if male else "қызы")
            if male:
                male_name_index = rng.randrange(len(KAZAKH_MALE_NAMES))
                first_name = KAZAKH_MALE_NAMES[male_name_index]
            else:
                first_name = rng.choice(KAZAKH_FEMALE_NAMES)
            language = ContactLanguage.KAZAKH if rng.random() < 0.85 else ContactLanguage.RUSSIAN
        else:
            patronymic = RUSSIAN_MALE_NAMES[father_index][1 if male else 2]
            if male:
                male_name_index = rng.randrange(len(RUSSIAN_MALE_NAMES))
                first_name = RUSSIAN_MALE_NAMES[male_name_index][0]
            else:
                first_name = rng.choice(RUSSIAN_FEMALE_NAMES)
            language = ContactLanguage.RUSSIAN if rng.random() < 0.9 else ContactLanguage.KAZAKH
        last_name = surnames[surname_index][0 if male else 1]

        if parent is not None:
            kato, polyclinic = parent.kato, parent.polyclinic
        else:
            kato = rng.choices(list(TERRITORY_WEIGHTS), list(TERRITORY_WEIGHTS.values()))[0]
            polyclinic = rng.choice(POLYCLINICS[kato])

        needs_roll = rng.random()
        if needs_roll < 0.08:  # blind or low vision
            needs = [AccessibilityNeed.BRAILLE.value, AccessibilityNeed.AUDIO.value]
        elif needs_roll < 0.14:  # deaf
            needs = [AccessibilityNeed.SIGN_LANGUAGE.value]
        elif needs_roll < 0.19:
            needs = [AccessibilityNeed.LARGE_PRINT.value]
        elif needs_roll < 0.22:
            needs = [AccessibilityNeed.EASY_READ.value]
        else:
            needs = []

        house, flat = rng.randint(1, 120), rng.randint(1, 90)
        in_kazakh = language == ContactLanguage.KAZAKH
        if kato == ORAL:
            street = rng.choice(KAZAKH_STREETS if in_kazakh else RUSSIAN_STREETS)
            address = (
                f"{street} көшесі, {house}-үй, {flat}-пәтер"
                if in_kazakh
                else f"ул. {street}, д. {house}, кв. {flat}"
            )
        else:
            village = VILLAGES[kato][0 if in_kazakh else 1]
            street = rng.choice(KAZAKH_STREETS if in_kazakh else RUSSIAN_STREETS)
            address = (
                f"{village}, {street} көшесі, {house}-үй"
                if in_kazakh
                else f"{village}, ул. {street}, д. {house}"
            )
        # Synthetic numbers: the "000" block marks them as made up.
        phone = (
            f"+7 70{rng.choice('1578')} 000 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
            if rng.random() < 0.92
            else ""
        )
        email = f"demo.person{index + 1}@example.org" if rng.random() < 0.1 else ""
        consent = rng.random() < 0.9
        consent_at = (
            dt.datetime(2025, 1, 15, 10, 0, tzinfo=dt.UTC)
            + dt.timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 480))
            if consent
            else None
        )

        bases = [(polyclinic, LinkBasis.REGISTERED.value), (polyclinic, LinkBasis.ATTACHED.value)]
        if rng.random() < 0.3:
            bases.append((MSE_DIVISION, LinkBasis.REFERRAL.value))
        if rng.random() < 0.2:
            bases.append((EMPLOYMENT_OFFICE, LinkBasis.REHABILITATION.value))

        iin = self.iin(birth_date, sex)
        return PersonSpec(
            iin=iin,
            kato=kato,
            polyclinic=polyclinic,
            kazakh=kazakh,
            surname_index=surname_index,
            male_name_index=male_name_index,
            representative_iin=parent.iin if parent else "",
            bases=bases,
            fields={
                "last_name": last_name,
                "first_name": first_name,
                "patronymic": patronymic,
                "birth_date": birth_date,
                "sex": sex.value,
                "address": address,
                "phone": phone,
                "email": email,
                "preferred_language": language.value,
                "accessibility_needs": needs,
                "representative_relation": RepresentativeRelation.PARENT.value if parent else "",
                "consent_to_processing": consent,
                "consent_recorded_at": consent_at,
                "search_name": name_search_key(last_name, first_name, patronymic),
            },
        )

    def generate(self) -> list[PersonSpec]:
        children = round(PERSON_COUNT * CHILD_SHARE)
        adults = [
            self.person(i, self.birth_date(1940, 2007)) for i in range(PERSON_COUNT - children)
        ]
        specs = list(adults)
        for i in range(PERSON_COUNT - children, PERSON_COUNT):
            birth = self.birth_date(2008, 2020)
            # A parent 18 to 45 years older; the demo has enough adults for every birth year.
            candidates = [a for a in adults if 18 <= birth.year - a.fields["birth_date"].year <= 45]
            specs.append(self.person(i, birth, parent=self.rng.choice(candidates)))
        return specs


def generate() -> list[PersonSpec]:
    """The demo persons, the same list on every call."""
    return _Generator().generate()


def _reference_data() -> tuple[dict[str, Territory], dict[str, Organisation]]:
    codes = {MSE_DIVISION, EMPLOYMENT_OFFICE} | {c for cs in POLYCLINICS.values() for c in cs}
    territories = {t.kato: t for t in Territory.objects.filter(kato__in=list(TERRITORY_WEIGHTS))}
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    missing = sorted(set(TERRITORY_WEIGHTS) - set(territories)) + sorted(codes - set(organisations))
    if missing:
        raise ImproperlyConfigured(
            "The people demo needs the directory demo first; missing: " + ", ".join(missing)
        )
    return territories, organisations


def load() -> str:
    """Create or refresh the demo persons and their access links. Idempotent (keyed on IIN)."""
    territories, organisations = _reference_data()
    specs = generate()
    for spec in specs:
        validate_iin(spec.iin)  # a generator bug must not put an invalid IIN in the demo

    existing = {p.iin: p for p in Person.objects.filter(iin__in=[s.iin for s in specs])}
    now = timezone.now()
    to_create: list[Person] = []
    to_update: list[Person] = []
    update_fields: set[str] = set()
    for spec in specs:
        wanted = {
            **spec.fields,
            "territory_id": territories[spec.kato].pk,
            "registered_by_id": organisations[spec.polyclinic].pk,
        }
        person = existing.get(spec.iin)
        if person is None:
            person = Person(iin=spec.iin, **wanted)
            person.full_clean(
                exclude=["territory", "registered_by", "legal_representative"],
                validate_unique=False,
            )
            to_create.append(person)
            continue
        differing = assign_changes(person, wanted)
        if differing:
            person.version += 1
            person.updated_at = now
            update_fields.update(differing)
            to_update.append(person)
    Person.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Person.objects.bulk_update(
            to_update, [*update_fields, "version", "updated_at"], batch_size=500
        )

    # Representatives point at other demo persons, so they are set once every person has an id.
    persons = {p.iin: p for p in Person.objects.filter(iin__in=[s.iin for s in specs])}
    represented: list[Person] = []
    for spec in specs:
        person = persons[spec.iin]
        wanted_id = persons[spec.representative_iin].pk if spec.representative_iin else None
        if person.legal_representative_id != wanted_id:
            person.legal_representative_id = wanted_id
            person.version += 1
            represented.append(person)
    if represented:
        Person.objects.bulk_update(represented, ["legal_representative", "version"], batch_size=500)

    links = set(
        PersonLink.objects.filter(person__in=persons.values()).values_list(
            "person_id", "organisation_id", "basis"
        )
    )
    new_links = []
    for spec in specs:
        person_id = persons[spec.iin].pk
        for code, basis in spec.bases:
            key = (person_id, organisations[code].pk, basis)
            if key not in links:
                links.add(key)
                new_links.append(PersonLink(person_id=key[0], organisation_id=key[1], basis=basis))
    PersonLink.objects.bulk_create(new_links, batch_size=500)

    changed = len(to_create) + len({p.pk for p in to_update} | {p.pk for p in represented})
    if changed or new_links:
        # One record for the whole load: the demo writes through bulk operations, not services.
        audit_record(
            actor=None,
            action=AuditAction.CREATE if to_create else AuditAction.UPDATE,
            target_type="people.person",
            channel=AuditChannel.COMMAND,
            detail=f"demo load: {len(to_create)} created, {len(to_update)} updated",
        )
    return (
        f"{len(specs)} synthetic persons ({len(to_create)} new, {len(to_update)} updated), "
        f"{len(new_links)} new access links"
    )
