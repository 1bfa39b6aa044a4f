"""The other way of a dossier's links: `{% in_dossiers record %}` on a record's page names the
dossiers that hold it, by hand or through the records it follows from
(`selectors/dossiers.py`), each linked to its page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template

from kopir.core.text import reader_language
from kopir.council.models import (
    AgendaItem,
    Dossier,
    Letter,
    MonitoringVisit,
    Petition,
    Recommendation,
    Vote,
)
from kopir.council.selectors import dossiers as selectors

register = template.Library()

HOLDING: dict[type, Callable[[Any], list[Dossier]]] = {
    Petition: selectors.dossiers_of_petition,
    AgendaItem: selectors.dossiers_of_agenda_item,
    Vote: lambda vote: selectors.dossiers_of_agenda_item(vote.agenda_item),
    Recommendation: selectors.dossiers_of_recommendation,
    MonitoringVisit: selectors.dossiers_of_visit,
    Letter: selectors.dossiers_of_letter,
}


@register.inclusion_tag("council/dossiers/_in_dossiers.html", takes_context=True)
def in_dossiers(context: template.Context, record: Any) -> dict[str, Any]:
    lang = reader_language()
    held = HOLDING[type(record)](record)
    return {
        "council": context["council"],
        "dossiers": [(dossier.pk, dossier.title_in(lang)) for dossier in held],
    }
