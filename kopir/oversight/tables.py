"""Every dashboard's tables as rows of text, the figures exactly as the page publishes them ("<5"
for a suppressed cell, the rounded counts, the shares and ratios as written): what a table's CSV
or XLSX download holds (`views_exports.py`). The tables of the MSE and rehabilitation dashboards
are the snapshots' own (`snapshots/content.py`); the others are named here, in the order and
with the heads of their page's tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kopir.assessment.services.external_systems import AGENCY_KINDS
from kopir.council.models import RecommendationStatus, WorkPlanItemStatus
from kopir.council.selectors.recommendations import NOT_ADDRESSED
from kopir.directory.models import OrganisationKind
from kopir.oversight.figures import COUNCIL_SERIES, EMPLOYMENT_SERIES, MSE_SERIES
from kopir.oversight.periods import Period
from kopir.oversight.selectors.council import (
    PLAN_STATES,
    STATES,
    CouncilDashboard,
    PetitionRow,
    PlanRow,
    RecommendationRow,
    council_dashboard,
)
from kopir.oversight.selectors.employment import (
    EmploymentDashboard,
    QuotaRow,
    employment_dashboard,
)
from kopir.oversight.selectors.mse import MseDashboard, mse_dashboard
from kopir.oversight.selectors.rehabilitation import (
    OutcomeRow,
    RehabilitationDashboard,
    rehabilitation_dashboard,
)
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.templatetags.oversight_tags import answered_in_time, decimal, percent

# The offices the employment dashboard filters by.
EMPLOYMENT_OFFICES = (OrganisationKind.EMPLOYMENT_SOCIAL, OrganisationKind.CAREER_CENTRE)
# Who a council addresses (`council.selectors.recommendations.addressee_choices`).
ADDRESSEE_KINDS = tuple(kind for kind in OrganisationKind.values if kind not in NOT_ADDRESSED)


# A table: its caption, column heads, rows and (possibly empty) total row, all text; a "note"
# where it has no figure to show and says why.
TableRows = dict[str, Any]


def _number(value: int) -> str:
    """A figure shown as it is (not persons), written as the page writes it."""
    return number_format(value)


def mse_tables(dashboard: MseDashboard, period: Period) -> list[dict[str, Any]]:
    columns = [
        gettext("Clinic"),
        str(MSE_SERIES[0]),
        str(MSE_SERIES[1]),
        gettext("Share returned"),
        gettext("Returns per referral"),
        gettext("Steps overdue"),
    ]
    rows = [
        [
            row.clinic_name,
            str(row.sent),
            str(row.returned),
            percent(row.returned_share),
            decimal(row.returns_per_referral),
            str(row.overdue),
        ]
        for row in dashboard.rows
    ]
    foot = [
        gettext("Total of the figures shown"),
        str(dashboard.sent),
        str(dashboard.returned),
        percent(dashboard.returned_share),
        decimal(dashboard.returns_per_referral),
        str(dashboard.overdue),
    ]
    caption = gettext("In-absentia referrals by clinic, %(period)s") % {"period": period.label}
    return [{"caption": caption, "columns": columns, "rows": rows, "foot": foot}]


def _outcome_cells(row: OutcomeRow) -> list[str]:
    return [
        str(row.due),
        str(row.on_time),
        str(row.late),
        str(row.failed),
        str(row.overdue),
        str(row.pending),
        str(row.disputed),
        str(row.redirected),
    ]


def rehabilitation_tables(
    dashboard: RehabilitationDashboard, period: Period
) -> list[dict[str, Any]]:
    heads = [
        gettext("Measures due"),
        gettext("Delivered on time"),
        gettext("Delivered late"),
        gettext("Not delivered"),
        gettext("Overdue"),
        gettext("Not yet due"),
        gettext("Disputed by the person"),
        gettext("Redirected"),
    ]
    total = [gettext("Total of the figures shown"), *_outcome_cells(dashboard.total)]
    labels = {"period": period.label}
    return [
        {
            "caption": gettext("Measures due by executing organisation, %(period)s") % labels,
            "columns": [gettext("Executing organisation"), *heads],
            "rows": [[r.label, *_outcome_cells(r)] for r in dashboard.by_organisation],
            "foot": total,
        },
        {
            "caption": gettext("Measures due by measure type, %(period)s") % labels,
            "columns": [gettext("Measure"), *heads],
            "rows": [[r.label, *_outcome_cells(r)] for r in dashboard.by_type],
            "foot": total,
        },
        {
            "caption": gettext("Measures not delivered by coded reason, %(period)s") % labels,
            "columns": [gettext("Reason"), gettext("Not delivered")],
            "rows": [[r.label, str(r.failed)] for r in dashboard.by_reason],
            "foot": [],
        },
    ]


def _diagnosis_table(dashboard: MseDashboard, period: Period) -> TableRows:
    return {
        "caption": gettext("In-absentia referrals by diagnosis group (ICD-10 chapter), %(period)s")
        % {"period": period.label},
        "columns": [
            gettext("Diagnosis group"),
            gettext("Referrals sent"),
            gettext("Returned incomplete at least once"),
            gettext("Share returned"),
            gettext("Returns per referral"),
        ],
        "rows": [
            [
                row.label,
                str(row.sent),
                str(row.returned),
                percent(row.returned_share),
                decimal(row.returns_per_referral),
            ]
            for row in dashboard.by_diagnosis
        ],
        "foot": [],
    }


def _mse(dashboard: MseDashboard, period: Period) -> dict[str, TableRows]:
    (clinics,) = mse_tables(dashboard, period)
    return {"clinics": clinics, "diagnosis": _diagnosis_table(dashboard, period)}


def _rehabilitation(dashboard: Any, period: Period) -> dict[str, TableRows]:
    organisations, types, reasons = rehabilitation_tables(dashboard, period)
    return {"organisations": organisations, "types": types, "reasons": reasons}


def _quota_table(
    dashboard: EmploymentDashboard, caption: str, first_head: str, rows: Sequence[QuotaRow]
) -> TableRows:
    def cells(row: QuotaRow) -> list[str]:
        return [_number(row.quota_jobs), str(row.filled), percent(row.filled_share)]

    columns = [
        first_head,
        gettext("Quota jobs set"),
        gettext("Quota jobs filled"),
        gettext("Share filled"),
    ]
    if not dashboard.has_quota_register:
        # Nothing to count from: every row would read 0 jobs set, as if employers had set none.
        # The file says what the page says instead (a snapshot shows no table without rows).
        return {
            "caption": caption,
            "columns": columns,
            "rows": [],
            "foot": [],
            "note": gettext(
                "No employer's quota is recorded for %(year)s in the territory and offices "
                "chosen: the quota jobs set and filled are not known, so none is shown."
            )
            % {"year": dashboard.year},
        }
    return {
        "caption": caption,
        "columns": columns,
        "rows": [[row.label, *cells(row)] for row in rows],
        "foot": [gettext("Total of the figures shown"), *cells(dashboard.quota_total)],
    }


def _employment(dashboard: EmploymentDashboard, period: Period) -> dict[str, TableRows]:
    total = dashboard.placements_total
    year = {"year": dashboard.year}
    return {
        "placements": {
            "caption": gettext("Persons placed in a job by district, %(period)s")
            % {"period": period.label},
            "columns": [
                gettext("District"),
                gettext("Persons placed"),
                str(EMPLOYMENT_SERIES[0]),
                str(EMPLOYMENT_SERIES[1]),
            ],
            "rows": [
                [row.label, str(row.placed), str(row.on_quota), str(row.other)]
                for row in dashboard.placements
            ],
            "foot": [
                gettext("Total of the figures shown"),
                str(total.placed),
                str(total.on_quota),
                str(total.other),
            ],
        },
        "quota-bands": _quota_table(
            dashboard,
            gettext("Quota jobs set and filled by size of employer, %(year)s") % year,
            gettext("Employer's headcount"),
            dashboard.quota_by_band,
        ),
        "quota-districts": _quota_table(
            dashboard,
            gettext("Quota jobs set and filled by district, %(year)s") % year,
            gettext("District"),
            dashboard.quota_by_district,
        ),
    }


def _recommendation_cells(row: RecommendationRow) -> list[str]:
    return [
        _number(row.sent),
        *[_number(count) for count in row.by_state],
        answered_in_time(row),
    ]


def _petition_cells(row: PetitionRow) -> list[str]:
    return [
        str(row.received),
        str(row.on_time),
        str(row.late),
        str(row.overdue),
        str(row.pending),
        percent(row.on_time_share),
    ]


def _plan_cells(row: PlanRow) -> list[str]:
    return [
        _number(row.planned),
        *[_number(count) for count in row.by_state],
        percent(row.done_share),
    ]


def _council(dashboard: CouncilDashboard, period: Period) -> dict[str, TableRows]:
    labels = {"period": period.label}
    return {
        "recommendations": {
            "caption": gettext("Recommendations sent by addressee and state today, %(period)s")
            % labels,
            "columns": [
                gettext("Addressee"),
                str(COUNCIL_SERIES[0]),
                *[str(RecommendationStatus(state).label) for state in STATES],
                str(COUNCIL_SERIES[1]),
            ],
            "rows": [[r.label, *_recommendation_cells(r)] for r in dashboard.recommendations],
            "foot": [gettext("Total"), *_recommendation_cells(dashboard.recommendations_total)],
        },
        "petitions": {
            "caption": gettext("Petitions received by the territory of the council, %(period)s")
            % labels,
            "columns": [
                gettext("Territory"),
                gettext("Petitions received"),
                gettext("Answered on time"),
                gettext("Answered late"),
                gettext("Overdue"),
                gettext("Not yet due"),
                gettext("Share answered on time"),
            ],
            "rows": [[r.label, *_petition_cells(r)] for r in dashboard.petitions],
            "foot": [
                gettext("Total of the figures shown"),
                *_petition_cells(dashboard.petitions_total),
            ],
        },
        "plan": {
            "caption": gettext("Work plan items by council and status, %(period)s") % labels,
            "columns": [
                gettext("Council"),
                gettext("Planned"),
                *[str(WorkPlanItemStatus(state).label) for state in PLAN_STATES],
                gettext("Share done"),
            ],
            "rows": [[r.label, *_plan_cells(r)] for r in dashboard.plan],
            "foot": [gettext("Total"), *_plan_cells(dashboard.plan_total)],
        },
    }


@dataclass(frozen=True)
class ExportedDashboard:
    """A dashboard whose tables can be downloaded and kept in a snapshot: the organisations its
    filter offers, how it is computed for a scope as of a day, and its tables."""

    organisation_kinds: tuple[str, ...]
    compute: Callable[..., Any]
    tables: Callable[[Any, Period], dict[str, TableRows]]
    # The names of its tables, for the URLs (the keys `tables` gives).
    table_keys: tuple[str, ...]


def _employment_on(scope: Scope, *, today: dt.date | None = None) -> EmploymentDashboard:
    """The employment dashboard does not depend on the day it is read: a placement counts from
    the day it starts, and the quota register is kept by year."""
    return employment_dashboard(scope)


DASHBOARDS: dict[str, ExportedDashboard] = {
    "mse": ExportedDashboard(
        (OrganisationKind.MEDICAL,), mse_dashboard, _mse, ("clinics", "diagnosis")
    ),
    "rehabilitation": ExportedDashboard(
        tuple(AGENCY_KINDS),
        rehabilitation_dashboard,
        _rehabilitation,
        ("organisations", "types", "reasons"),
    ),
    "employment": ExportedDashboard(
        EMPLOYMENT_OFFICES,
        _employment_on,
        _employment,
        ("placements", "quota-bands", "quota-districts"),
    ),
    "council": ExportedDashboard(
        ADDRESSEE_KINDS,
        council_dashboard,
        _council,
        ("recommendations", "petitions", "plan"),
    ),
}
# The organisation filter's label does not show in a file; the form needs one.
ORGANISATION_LABEL = _("Organisation")
