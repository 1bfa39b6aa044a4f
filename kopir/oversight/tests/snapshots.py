"""Saving a snapshot in tests as the confirmation page would: the fingerprint of the figures the
person saw (in Kazakh), then the save."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from kopir.oversight.models import Snapshot
from kopir.oversight.snapshots.content import KINDS, content_of, scope_of
from kopir.oversight.snapshots.services import digest, snapshot_save

# A day after the first quarter of 2026 ended: the quarter's figures are complete.
TODAY = dt.date(2026, 4, 15)


def seen_digest(
    dashboard: str,
    period: str,
    *,
    today: dt.date = TODAY,
    territory: Any = None,
    organisation: Any = None,
) -> str:
    with translation.override("kk"):
        shown = content_of(KINDS[dashboard], scope_of(period, territory, organisation), today=today)
    return digest(shown)


def save_snapshot(
    actor: Any,
    *,
    dashboard: str = "mse",
    period: str = "2026-Q1",
    territory: Any = None,
    organisation: Any = None,
    today: dt.date = TODAY,
    title: str = "Сырттай куәландыру, 2026 жылғы 1-тоқсан",
    title_ru: str = "Заочное освидетельствование, 1 квартал 2026 года",
) -> Snapshot:
    return snapshot_save(
        actor=actor,
        dashboard=dashboard,
        period=period,
        territory=territory,
        organisation=organisation,
        title=title,
        title_ru=title_ru,
        seen_digest=seen_digest(
            dashboard, period, today=today, territory=territory, organisation=organisation
        ),
        seen_language="kk",
        today=today,
    )
