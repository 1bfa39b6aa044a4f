"""The country: 17 regions and 3 cities of republican significance, their districts, and in each
district a polyclinic, the employment and social programmes department, a career centre and the
akimat; in each region an MSE department with its division, a health office and an education
office; and their staff. Territory codes are Kopir's own ("9" + region + district), marked as not
part of KATO, so a generated country never collides with the real classifier's rows."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from kopir.accounts.models import Role, RoleAssignment, User
from kopir.bench.synthetic.tables import Table, next_id, reset_sequences
from kopir.core.collation import alphabet_sort_text
from kopir.core.identifiers import make_bin
from kopir.directory.models import (
    CodeStatus,
    Organisation,
    OrganisationKind,
    ReferenceDataSource,
    Territory,
    TerritoryLevel,
)

SOURCE_CODE = "kopir-synthetic"

# (kk, ru, en) — the regions and the cities of republican significance.
REGIONS: tuple[tuple[str, str, str], ...] = (
    ("Абай облысы", "Абайская область", "Abai Region"),
    ("Ақмола облысы", "Акмолинская область", "Akmola Region"),
    ("Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
    ("Алматы облысы", "Алматинская область", "Almaty Region"),
    ("Атырау облысы", "Атырауская область", "Atyrau Region"),
    ("Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan Region"),
    ("Жамбыл облысы", "Жамбылская область", "Zhambyl Region"),
    ("Жетісу облысы", "Область Жетісу", "Zhetisu Region"),
    ("Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan Region"),
    ("Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
    ("Қостанай облысы", "Костанайская область", "Kostanay Region"),
    ("Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"),
    ("Маңғыстау облысы", "Мангистауская область", "Mangystau Region"),
    ("Павлодар облысы", "Павлодарская область", "Pavlodar Region"),
    ("Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "North Kazakhstan Region"),
    ("Түркістан облысы", "Туркестанская область", "Turkistan Region"),
    ("Ұлытау облысы", "Область Ұлытау", "Ulytau Region"),
    ("Астана қаласы", "город Астана", "Astana"),
    ("Алматы қаласы", "город Алматы", "Almaty"),
    ("Шымкент қаласы", "город Шымкент", "Shymkent"),
)

DISTRICT_KINDS = (
    OrganisationKind.MEDICAL,
    OrganisationKind.EMPLOYMENT_SOCIAL,
    OrganisationKind.CAREER_CENTRE,
    OrganisationKind.AKIMAT,
)
REGION_KINDS = (
    OrganisationKind.MSE_DEPARTMENT,
    OrganisationKind.MSE_DIVISION,
    OrganisationKind.HEALTH_OFFICE,
    OrganisationKind.EDUCATION_OFFICE,
    OrganisationKind.EMPLOYMENT_SOCIAL,
)
KIND_NAMES: dict[str, tuple[str, str, str]] = {
    OrganisationKind.MEDICAL: ("емханасы", "поликлиника", "polyclinic"),
    OrganisationKind.EMPLOYMENT_SOCIAL: (
        "жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
        "отдел занятости и социальных программ",
        "employment and social programmes department",
    ),
    OrganisationKind.CAREER_CENTRE: ("карьера орталығы", "карьерный центр", "career centre"),
    OrganisationKind.AKIMAT: ("әкімдігі", "акимат", "akimat"),
    OrganisationKind.MSE_DEPARTMENT: ("МӘС департаменті", "департамент МСЭ", "MSE department"),
    OrganisationKind.MSE_DIVISION: ("МӘС бөлімі", "отдел МСЭ", "MSE division"),
    OrganisationKind.HEALTH_OFFICE: (
        "денсаулық сақтау басқармасы",
        "управление здравоохранения",
        "health office",
    ),
    OrganisationKind.EDUCATION_OFFICE: (
        "білім басқармасы",
        "управление образования",
        "education office",
    ),
}
# Staff per organisation kind: (role, how many).
STAFF: dict[str, tuple[tuple[str, int], ...]] = {
    OrganisationKind.MEDICAL: ((Role.CLINICIAN, 2),),
    OrganisationKind.MSE_DIVISION: ((Role.MSE_HEAD, 1), (Role.MSE_SPECIALIST, 6)),
    OrganisationKind.EMPLOYMENT_SOCIAL: ((Role.AGENCY_OFFICER, 2),),
    OrganisationKind.CAREER_CENTRE: ((Role.AGENCY_OFFICER, 2),),
    OrganisationKind.AKIMAT: ((Role.AGENCY_OFFICER, 1),),
    OrganisationKind.HEALTH_OFFICE: ((Role.AGENCY_OFFICER, 2),),
    OrganisationKind.EDUCATION_OFFICE: ((Role.AGENCY_OFFICER, 1),),
}


@dataclass
class World:
    """What the later parts need of the country, read back from the database."""

    regions: list[int] = field(default_factory=list)
    districts: list[int] = field(default_factory=list)
    district_region: dict[int, int] = field(default_factory=dict)
    # (territory id, kind) -> organisation id
    organisations: dict[tuple[int, str], int] = field(default_factory=dict)
    # organisation id -> {role: [user ids]}
    staff: dict[int, dict[str, list[int]]] = field(default_factory=dict)

    def organisation(self, territory: int, kind: str) -> int:
        return self.organisations[(territory, kind)]

    def users(self, organisation: int, role: str) -> list[int]:
        return self.staff.get(organisation, {}).get(role, [])


def districts_per_region(persons: int) -> int:
    """About 3,750 persons with disabilities per district (750 k in ~200 districts)."""
    return max(1, min(14, round(persons / 3750 / len(REGIONS))))


def country_written() -> bool:
    return Territory.objects.filter(source__code=SOURCE_CODE).exists()


def write_country(*, persons: int, seed: int) -> None:
    rng = random.Random(f"{seed}:country")
    source, _created = ReferenceDataSource.objects.get_or_create(
        code=SOURCE_CODE,
        defaults={"title": "Kopir synthetic data", "version": str(seed)},
    )
    territories = Table(Territory)
    organisations = Table(Organisation)
    users = Table(User)
    roles = Table(RoleAssignment)
    territory_id = itertools.count(next_id(Territory))
    organisation_id = itertools.count(next_id(Organisation))
    user_id = itertools.count(next_id(User))
    role_id = itertools.count(next_id(RoleAssignment))
    bin_serial = itertools.count(70000)
    now = timezone.now()
    # One hash for every generated account: they sign in only through the benchmark's
    # force_login, never with a password.
    password = make_password(None)
    territory_rows: list[list[object]] = []
    organisation_rows: list[list[object]] = []
    user_rows: list[list[object]] = []
    role_rows: list[list[object]] = []

    def next_bin() -> str:
        while True:
            number = make_bin(dt.date(2008, 1, 1), 4, 0, next(bin_serial))
            if number:
                return number

    def organisation(
        code: str, kind: str, territory: int, place: tuple[str, str, str], parent: int | None
    ) -> int:
        pk = next(organisation_id)
        kk, ru, en = KIND_NAMES[kind]
        names = {
            "name_kk": f"{place[0]} {kk}",
            "name_ru": f"{ru} — {place[1]}",
            "name_en": f"{place[2]} {en}",
        }
        organisation_rows.append(
            organisations.row(
                id=pk,
                code=code,
                kind=kind,
                bin=next_bin(),
                territory_id=territory,
                parent_id=parent,
                email=f"{code}@example.kz",
                search_text="\n".join(value.casefold() for value in (*names.values(), code)),
                # What Organisation.save keeps: the paged list's order.
                **{f"sort_{name}": alphabet_sort_text(value) for name, value in names.items()},
                **names,
            )
        )
        for role, count in STAFF.get(kind, ()):
            for n in range(count):
                pk_user = next(user_id)
                user_rows.append(
                    users.row(
                        id=pk_user,
                        password=password,
                        username=f"{code}-{role}-{n + 1}",
                        first_name=rng.choice(("Айгүл", "Ерлан", "Гүлнар", "Нұрлан", "Сәуле")),
                        last_name=rng.choice(("Оспанова", "Жұмабаев", "Әбенова", "Сейітов")),
                        organisation_id=pk,
                        date_joined=now,
                    )
                )
                role_rows.append(
                    roles.row(id=next(role_id), user_id=pk_user, role=role, granted_at=now)
                )
        return pk

    def territory(
        pk: int, place: tuple[str, str, str], kato: str, level: str, parent: int | None = None
    ) -> None:
        territory_rows.append(
            territories.row(
                id=pk,
                name_kk=place[0],
                name_ru=place[1],
                name_en=place[2],
                kato=kato,
                level=level,
                parent_id=parent,
                source_id=source.pk,
                code_status=CodeStatus.LOCAL,
            )
        )

    per_region = districts_per_region(persons)
    for r, place in enumerate(REGIONS, start=1):
        region_pk = next(territory_id)
        is_city = r > 17
        level = TerritoryLevel.CITY if is_city else TerritoryLevel.REGION
        territory(region_pk, place, f"9{r:02d}000000", level)
        department = None
        for kind in REGION_KINDS:
            parent = department if kind == OrganisationKind.MSE_DIVISION else None
            pk = organisation(f"syn-{r:02d}-{kind}", kind, region_pk, place, parent)
            if kind == OrganisationKind.MSE_DEPARTMENT:
                department = pk
        regional_employment = int(organisation_rows[-1][0])  # type: ignore[call-overload]
        for d in range(1, per_region + 1):
            district_pk = next(territory_id)
            district = (
                f"{place[0]} {d}-аудан",
                f"{place[1]}, район {d}",
                f"{place[2]}, district {d}",
            )
            territory(
                district_pk, district, f"9{r:02d}{d:02d}0000", TerritoryLevel.DISTRICT, region_pk
            )
            for kind in DISTRICT_KINDS:
                parent = regional_employment if kind == OrganisationKind.EMPLOYMENT_SOCIAL else None
                organisation(f"syn-{r:02d}-{d:02d}-{kind}", kind, district_pk, district, parent)
    territories.write(territory_rows)
    organisations.write(organisation_rows)
    users.write(user_rows)
    roles.write(role_rows)
    reset_sequences((Territory, Organisation, User, RoleAssignment))


def read_world() -> World:
    world = World()
    for pk, parent in (
        Territory.objects.filter(source__code=SOURCE_CODE)
        .values_list("pk", "parent_id")
        .order_by("pk")
    ):
        if parent is None:
            world.regions.append(pk)
        else:
            world.districts.append(pk)
            world.district_region[pk] = parent
    for pk, territory, kind in (
        Organisation.objects.filter(code__startswith="syn-")
        .values_list("pk", "territory_id", "kind")
        .order_by("pk")
    ):
        world.organisations.setdefault((territory, kind), pk)
    for user, organisation, role in (
        RoleAssignment.objects.filter(user__username__startswith="syn-")
        .values_list("user_id", "user__organisation_id", "role")
        .order_by("user_id")
    ):
        world.staff.setdefault(organisation, {}).setdefault(role, []).append(user)
    return world
