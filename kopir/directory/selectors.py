"""Reads from the directory. Views and other apps ask here instead of building queries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kopir.core.collation import CodePoint
from kopir.core.text import reader_language
from kopir.directory.models import (
    Organisation,
    ReferenceDataSource,
    Territory,
    TerritoryLevel,
    normalise_for_search,
)

# KATO has four levels below the country (region, district, rural district, settlement); the walk
# down a territory's subtree never needs more steps than this.
MAX_TERRITORY_DEPTH = 6


def territory_list() -> QuerySet[Territory]:
    return Territory.objects.select_related("parent", "source").order_by("kato")


def reference_sources() -> QuerySet[ReferenceDataSource]:
    return ReferenceDataSource.objects.order_by("code")


def territory_choices() -> QuerySet[Territory]:
    return Territory.objects.order_by("kato")


def territory_subtree_ids(territory: Territory) -> list[int]:
    """The territory and every unit inside it (a region's districts, their villages...).

    One query per level, so the cost depends on KATO's depth, not on how many units there are.
    """
    ids = [territory.pk]
    frontier = [territory.pk]
    for _level in range(MAX_TERRITORY_DEPTH):
        frontier = list(
            Territory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        if not frontier:
            break
        ids.extend(frontier)
    return ids


# The levels a reader calls "a district": a district of a region, or a city of the region's
# significance (it has no district above it).
DISTRICT_LEVELS = (TerritoryLevel.DISTRICT, TerritoryLevel.CITY)


def districts_within(territory_id: int) -> dict[int, Territory]:
    """Each unit of the territory's subtree mapped to the district (or city) it lies in; a unit
    above district level (the region itself) maps to nothing. One query per KATO level."""
    district_of: dict[int, Territory] = {}
    frontier = list(Territory.objects.filter(parent_id=territory_id))
    for _level in range(MAX_TERRITORY_DEPTH):
        if not frontier:
            break
        for unit in frontier:
            if unit.level in DISTRICT_LEVELS:
                district_of[unit.pk] = unit
            elif unit.parent_id in district_of:
                district_of[unit.pk] = district_of[unit.parent_id]
        frontier = list(Territory.objects.filter(parent_id__in=[unit.pk for unit in frontier]))
    return district_of


def by_name() -> CodePoint:
    """Organisations in the alphabetical order of the page's language (Қ after К, not after Я;
    "№ 9" before "№ 10"), as the choice lists sort them: the name's stored sort text, along its
    index."""
    language = reader_language()
    return CodePoint(f"sort_name_{language if language in {'kk', 'ru', 'en'} else 'kk'}")


def organisation_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("territory", "parent")


def organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name_kk")


def organisation_search(
    *,
    query: str = "",
    kind: str = "",
    territory: Territory | None = None,
) -> QuerySet[Organisation]:
    """Organisations matching a name (any language, any case) or the digits of a BIN.

    A query of digits only is read as the start of a BIN; anything else is looked for in the names,
    short names and code. A territory includes every unit inside it.
    """
    organisations = Organisation.objects.select_related("territory").order_by(by_name(), "pk")
    if kind:
        organisations = organisations.filter(kind=kind)
    if territory is not None:
        organisations = organisations.filter(territory_id__in=territory_subtree_ids(territory))
    compact = "".join(query.split())
    if compact.isdigit():
        organisations = organisations.filter(bin__startswith=compact)
    elif query.strip():
        organisations = organisations.filter(search_text__contains=normalise_for_search(query))
    return organisations


def organisation_units(organisation: Organisation) -> QuerySet[Organisation]:
    return organisation.units.select_related("territory").order_by(by_name(), "pk")


def organisation_staff_count(organisation: Organisation) -> int:
    return int(organisation.staff.filter(is_active=True).count())


def organisation_staff(organisation: Organisation) -> QuerySet[Any]:
    return organisation.staff.filter(is_active=True).order_by("last_name", "first_name", "username")
