"""Who may see and do what with a referral. The one place these decisions are made.

- The referring clinic (CLINICIAN in the referral's medical organisation) sees and edits its own
  referrals, with the person's identity.
- The MSE division the referral is routed to (MSE_SPECIALIST, MSE_HEAD in that organisation)
  works the queue. Only the head of the division sees who the person is, and in person also the
  one expert assigned to examine them; the specialists (the experts) never see the person's name,
  IIN or address of any other case — in HTML, API or exports — and see an age band, not the age
  (`age_bands.py`). Kopir has no separate intake role: accepting or returning a referral needs
  its clinical content, not the person.
- Where the region distributes in-absentia cases extraterritorially
  (`services/distribution.py`), experts of another division reach the case through their own
  assignment only: the expert review page and the documents the head released.
- Nobody else: an outsider organisation gets 404 (the referral's existence is not revealed), a
  role with no business in MSE gets 403.
- Attached documents follow the same line, with one more step in absentia: a scan usually names
  the person on its first line, so the experts read a document only once the head has released
  it (`may_download_attachment`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kopir.accounts.access import is_administrator
from kopir.accounts.models import Role
from kopir.assessment.models import Attachment, Referral, ReferralStatus, Route
from kopir.core.selectors import first_or_404

CLINIC_ROLES = (Role.CLINICIAN,)
DIVISION_ROLES = (Role.MSE_SPECIALIST, Role.MSE_HEAD)


def is_clinic_user(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.organisation_id is not None and user.has_role(*CLINIC_ROLES)
    )


def new_referral_address(person: Any) -> str:
    """The new referral form, filled with this person (named by the record, not the IIN, so
    the identifier stays out of addresses and logs)."""
    return f"{reverse('assessment:clinic_create')}?{urlencode({'person': person.pk})}"


def is_division_user(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.organisation_id is not None
        and user.has_role(*DIVISION_ROLES)
    )


def is_division_head(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.MSE_HEAD))


def referrals_for_user(user: Any) -> QuerySet[Referral]:
    """Every referral the user may open: their clinic's, or their division's."""
    if not user.is_authenticated or user.organisation_id is None:
        return Referral.objects.none()
    condition = Q(pk__in=[])
    if is_clinic_user(user):
        condition |= Q(medical_organisation_id=user.organisation_id)
    if is_division_user(user):
        condition |= Q(mse_division_id=user.organisation_id)
    if is_expert(user):
        # An expert of another division reaches a case extraterritorially assigned to them.
        condition |= Q(Exists(_own_assignments(user).filter(referral_id=OuterRef("pk"))))
    return Referral.objects.filter(condition)


def _one_shown(referrals: QuerySet[Referral], pk: int) -> Referral:
    """The referral `pk` among those the user may see, with what its pages show; 404 if not."""
    return first_or_404(
        referrals.select_related(
            "person", "medical_organisation", "mse_division", "primary_diagnosis"
        ).filter(pk=pk)
    )


def referral_for_user(user: Any, pk: int) -> Referral:
    """The referral, or 403 for roles with no MSE work, or 404 for another organisation's."""
    if not (is_clinic_user(user) or is_division_user(user)):
        raise PermissionDenied
    return _one_shown(referrals_for_user(user), pk)


def may_see_identity(user: Any, referral: Referral) -> bool:
    """Whether the person's name, IIN, birth date and address may be shown to this user: the
    referring clinic, the head of the division, and in person the expert who examines them."""
    if is_clinic_user(user) and user.organisation_id == referral.medical_organisation_id:
        return True
    if is_division_head(user) and user.organisation_id == referral.mse_division_id:
        return True
    return referral.route == Route.IN_PERSON and is_expert(user) and is_assigned_to(user, referral)


def may_release_attachments(user: Any, referral: Referral) -> bool:
    """Whether the user decides which of the referral's documents its experts may read: the head
    of its division, for an in-absentia case. In person the one expert examines the person and
    may see who it is, so there is nothing to release."""
    return (
        referral.route == Route.IN_ABSENTIA
        and is_division_head(user)
        and user.organisation_id == referral.mse_division_id
    )


def may_download_attachment(
    user: Any,
    referral: Referral,
    attachment: Attachment,
    *,
    is_assigned_expert: bool | None = None,
) -> bool:
    """Whether the user may open this document of this referral.

    - The referring clinic: its own documents, drafts included.
    - The MSE division, once the referral was sent to it: whoever there may see the person's
      identity (everyone for an in-person examination, the head in absentia).
    - In absentia, the experts assigned to the referral, and only the documents the head has
      released: the contents of a scan cannot be depersonalised the way its name is.
    - Nobody else (the view answers 404).

    `is_assigned_expert` lets a page listing many documents look the assignment up once.
    """
    if attachment.referral_id != referral.pk or not user.is_authenticated:
        return False
    if is_clinic_user(user) and user.organisation_id == referral.medical_organisation_id:
        return True
    if not is_division_user(user):
        return False
    if referral.first_sent_at is None or referral.status == ReferralStatus.DRAFT:
        return False  # a draft the clinic never sent is not the division's yet
    if is_assigned_expert is None:
        is_assigned_expert = is_expert(user) and is_assigned_to(user, referral)
    if referral.route == Route.IN_PERSON:
        # The division head, and the one expert who examines the person.
        return is_assigned_expert or may_see_identity(user, referral)
    if is_division_head(user) and user.organisation_id == referral.mse_division_id:
        return True
    # In absentia an expert (of this division or, extraterritorially, of another) reads only
    # the documents the head released, and only on their own case.
    return attachment.released_to_experts_at is not None and is_assigned_expert


def is_assigned_to(user: Any, referral: Referral) -> bool:
    """Whether the user is one of the referral's experts."""
    return _own_assignments(user).filter(referral_id=referral.pk).exists()


def _own_assignments(user: Any) -> QuerySet[Any]:
    from kopir.assessment.models import ExpertAssignment

    return ExpertAssignment.objects.filter(expert_id=user.pk)


def expert_person_reach(user: Any) -> Q:
    """The persons an expert reaches in the registry of persons: those of the in-person cases
    assigned to them, whom they examine face to face. Never an in-absentia case's person, and
    never the division's other persons (registered with `people.access` in apps.py)."""
    cases = _own_assignments(user).filter(
        referral__person_id=OuterRef("pk"), referral__route=Route.IN_PERSON
    )
    return Q(Exists(cases))


# --- The MSE division's pages, the experts' pages and the higher body's appeal pages -----------
# (division helper). Role first (403), then the record (404), so a refusal never tells a role
# with no MSE work whether a referral exists.


def division_referrals(user: Any) -> QuerySet[Referral]:
    """The referrals the user's division has received. Drafts the clinic never sent are not
    the division's business, so they are not here."""
    if not is_division_user(user):
        return Referral.objects.none()
    return Referral.objects.filter(
        mse_division_id=user.organisation_id, first_sent_at__isnull=False
    )


def division_referral_for_user(user: Any, pk: int, *, head_only: bool = False) -> Referral:
    """A referral of the user's division (403 for other roles, 404 for other divisions'); with
    `head_only`, 403 for a division member who is not its head."""
    if not is_division_user(user):
        raise PermissionDenied
    referral = first_or_404(
        division_referrals(user)
        .select_related("medical_organisation", "mse_division", "primary_diagnosis")
        .filter(pk=pk)
    )
    if head_only and not is_division_head(user):
        raise PermissionDenied
    return referral


def is_expert(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.organisation_id is not None
        and user.has_role(Role.MSE_SPECIALIST)
    )


def assignment_for_expert(user: Any, pk: int) -> Any:
    """The expert's own assignment (403 for non-experts, 404 for anyone else's)."""
    from kopir.assessment.models import ExpertAssignment

    if not is_expert(user):
        raise PermissionDenied
    return first_or_404(
        ExpertAssignment.objects.select_related(
            "referral", "referral__primary_diagnosis", "referral__medical_organisation"
        ).filter(pk=pk, expert=user)
    )


def may_see_actor_names(user: Any, referral: Referral) -> bool:
    """Whether the timeline names the people who acted. Only the division head does: experts
    see organisation labels and expert numbers, so they cannot tell who the other experts are."""
    return is_division_head(user) and user.organisation_id == referral.mse_division_id


def is_appeal_reviewer(user: Any) -> bool:
    """Staff of a higher MSE body (the department) review appeals addressed to it; a division's
    staff have none to review. The menu, the division's tabs and the appeal pages all ask this."""
    from kopir.directory.models import OrganisationKind

    return is_division_user(user) and (
        getattr(user.organisation, "kind", "") == OrganisationKind.MSE_DEPARTMENT
    )


def works_division_queue(user: Any) -> bool:
    """A member of an MSE division, whose queue holds the referrals routed to it and whose
    specialists are its experts. Referrals are routed to divisions only: the higher body's staff
    (`is_appeal_reviewer`) have no queue of their own, their work is the appeals. The queue's
    pages, its menu entry, the division's queue tab and the home page's counts ask this."""
    return is_division_user(user) and not is_appeal_reviewer(user)


def works_expert_reviews(user: Any) -> bool:
    """An expert of an MSE division, who is assigned cases to review. Experts are drawn from
    divisions only (`services/review.py::eligible_experts`), so the higher body's specialists
    are never assigned one. The worklist, its menu entry, its tab and the home page ask this."""
    return works_division_queue(user) and is_expert(user)


def appeal_for_reviewer(user: Any, pk: int) -> Any:
    from kopir.assessment.models import Appeal

    # Any MSE staff member gets 404 for an appeal not addressed to their organisation (as for a
    # referral of another division); only other roles are refused outright.
    if not is_division_user(user):
        raise PermissionDenied
    return first_or_404(
        Appeal.objects.select_related(
            "referral",
            "referral__primary_diagnosis",
            "referral__medical_organisation",
            "referral__mse_division",
            "decision",
            "higher_body",
        ).filter(pk=pk, higher_body_id=user.organisation_id)
    )


# An appeal is filed against a decision: one recorded and (or) notified.
APPEALABLE = frozenset({ReferralStatus.DECIDED, ReferralStatus.NOTIFIED})


def appeal_refusal(referral: Referral) -> str | None:
    """Why the division may not record an appeal against the referral's decision, or None if it
    may. The case page offers the appeal form only when this is None and `appeal_file` refuses
    with the same words. A decision goes to the higher MSE body once; once that body has
    answered, the next step is a court claim (docs/domain/mse.md §6), which Kopir does not
    record. An appeal still open is not a refusal here: the page shows it, and the service
    checks it again under a lock."""
    from kopir.assessment.models import AppealStatus

    if referral.status not in APPEALABLE:
        return _("An appeal is filed against a decision: this referral has none yet.")
    if referral.appeals.filter(status__in=(AppealStatus.UPHELD, AppealStatus.CHANGED)).exists():
        return _(
            "The higher MSE body has already answered the appeal against this decision, so "
            "the division records no further appeal. If the person still disagrees, the next "
            "step is a claim to the court."
        )
    return None


# --- The referring clinic's pages and the completeness rules (clinic helper) --------------------


def clinic_referrals(user: Any) -> QuerySet[Referral]:
    """The referrals the user's clinic made, drafts included; nobody else's."""
    if not is_clinic_user(user):
        return Referral.objects.none()
    return Referral.objects.filter(medical_organisation_id=user.organisation_id)


def clinic_referral_for_user(user: Any, pk: int) -> Referral:
    """One of the clinic's referrals: 403 for a role that does not refer, 404 for another
    organisation's (its existence is not revealed)."""
    if not is_clinic_user(user):
        raise PermissionDenied
    return _one_shown(clinic_referrals(user), pk)


def may_refer_from(user: Any, organisation_id: int | None) -> bool:
    """Whether the user may write referrals on behalf of this medical organisation."""
    return is_clinic_user(user) and user.organisation_id == organisation_id


def may_edit_referral(user: Any, referral: Referral) -> bool:
    """The clinic changes a referral while it is its own to change: a draft, or returned to it."""
    from kopir.assessment.models import ReferralStatus

    return may_refer_from(user, referral.medical_organisation_id) and referral.status in (
        ReferralStatus.DRAFT,
        ReferralStatus.RETURNED,
    )


def can_manage_rules(user: Any) -> bool:
    """Completeness rules are reference data: administrators edit them."""
    return is_administrator(user)


# --- Intake: bulk uploads (intake helper) --------------------------------------------------------


def bulk_uploads_for_user(user: Any) -> QuerySet[Any]:
    """A clinic's own bulk uploads; nobody else's."""
    from kopir.assessment.models import BulkUpload

    if not is_clinic_user(user):
        return BulkUpload.objects.none()
    return BulkUpload.objects.filter(organisation_id=user.organisation_id)


def bulk_upload_for_user(user: Any, pk: int) -> Any:
    """403 for a role that does not refer, 404 for another organisation's upload."""
    if not is_clinic_user(user):
        raise PermissionDenied
    return first_or_404(bulk_uploads_for_user(user).select_related("uploaded_by").filter(pk=pk))
