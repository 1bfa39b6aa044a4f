"""Reads for the administrator's catalogue pages (reference data: no personal data)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from kopir.rehabilitation.models import (
    MeasureCatalogue,
    MeasureType,
    ProgrammePart,
    RoutingRule,
    SuggestionRule,
)


def catalogue_rows() -> list[MeasureCatalogue]:
    return list(
        MeasureCatalogue.objects.annotate(
            measure_count=Count("measure_types", distinct=True),
            rule_count=Count("suggestion_rules", distinct=True),
        ).order_by("-number")
    )


@dataclass(frozen=True)
class PartGroup:
    part: str
    label: str
    measures: list[MeasureType]


def measures_by_part(catalogue: MeasureCatalogue) -> list[PartGroup]:
    """The catalogue's measures grouped by the part of the programme, in the parts' order."""
    measures = list(catalogue.measure_types.order_by("position", "code"))
    return [
        PartGroup(part, str(label), [m for m in measures if m.part == part])
        for part, label in ProgrammePart.choices
        if any(m.part == part for m in measures)
    ]


def suggestion_rule_rows(catalogue: MeasureCatalogue) -> list[SuggestionRule]:
    return list(
        catalogue.suggestion_rules.select_related("measure_type").order_by("position", "id")
    )


def routing_rule_rows() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.select_related("territory", "organisation").order_by(
            "executor_kind", "measure_code", "territory__kato"
        )
    )
