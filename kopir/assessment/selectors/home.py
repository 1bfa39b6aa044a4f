"""The MSE items of the signed-in home page (registered in `apps.py`): each a count of the records
the user has to act on, from the same query as the list it opens, and that list's address.

Every count is one indexed COUNT (`referral_clinic_idx`, `referral_queue_due_idx`), whatever the
number of records; nothing here reads a person.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kopir.assessment import access
from kopir.assessment.models import Appeal, ExpertAssignment, ReferralStatus
from kopir.assessment.selectors.clinic import (
    RECENT_DECISION_DAYS,
    RECENT_DECISIONS,
    recent_decisions,
)
from kopir.assessment.selectors.queue import QueueFilters, queue_queryset
from kopir.core.registry import HomeItem

# The clinic's items: each its key, what it says and what it says when there are none, and the
# status it counts; the clinic's list opens filtered to that status.
CLINIC_ITEMS: tuple[tuple[str, str | Promise, str | Promise, str], ...] = (
    (
        "returned",
        _("Referrals returned to complete"),
        _("No referral was returned to you."),
        ReferralStatus.RETURNED,
    ),
    ("drafts", _("Drafts not yet sent"), _("No drafts."), ReferralStatus.DRAFT),
)

# The MSE division's items: each its key, texts, the queue's filter it counts, the queue's query
# string that lists those cases, and who acts on them (never the higher body's staff, who have
# no queue: their item is the appeals to review). Accepting, returning and telling the person
# are open to every member of the division (views/division.py), so its specialists see those;
# releasing a document to the experts is the head's alone.
QUEUE_ITEMS: tuple[
    tuple[str, str | Promise, str | Promise, QueueFilters, dict[str, str], Callable[[Any], bool]],
    ...,
] = (
    (
        "new",
        _("New referrals to accept"),
        _("No new referrals."),
        QueueFilters(statuses=(ReferralStatus.SENT,)),
        {"status": ReferralStatus.SENT},
        access.works_division_queue,
    ),
    (
        "overdue",
        _("Cases past their deadline"),
        _("No case is overdue."),
        QueueFilters(overdue=True),
        {"overdue": "on"},
        access.works_division_queue,
    ),
    (
        "at_risk",
        _("Cases at risk of missing their deadline"),
        _("No case is at risk."),
        QueueFilters(at_risk=True),
        {"at_risk": "on"},
        access.works_division_queue,
    ),
    (
        "to_notify",
        _("Decisions to tell the person of"),
        _("No decision waits to be told."),
        QueueFilters(statuses=(ReferralStatus.DECIDED,)),
        {"status": ReferralStatus.DECIDED},
        access.works_division_queue,
    ),
    (
        "documents_to_check",
        _("Cases with documents to check for identity before the experts read them"),
        _("No document waits for your check."),
        QueueFilters(documents_to_check=True),
        {"documents_to_check": "on"},
        lambda user: is_head_of_division(user),
    ),
)


def _filtered(user: Any, url_name: str, query: dict[str, str]) -> str:
    return f"{reverse(url_name)}?{urlencode(query)}"


# --- The clinic: referrals returned to fix, drafts, decisions received ---------------------------


def _clinic_count(user: Any, status: str) -> int:
    return access.clinic_referrals(user).filter(status=status).count()


def clinic_decisions_count(user: Any) -> int:
    """The clinic's referrals decided in the last RECENT_DECISION_DAYS days, the person told of
    the decision or not yet: telling the person moves the referral on, not out of the clinic's
    sight."""
    return recent_decisions(access.clinic_referrals(user)).count()


# The item's texts name the period; translated when shown (the registry keeps them from start-up).
_DAYS = {"days": RECENT_DECISION_DAYS}
_decisions_label = lazy(
    lambda: (
        ngettext(
            "Decisions received in the last %(days)s day",
            "Decisions received in the last %(days)s days",
            RECENT_DECISION_DAYS,
        )
        % _DAYS
    ),
    str,
)
_decisions_empty = lazy(
    lambda: (
        ngettext(
            "No decision received in the last %(days)s day.",
            "No decision received in the last %(days)s days.",
            RECENT_DECISION_DAYS,
        )
        % _DAYS
    ),
    str,
)


def clinic_decisions_url(user: Any) -> str:
    return _filtered(user, "assessment:clinic_list", {"decisions": RECENT_DECISIONS})


# --- The MSE division: new referrals, overdue cases, decisions to tell; its head: documents ----


def is_head_of_division(user: Any) -> bool:
    return access.works_division_queue(user) and access.is_division_head(user)


def _queue_count(user: Any, filters: QueueFilters) -> int:
    today = timezone.localdate()
    return queue_queryset(int(user.organisation_id), filters, today).order_by().count()


def appeals_open_count(user: Any) -> int:
    """Appeals lodged with the user's MSE department and not yet resolved."""
    return Appeal.objects.filter(
        higher_body_id=user.organisation_id, resolved_at__isnull=True
    ).count()


def appeals_url(user: Any) -> str:
    # The list shows the open appeals first, the nearest deadline first.
    return reverse("assessment:appeal_list")


# --- The expert: cases waiting for my conclusion ------------------------------------------------


def is_division_expert(user: Any) -> bool:
    # The higher body's specialists are never assigned a case: their item is the appeals.
    return access.works_expert_reviews(user)


def expert_waiting_count(user: Any) -> int:
    return ExpertAssignment.objects.filter(
        expert_id=user.pk,
        submitted_at__isnull=True,
        referral__status=ReferralStatus.ASSIGNED,
    ).count()


def expert_waiting_url(user: Any) -> str:
    # The work list shows the conclusions still to write first, the nearest due date first.
    return reverse("assessment:expert_worklist")


def home_items() -> tuple[HomeItem, ...]:
    """What this app puts on the signed-in home page (registered in `apps.py`)."""
    referrals, queue = _("MSE referrals"), _("MSE queue")
    clinic = tuple(
        HomeItem(
            f"assessment.clinic_{name}",
            referrals,
            label,
            empty,
            access.is_clinic_user,
            partial(_clinic_count, status=status),
            partial(_filtered, url_name="assessment:clinic_list", query={"status": status}),
            200 + position,
        )
        for position, (name, label, empty, status) in enumerate(CLINIC_ITEMS)
    )
    decisions = HomeItem(
        "assessment.clinic_decided",
        referrals,
        _decisions_label(),
        _decisions_empty(),
        access.is_clinic_user,
        clinic_decisions_count,
        clinic_decisions_url,
        200 + len(CLINIC_ITEMS),
    )
    division = tuple(
        HomeItem(
            f"assessment.division_{name}",
            queue,
            label,
            empty,
            allowed,
            partial(_queue_count, filters=filters),
            partial(_filtered, url_name="assessment:division_queue", query=query),
            300 + position,
        )
        for position, (name, label, empty, filters, query, allowed) in enumerate(QUEUE_ITEMS)
    )
    return (
        *clinic,
        decisions,
        *division,
        HomeItem(
            "assessment.expert_waiting",
            _("My expert reviews"),
            _("Cases waiting for my conclusion"),
            _("No case is waiting for your conclusion."),
            is_division_expert,
            expert_waiting_count,
            expert_waiting_url,
            400,
        ),
        HomeItem(
            "assessment.appeals_open",
            _("Appeals"),
            _("Appeals to review"),
            _("No open appeals."),
            access.is_appeal_reviewer,
            appeals_open_count,
            appeals_url,
            500,
        ),
    )
