"""The oversight dashboards on the signed-in home page: how many the user can open.

The home page shows numbers as they are; a figure from the dashboards there would escape the
small-cell rules, so the item counts dashboards, not cases.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopir.core.registry import HomeItem
from kopir.oversight import access

DASHBOARDS = (
    "oversight:mse",
    "oversight:rehabilitation",
    "oversight:employment",
    "oversight:council",
)


def dashboard_count(user: Any) -> int:
    return len(DASHBOARDS)


def dashboards_url(user: Any) -> str:
    return reverse("oversight:index")


def home_items() -> list[HomeItem]:
    return [
        HomeItem(
            key="oversight.dashboards",
            section=_("Oversight"),
            label=_("dashboards on case data, small groups protected"),
            empty=_("No dashboards yet."),
            allowed=access.can_read_dashboards,
            count=dashboard_count,
            url=dashboards_url,
            order=850,
        )
    ]
