"""What the oversight offers the council's records through `core/registry.py::CitationSource`:
the section of an agenda item's, a recommendation's or a letter's page with the snapshots it
cites, and the tables the minutes print. The council app knows nothing of snapshots."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kopir.core.registry import CitationSource, CitedTable
from kopir.core.text import reader_language
from kopir.oversight import access
from kopir.oversight.forms_snapshots import CiteForm
from kopir.oversight.models import Snapshot, SnapshotAttachment
from kopir.oversight.snapshots.records import (
    TARGETS,
    is_final,
    record_url,
    sent_on,
    target_field,
)
from kopir.oversight.snapshots.selectors import citable_for, citations_of, compared_today


def panel(request: Any, record: Any) -> str:
    """The "Figures cited" section of `record`'s page."""
    if request is None or type(record) not in TARGETS:
        return ""
    user = request.user
    cited = citations_of(record)
    may_change = access.may_cite_in(user, record) and not is_final(record)
    if not cited and not may_change:
        return ""
    language = reader_language()
    comparisons = {}
    if target_field(record) == "recommendation":
        comparisons = {a.pk: compared_today(a.snapshot, language) for a in cited}
    items = [
        {
            "attachment": attachment,
            "title": attachment.snapshot.title_in(language),
            "shown": attachment.snapshot.shown(language),
            "compared": comparisons.get(attachment.pk),
        }
        for attachment in cited
    ]
    form = None
    if may_change:
        form = CiteForm(snapshots=citable_for(record, cited), language=language)
    return render_to_string(
        "oversight/snapshots/cited_panel.html",
        {
            "items": items,
            "may_change": may_change,
            "may_open": access.can_read_dashboards(user),
            "form": form,
            "target": target_field(record),
            "record": record,
            "back": record_url(record),
            "sent_on": sent_on(record),
        },
        request=request,
    )


def details(snapshot: Snapshot, lang: str) -> tuple[tuple[str, str], ...]:
    """What a printed snapshot says of itself, in `lang` (translation active)."""
    shown = snapshot.shown(lang)
    rows = [(_("Dashboard"), shown["dashboard"])]
    rows += [(f["label"], f["value"]) for f in shown["filters"]]
    rows += [
        (_("Figures as of"), date_format(snapshot.computed_on, "SHORT_DATE_FORMAT")),
        (
            _("Saved"),
            date_format(timezone.localtime(snapshot.saved_at), "SHORT_DATETIME_FORMAT"),
        ),
        (_("Data version"), str(snapshot.data_version)),
    ]
    return tuple(rows)


def cited_table(snapshot: Snapshot, lang: str) -> CitedTable:
    with translation.override(lang):
        return CitedTable(
            title=snapshot.title_in(lang),
            details=details(snapshot, lang),
            columns=(_("Figure"), _("Value")),
            rows=tuple((f["label"], f["shown"]) for f in snapshot.shown(lang)["figures"]),
            as_of=snapshot.computed_on,
        )


def tables(records: list[Any], lang: str) -> dict[Any, list[CitedTable]]:
    """The snapshots each of `records` cites, as the documents print them: one query per kind
    of record."""
    by_field: dict[str, list[Any]] = defaultdict(list)
    for record in records:
        if type(record) in TARGETS:
            by_field[target_field(record)].append(record)
    cited: dict[Any, list[CitedTable]] = {}
    for field, of_kind in by_field.items():
        wanted = {record.pk: record for record in of_kind}
        attachments = SnapshotAttachment.objects.filter(
            **{f"{field}_id__in": list(wanted)}
        ).select_related("snapshot")
        for attachment in attachments:
            record = wanted[getattr(attachment, f"{field}_id")]
            cited.setdefault(record, []).append(cited_table(attachment.snapshot, lang))
    return cited


CITATION_SOURCE = CitationSource(key="oversight.snapshots", panel=panel, tables=tables)
