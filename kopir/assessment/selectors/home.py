"""The MSE items of the signed-in home page (registered in `apps.py`): each a count of the records
the user has to act on, from the same query as the list it opens, and that list's address.

Every count is one indexed COUNT (`referral_clinic_idx`, `referral_queue_due_idx`), whatever the
number of records; nothing here reads a person.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from kopir.assessment import access
from kopir.assessment.models import Appeal, ExpertAssignment, ReferralStatus
from kopir.assessment.selectors.queue import QueueFilters, queue_queryset


def _filtered(url_name: str, **query: str) -> str:
    return f"{reverse(url_name)}?{urlencode(query)}" if query else reverse(url_name)


# --- The clinic: referrals returned to fix, drafts, decisions received ---------------------------


def _clinic_count(user: Any, status: str) -> int:
    return access.clinic_referrals(user).filter(status=status).count()


def clinic_returned_count(user: Any) -> int:
    return _clinic_count(user, ReferralStatus.RETURNED)


def clinic_returned_url(user: Any) -> str:
    return _filtered("assessment:clinic_list", status=ReferralStatus.RETURNED)


def clinic_draft_count(user: Any) -> int:
    return _clinic_count(user, ReferralStatus.DRAFT)


def clinic_draft_url(user: Any) -> str:
    return _filtered("assessment:clinic_list", status=ReferralStatus.DRAFT)


def clinic_decided_count(user: Any) -> int:
    return _clinic_count(user, ReferralStatus.DECIDED)


def clinic_decided_url(user: Any) -> str:
    return _filtered("assessment:clinic_list", status=ReferralStatus.DECIDED)


# --- The MSE division's head: new referrals, overdue cases, appeals -----------------------------


def is_head_of_division(user: Any) -> bool:
    return access.is_division_user(user) and access.is_division_head(user)


def _queue_count(user: Any, filters: QueueFilters) -> int:
    today = timezone.localdate()
    return queue_queryset(int(user.organisation_id), filters, today).order_by().count()


def division_new_count(user: Any) -> int:
    return _queue_count(user, QueueFilters(statuses=(ReferralStatus.SENT,)))


def division_new_url(user: Any) -> str:
    return _filtered("assessment:division_queue", status=ReferralStatus.SENT)


def division_overdue_count(user: Any) -> int:
    return _queue_count(user, QueueFilters(overdue=True))


def division_overdue_url(user: Any) -> str:
    return _filtered("assessment:division_queue", overdue="on")


def division_at_risk_count(user: Any) -> int:
    return _queue_count(user, QueueFilters(at_risk=True))


def division_at_risk_url(user: Any) -> str:
    return _filtered("assessment:division_queue", at_risk="on")


def division_documents_to_check_count(user: Any) -> int:
    return _queue_count(user, QueueFilters(documents_to_check=True))


def division_documents_to_check_url(user: Any) -> str:
    return _filtered("assessment:division_queue", documents_to_check="on")


def appeals_open_count(user: Any) -> int:
    """Appeals lodged with the user's MSE department and not yet resolved."""
    return Appeal.objects.filter(
        higher_body_id=user.organisation_id, resolved_at__isnull=True
    ).count()


def appeals_url(user: Any) -> str:
    # The list shows the open appeals first, the nearest deadline first.
    return reverse("assessment:appeal_list")


# --- The expert: cases waiting for my conclusion ------------------------------------------------


def expert_waiting_count(user: Any) -> int:
    return ExpertAssignment.objects.filter(
        expert_id=user.pk,
        submitted_at__isnull=True,
        referral__status=ReferralStatus.ASSIGNED,
    ).count()


def expert_waiting_url(user: Any) -> str:
    # The work list shows the conclusions still to write first, the nearest due date first.
    return reverse("assessment:expert_worklist")
