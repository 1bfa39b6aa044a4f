"""The MSE case's events as staff notifications (kopir.notices.staff): who is told of what.

Each goes only to staff who may open the record the notification links to (`access.py`):

- a referral received (sent, or sent again after a return) → the heads of the receiving
  division, who accept it or return it (the experts do not see the queue's new cases); a bulk
  file's batch tells each division once, with the count, linked to its queue;
- experts assigned → each expert, linked to their own assignment (no person's name: an
  in-absentia case is depersonalised for them);
- returned or decided (by the division, or changed on appeal) → the clinician who wrote the
  referral while they still work for the referring clinic, otherwise the clinic's clinicians;
- an appeal filed → the staff of the higher MSE body that reviews it.

Each call runs in the transaction of the event, so an event that rolls back tells nobody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role, User
from kopir.assessment.access import CLINIC_ROLES, DIVISION_ROLES
from kopir.assessment.models import Appeal, ExpertAssignment, Referral
from kopir.directory.models import OrganisationKind
from kopir.notices.kinds import StaffNotificationKind
from kopir.notices.staff import organisation_staff, staff_notify

REFERRAL_RECEIVED = "assessment.referral_received"
REFERRALS_RECEIVED = "assessment.referrals_received"
EXPERT_ASSIGNED = "assessment.expert_assigned"
REFERRAL_RETURNED = "assessment.referral_returned"
REFERRAL_DECIDED = "assessment.referral_decided"
APPEAL_FILED = "assessment.appeal_filed"

STAFF_KINDS = (
    StaffNotificationKind(
        REFERRAL_RECEIVED,
        _("A new referral to my MSE division"),
        _("Referral № %(number)s was received by your division."),
        order=110,
        roles=(Role.MSE_HEAD,),
    ),
    StaffNotificationKind(
        REFERRALS_RECEIVED,
        _("New referrals from a bulk file or a batch"),
        _("New referrals received by your division at once: %(count)s."),
        order=115,
        roles=(Role.MSE_HEAD,),
    ),
    StaffNotificationKind(
        EXPERT_ASSIGNED,
        _("A referral assigned to me for review"),
        _("You are assigned to review referral № %(number)s."),
        order=120,
        roles=(Role.MSE_SPECIALIST,),
    ),
    StaffNotificationKind(
        REFERRAL_RETURNED,
        _("A referral returned to my clinic"),
        _("Referral № %(number)s was returned: add what is missing and send it again."),
        order=130,
        roles=CLINIC_ROLES,
    ),
    StaffNotificationKind(
        REFERRAL_DECIDED,
        _("A decision on a referral of my clinic"),
        _("A decision was recorded on referral № %(number)s."),
        order=140,
        roles=CLINIC_ROLES,
    ),
    StaffNotificationKind(
        APPEAL_FILED,
        _("A new appeal to review"),
        _("An appeal against the decision on referral № %(number)s was filed."),
        order=150,
        roles=DIVISION_ROLES,
    ),
)


def division_heads_of(organisation_id: int | None) -> Any:
    return organisation_staff(organisation_id, Role.MSE_HEAD)


def clinic_staff_for(referral: Referral) -> list[User]:
    """The referral's author while they still refer for its clinic; otherwise (an account that
    left, a referral received by API or bulk file) the clinic's clinicians."""
    clinicians = organisation_staff(referral.medical_organisation_id, *CLINIC_ROLES)
    if referral.created_by_id is not None:
        author = list(clinicians.filter(pk=referral.created_by_id))
        if author:
            return author
    return list(clinicians)


def referral_received(referral: Referral, *, actor: Any, request: Any = None) -> None:
    staff_notify(
        users=division_heads_of(referral.mse_division_id),
        kind=REFERRAL_RECEIVED,
        params={"number": referral.number},
        url_name="assessment:division_case",
        url_args=(referral.pk,),
        related=referral,
        actor=actor,
        request=request,
    )


def referrals_received(referrals: Sequence[Referral], *, actor: Any, request: Any = None) -> None:
    """A batch sent at once: one notification per division (a bulk file of 2,000 rows is not
    2,000 lines in a head's list), naming the referral when the division got just one."""
    by_division: dict[int, list[Referral]] = defaultdict(list)
    for referral in referrals:
        by_division[referral.mse_division_id].append(referral)
    for division_id, received in by_division.items():
        if len(received) == 1:
            referral_received(received[0], actor=actor, request=request)
            continue
        staff_notify(
            users=division_heads_of(division_id),
            kind=REFERRALS_RECEIVED,
            params={"count": len(received)},
            url_name="assessment:division_queue",
            actor=actor,
            request=request,
        )


def experts_assigned(
    assignments: Sequence[ExpertAssignment], *, actor: Any, request: Any = None
) -> None:
    for assignment in assignments:
        staff_notify(
            users=User.objects.filter(pk=assignment.expert_id),
            kind=EXPERT_ASSIGNED,
            params={"number": assignment.referral.number},
            url_name="assessment:expert_review",
            url_args=(assignment.pk,),
            related=assignment,
            actor=actor,
            request=request,
        )


def _tell_clinic(referral: Referral, kind: str, *, actor: Any, request: Any) -> None:
    staff_notify(
        users=clinic_staff_for(referral),
        kind=kind,
        params={"number": referral.number},
        url_name="assessment:clinic_detail",
        url_args=(referral.pk,),
        related=referral,
        actor=actor,
        request=request,
    )


def referral_returned(referral: Referral, *, actor: Any, request: Any = None) -> None:
    _tell_clinic(referral, REFERRAL_RETURNED, actor=actor, request=request)


def referral_decided(referral: Referral, *, actor: Any, request: Any = None) -> None:
    _tell_clinic(referral, REFERRAL_DECIDED, actor=actor, request=request)


def appeal_filed(appeal: Appeal, *, actor: Any, request: Any = None) -> None:
    """The higher body's staff, who review appeals (`access.is_appeal_reviewer`)."""
    higher_body = appeal.higher_body
    if higher_body.kind != OrganisationKind.MSE_DEPARTMENT:
        return  # nobody there may open the appeal
    staff_notify(
        users=organisation_staff(higher_body.pk, *DIVISION_ROLES),
        kind=APPEAL_FILED,
        params={"number": appeal.referral.number},
        url_name="assessment:appeal_detail",
        url_args=(appeal.pk,),
        related=appeal,
        actor=actor,
        request=request,
    )
