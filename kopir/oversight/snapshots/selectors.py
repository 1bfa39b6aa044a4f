"""Reads of snapshots and of their citations. Aggregates only: nothing here reaches a person,
so nothing here writes an audit record of a read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kopir.oversight.figures import COUNT, SHARE, WHOLE, figures_of
from kopir.oversight.models import Snapshot, SnapshotAttachment
from kopir.oversight.snapshots.content import KINDS, scope_of
from kopir.oversight.snapshots.records import sent_on, target_field

# The snapshots offered in a record's "cite a snapshot" list: the newest.
CITABLE_SHOWN = 50


def snapshots() -> QuerySet[Snapshot]:
    """Every snapshot, newest first (the list is the council's shared shelf of figures)."""
    return Snapshot.objects.select_related("saved_by").defer("content")


def snapshot_by_pk(pk: int) -> Snapshot:
    return Snapshot.objects.select_related("saved_by", "territory", "organisation").get(pk=pk)


def citations_of(record: Any) -> list[SnapshotAttachment]:
    """The snapshots `record` cites, in the order they were attached."""
    return list(
        SnapshotAttachment.objects.filter(**{target_field(record): record}).select_related(
            "snapshot__saved_by", "snapshot__territory", "snapshot__organisation"
        )
    )


def citable_for(
    record: Any, cited: list[SnapshotAttachment], *, saved_by_sending: bool = True
) -> list[Snapshot]:
    """The newest snapshots `record` does not cite yet, saved by the day it was sent if it was
    (`saved_by_sending=False`: any, for a posted choice the service then refuses in words)."""
    snapshots = Snapshot.objects.exclude(pk__in=[attachment.snapshot_id for attachment in cited])
    sent = sent_on(record)
    if sent is not None and saved_by_sending:
        snapshots = snapshots.filter(saved_at__lt=_start_of(sent + dt.timedelta(days=1)))
    return list(
        snapshots.only("pk", "title", "title_ru", "saved_at", "period", "dashboard")[:CITABLE_SHOWN]
    )


@dataclass(frozen=True)
class Compared:
    label: str
    then: str
    today: str
    change: str


def change_in_words(kind: str, then: float | None, today: float | None) -> str:
    """How a published figure moved from `then` to `today`, from the published figures only."""
    if then is None or today is None:
        return _("Cannot be compared: one of the figures is under 5 or too few to show.")
    if kind == SHARE:
        points = round((today - then) * 100)
        if points == 0:
            return _("Unchanged")
        shown = number_format(abs(points), 0)
        if points > 0:
            return _("Up by %(points)s percentage points") % {"points": shown}
        return _("Down by %(points)s percentage points") % {"points": shown}
    whole = kind in (COUNT, WHOLE)
    difference = today - then if whole else round(today - then, 1)
    if difference == 0:
        return _("Unchanged")
    shown = number_format(abs(difference), 0 if whole else 1)
    if difference > 0:
        return _("Up by %(difference)s") % {"difference": shown}
    return _("Down by %(difference)s") % {"difference": shown}


def compared_today(
    snapshot: Snapshot, language: str, *, today: dt.date | None = None
) -> list[Compared]:
    """Each headline figure of `snapshot` as saved beside today's, computed for the same
    dashboard and filters and published by the same rules, with the change in words."""
    kind = KINDS[snapshot.dashboard]
    scope = scope_of(snapshot.period, snapshot.territory, snapshot.organisation)
    now = {
        figure["key"]: figure
        for figure in figures_of(
            kind.figures, kind.compute(scope, today=today or timezone.localdate())
        )
    }
    compared = []
    for figure in snapshot.shown(language)["figures"]:
        current = now.get(figure["key"])
        if current is None:
            continue
        # A figure saved before figures could be unknown has no "known": it is taken as known.
        # Its quota figures were not corrected to "not known" where no register was recorded:
        # what such a snapshot stored (0 jobs set, "each <5" filled, the same quota tables) is
        # also what a register of employers under the quota's headcount stored.
        if figure.get("known", True) and current["known"]:
            change = change_in_words(figure["kind"], figure["value"], current["value"])
        else:
            change = _("Cannot be compared: one of the figures is not known.")
        compared.append(
            Compared(
                label=figure["label"],
                then=figure["shown"],
                today=current["shown"],
                change=change,
            )
        )
    return compared


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())
