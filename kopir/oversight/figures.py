"""Each dashboard's headline figures (a label, its definition, how it is shown, where the
dashboard keeps it) and its chart's two series: the dashboard's page shows them, and a snapshot
keeps them as the page showed them (`snapshots/content.py`), from the same catalogue entries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kopir.oversight.disclosure import Count, Total
from kopir.oversight.templatetags.oversight_tags import decimal, percent

# The charts' two series, also column heads of their tables.
MSE_SERIES = (_("Referrals sent"), _("Returned incomplete at least once"))
REHABILITATION_SERIES = (_("Delivered on time"), _("Delivered late"))
EMPLOYMENT_SERIES = (_("Placed on a quota job"), _("Placed on another job"))
COUNCIL_SERIES = (_("Recommendations sent"), _("Answered within the due date"))

COUNT = "count"
SHARE = "share"
NUMBER = "number"  # days, or a ratio: one decimal
WHOLE = "whole"  # not persons (jobs, recommendations, plan items): shown as they are


@dataclass(frozen=True)
class FigureSpec:
    key: str
    label: Any
    definition: Any
    kind: str
    value: Callable[[Any], Any]
    # The page's label where it names the year (`%(year)s`, the dashboard's): the quota register
    # is kept by year, so a quarter's page says which. A snapshot keeps `label`, and its period.
    label_of_year: Any = None
    # Why the figure is not known for this dashboard, or None where it is: a figure with nothing
    # to count from (no quota register for the year) is not 0, and says so instead.
    unknown: Callable[[Any], Any | None] | None = None


def _figure(spec: FigureSpec, dashboard: Any) -> dict[str, Any]:
    reason = spec.unknown(dashboard) if spec.unknown is not None else None
    if reason is not None:
        return {
            "key": spec.key,
            "label": str(spec.label),
            "definition": str(spec.definition),
            "kind": spec.kind,
            "shown": str(reason),
            "value": None,
            "known": False,
        }
    raw = spec.value(dashboard)
    if spec.kind == COUNT:
        shown = str(raw)
        number = _count_value(raw)
    elif spec.kind == SHARE:
        shown, number = percent(raw), raw
    elif spec.kind == WHOLE:
        shown, number = number_format(raw), raw
    else:
        shown, number = decimal(raw), raw
    return {
        "key": spec.key,
        "label": str(spec.label),
        "definition": str(spec.definition),
        "kind": spec.kind,
        "shown": shown,
        "value": number,
        "known": True,
    }


def _count_value(count: Count | Total) -> int | None:
    """The published number, None where "<5" is shown (a total of nothing but small cells)."""
    if isinstance(count, Total):
        return count.value or None
    return count.value


MSE_FIGURES = (
    FigureSpec(
        "sent",
        _("Referrals sent"),
        _(
            "In-absentia referrals whose first sending to the MSE division fell in the period, "
            "from the clinics chosen."
        ),
        COUNT,
        lambda d: d.sent,
    ),
    FigureSpec(
        "median_days",
        _("Median working days to a decision"),
        _(
            "Of the referrals sent in the period and decided by today: the working days "
            "(Kazakhstan's calendar) from the first sending to the decision, the middle value. "
            "Shown only when at least 5 were decided."
        ),
        NUMBER,
        lambda d: d.median_days,
    ),
    FigureSpec(
        "p90_days",
        _("90th percentile of working days to a decision"),
        _(
            "The number of working days within which 9 in 10 of those decisions were made. "
            "Shown only when at least 5 were decided."
        ),
        NUMBER,
        lambda d: d.p90_days,
    ),
    FigureSpec(
        "returned_share",
        _("Returned incomplete"),
        _(
            "The share of referrals returned to the clinic for completion at least once, over "
            "the clinics whose both figures are 5 or more."
        ),
        SHARE,
        lambda d: d.returned_share,
    ),
    FigureSpec(
        "returns_per_referral",
        _("Returns per referral"),
        _(
            "Times returned for completion, all referrals together, divided by the referrals "
            "sent, over the clinics whose both figures are 5 or more."
        ),
        NUMBER,
        lambda d: d.returns_per_referral,
    ),
    FigureSpec(
        "overdue",
        _("Steps overdue"),
        _(
            "Of the referrals sent in the period, those in a step (checking, completion, expert "
            "review, decision) whose deadline in working days has passed today."
        ),
        COUNT,
        lambda d: d.overdue,
    ),
)

REHABILITATION_FIGURES = (
    FigureSpec(
        "due",
        _("Measures due"),
        _(
            "Measures of approved programmes whose due date falls in the period, held by the "
            "organisations chosen; cancelled measures are left out. The sum of the five outcomes "
            "below as shown."
        ),
        COUNT,
        lambda d: d.total.due,
    ),
    FigureSpec(
        "on_time",
        _("Delivered on time"),
        _("Delivered on or before the due date of the organisation that held the measure."),
        COUNT,
        lambda d: d.total.on_time,
    ),
    FigureSpec(
        "late",
        _("Delivered late"),
        _("Delivered after the due date."),
        COUNT,
        lambda d: d.total.late,
    ),
    FigureSpec(
        "failed",
        _("Not delivered"),
        _("Closed as not delivered, with a coded reason (the table by reason below)."),
        COUNT,
        lambda d: d.total.failed,
    ),
    FigureSpec(
        "overdue",
        _("Overdue"),
        _("Still open today with the due date passed."),
        COUNT,
        lambda d: d.total.overdue,
    ),
    FigureSpec(
        "disputed",
        _("Disputed by the person"),
        _("Delivered measures whose result the person disputed on the citizen status page."),
        COUNT,
        lambda d: d.total.disputed,
    ),
    FigureSpec(
        "redirected",
        _("Redirected"),
        _("Measures an executing organisation passed on to another in the period, with a reason."),
        COUNT,
        lambda d: d.total.redirected,
    ),
    FigureSpec(
        "median_days",
        _("Median days to delivery"),
        _(
            "Calendar days from the assignment of a measure to its delivery, the middle value "
            "over the delivered measures due in the period. Shown only when at least 5 were "
            "delivered."
        ),
        NUMBER,
        lambda d: d.median_days_to_delivery,
    ),
)


# The quota figures without a quota register for the year in scope: unknown, not 0 jobs set nor
# "each <5" filled (the page says no register is recorded instead of the quota tables).
NO_QUOTA_REGISTER = _("Not known: no quota register for the year")


def _without_register(dashboard: Any) -> Any | None:
    return None if dashboard.has_quota_register else NO_QUOTA_REGISTER


EMPLOYMENT_FIGURES = (
    FigureSpec(
        "placed",
        _("Persons placed"),
        _(
            "Persons whose job placement, recorded as the result of a job-placement measure, "
            "starts in the period, held by the offices chosen and living in the territory "
            "chosen. The sum of the two figures below as shown."
        ),
        COUNT,
        lambda d: d.placements_total.placed,
    ),
    FigureSpec(
        "on_quota",
        EMPLOYMENT_SERIES[0],
        _(
            "Of them, those placed on a job an employer keeps under the quota for persons with "
            "disabilities."
        ),
        COUNT,
        lambda d: d.placements_total.on_quota,
    ),
    FigureSpec(
        "other",
        EMPLOYMENT_SERIES[1],
        _("Of them, those placed on any other job."),
        COUNT,
        lambda d: d.placements_total.other,
    ),
    FigureSpec(
        "quota_jobs",
        _("Quota jobs set"),
        _(
            "The jobs employers must keep for persons with disabilities in the year of the "
            "period, from the employers' quota register: a share of the headcount by size of "
            "employer, heavy, harmful and dangerous jobs left out. The register is kept by year, "
            "so a quarter shows its year. These are employers' figures, not persons: shown as "
            "they are."
        ),
        WHOLE,
        lambda d: d.quota_total.quota_jobs,
        label_of_year=_("Quota jobs set, %(year)s"),
        unknown=_without_register,
    ),
    FigureSpec(
        "quota_filled",
        _("Quota jobs filled"),
        _(
            "The quota jobs filled by persons with disabilities, as the register records them "
            "for the year (placements recorded in Kopir and those the employers reported)."
        ),
        COUNT,
        lambda d: d.quota_total.filled,
        label_of_year=_("Quota jobs filled, %(year)s"),
        unknown=_without_register,
    ),
    FigureSpec(
        "quota_filled_share",
        _("Share of quota jobs filled"),
        _(
            "Quota jobs filled, as shown, divided by the quota jobs set; shown only when the "
            "jobs filled are 5 or more."
        ),
        SHARE,
        lambda d: d.quota_total.filled_share,
        unknown=_without_register,
    ),
)

COUNCIL_FIGURES = (
    FigureSpec(
        "recommendations_sent",
        COUNCIL_SERIES[0],
        _(
            "Recommendations of the councils in the territory chosen sent in the period to the "
            "addressees chosen, whatever their state today. Not persons: shown as they are."
        ),
        WHOLE,
        lambda d: d.recommendations_total.sent,
    ),
    FigureSpec(
        "answered_in_time_share",
        COUNCIL_SERIES[1],
        _(
            "Of the recommendations sent in the period whose answer was due by today or has "
            "come: the share whose first answer came on or before the due date."
        ),
        SHARE,
        lambda d: d.recommendations_total.answered_in_time_share,
    ),
    FigureSpec(
        "petitions_received",
        _("Petitions received"),
        _(
            "Petitions the councils in the territory chosen received in the period. Petitioners "
            "are persons: under 5 shows <5, other counts are rounded to 5."
        ),
        COUNT,
        lambda d: d.petitions_total.received,
    ),
    FigureSpec(
        "petitions_on_time_share",
        _("Petitions answered on time"),
        _(
            "Of the petitions received in the period and answered, the share answered on or "
            "before the due date; shown only when both figures are 5 or more."
        ),
        SHARE,
        lambda d: d.petitions_total.on_time_share,
    ),
    FigureSpec(
        "plan_planned",
        _("Work plan items planned"),
        _(
            "Items of the councils' approved work plans for the quarters of the period, moved "
            "and cancelled ones included."
        ),
        WHOLE,
        lambda d: d.plan_total.planned,
    ),
    FigureSpec(
        "plan_done_share",
        _("Work plan done"),
        _("The share of the items planned that are marked done."),
        SHARE,
        lambda d: d.plan_total.done_share,
    ),
)


def figures_of(specs: Sequence[FigureSpec], dashboard: Any) -> list[dict[str, Any]]:
    """The figures as a snapshot keeps them, in the active language."""
    return [_figure(spec, dashboard) for spec in specs]


def page_figures(specs: Sequence[FigureSpec], dashboard: Any) -> list[dict[str, Any]]:
    """The figures as the dashboard's page shows them: a snapshot's, each naming its year where
    the page does."""
    figures = figures_of(specs, dashboard)
    for spec, figure in zip(specs, figures, strict=True):
        if spec.label_of_year is not None:
            figure["label"] = spec.label_of_year % {"year": dashboard.year}
    return figures
