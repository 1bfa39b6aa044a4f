"""URL arguments for rehabilitation's IRP and catalogue pages, from the demo: the blind person's
approved programme (demo-p1-05), a programme still in draft (demo-p3-03), the active measure
catalogue and the first routing rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.routes import CATALOGUE_ROUTES


def _programme(case: str) -> dict[str, Any]:
    from kopir.rehabilitation.models import Programme

    programme = Programme.objects.filter(referral__external_id=case).first()
    assert programme is not None, f"the rehabilitation demo has no programme for {case}"
    return {"pk": programme.pk}


def _draft_line() -> dict[str, Any]:
    from kopir.rehabilitation.models import ProgrammeLine

    line = (
        ProgrammeLine.objects.filter(
            programme_version__status="draft",
            programme_version__programme__referral__external_id="demo-p3-03",
        )
        .order_by("pk")
        .first()
    )
    assert line is not None, "the demo's draft programme has no measure"
    return {"pk": line.programme_version.programme_id, "line_pk": line.pk}


def _catalogue() -> dict[str, Any]:
    from kopir.rehabilitation.models import MeasureCatalogue

    return {"pk": MeasureCatalogue.objects.get(status="active").pk}


def _measure() -> dict[str, Any]:
    from kopir.rehabilitation.models import MeasureType

    measure = MeasureType.objects.filter(catalogue__status="active").order_by("pk").first()
    assert measure is not None
    return {"pk": measure.catalogue_id, "measure_pk": measure.pk}


def _suggestion() -> dict[str, Any]:
    from kopir.rehabilitation.models import SuggestionRule

    rule = SuggestionRule.objects.filter(catalogue__status="active").order_by("pk").first()
    assert rule is not None
    return {"pk": rule.catalogue_id, "rule_pk": rule.pk}


def _routing() -> dict[str, Any]:
    from kopir.rehabilitation.models import RoutingRule

    return {"pk": RoutingRule.objects.order_by("pk").values_list("pk", flat=True).first()}


def _approved(**extra: Any) -> dict[str, Any]:
    return {**_programme("demo-p1-05"), "sequence": 1, **extra}


REHABILITATION_ARGUMENTS: dict[str, Callable[[Any, Any], dict[str, Any]]] = {
    "rehabilitation:programme_detail": lambda demo, user: _programme("demo-p1-05"),
    "rehabilitation:programme_version": lambda demo, user: _approved(),
    "rehabilitation:programme_document": lambda demo, user: _approved(lang="kk", extension="pdf"),
    "rehabilitation:programme_line_create": lambda demo, user: _programme("demo-p3-03"),
    "rehabilitation:programme_line_edit": lambda demo, user: _draft_line(),
    "rehabilitation:programme_line_delete": lambda demo, user: _draft_line(),
    "rehabilitation:programme_approve": lambda demo, user: _programme("demo-p3-03"),
    **dict.fromkeys(CATALOGUE_ROUTES, lambda demo, user: _catalogue()),
    "rehabilitation:measure_edit": lambda demo, user: _measure(),
    "rehabilitation:measure_delete": lambda demo, user: _measure(),
    "rehabilitation:suggestion_edit": lambda demo, user: _suggestion(),
    "rehabilitation:suggestion_delete": lambda demo, user: _suggestion(),
    "rehabilitation:routing_edit": lambda demo, user: _routing(),
    "rehabilitation:routing_delete": lambda demo, user: _routing(),
}
