"""The council's work plan: drafted by the secretary, approved by a vote, then followed.

While a plan is a draft its items can be added, changed and removed. A vote decides it the way it
decides a composition: approved, it becomes the plan the council works to; not approved, it is
rejected. After approval an item's content is fixed; what the secretary changes is its status
(moved with a note, cancelled, done by other means). "Done" is mostly derived, not entered: an
item is done when a held meeting, an agenda item of a held meeting or a monitoring visit links to
it (see selectors.councils.plan_items_with_progress).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited, create_audited
from kopir.core.errors import DomainError
from kopir.core.selectors import next_order
from kopir.core.transitions import InvalidTransition, declare
from kopir.core.versioning import assign_changes
from kopir.council.models import (
    Council,
    Member,
    PlanStatus,
    Vote,
    WorkPlan,
    WorkPlanItem,
    WorkPlanItemStatus,
)
from kopir.council.services.composition import (
    APPROVING_RESULTS,
    deciding_vote,
)
from kopir.directory.models import Organisation

# Which status an item of an approved plan may change to, from which. "Done" entered by hand is
# for work done outside Kopir's records (a meeting held elsewhere); linked work needs no entry.
ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    WorkPlanItemStatus.PENDING: frozenset(
        {WorkPlanItemStatus.MOVED, WorkPlanItemStatus.CANCELLED, WorkPlanItemStatus.DONE}
    ),
    WorkPlanItemStatus.MOVED: frozenset(
        {WorkPlanItemStatus.PENDING, WorkPlanItemStatus.CANCELLED, WorkPlanItemStatus.DONE}
    ),
    WorkPlanItemStatus.CANCELLED: frozenset({WorkPlanItemStatus.PENDING}),
    WorkPlanItemStatus.DONE: frozenset({WorkPlanItemStatus.PENDING}),
}
NOTE_REQUIRED = frozenset({WorkPlanItemStatus.MOVED, WorkPlanItemStatus.CANCELLED})


ITEM_REFUSAL = gettext_lazy("This change of status is not possible for this item.")
ITEM_CONFLICT = gettext_lazy(
    "Someone else changed this plan item after you opened it. Nothing was saved: reload it."
)
# A plan item has no timeline of its own (its audit records are its history) and no version
# column: its moves are guarded by the stored status, under the row lock the service takes.
PLAN_ITEM_WORKFLOW = declare(
    "council.work_plan_item",
    WorkPlanItem,
    ITEM_TRANSITIONS,
    ITEM_REFUSAL,
    ITEM_CONFLICT,
    version_field=None,
)


class PlanItemData(TypedDict, total=False):
    quarter: int
    month: int | None
    topic: str
    topic_ru: str
    planned_form: str
    order: int


def plan_create(
    *,
    actor: Any,
    council: Council,
    year: int,
    title: str,
    title_ru: str = "",
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> WorkPlan:
    plan = WorkPlan(
        council=council, year=year, title=title, title_ru=title_ru, status=PlanStatus.DRAFT
    )
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Enter a year like 2026.")]})
    return create_audited(
        plan, ["year", "title", "title_ru"], actor=actor, request=request, channel=channel
    )


def plan_item_errors(plan_item: WorkPlanItem | None, council_id: int) -> dict[str, list[str]]:
    """A meeting, an agenda item or a monitoring visit follows an item of its own council's plan,
    never another's."""
    if plan_item is not None and plan_item.plan.council_id != council_id:
        return {"plan_item": [_("Choose an item of this council's plan.")]}
    return {}


def _require_draft(plan: WorkPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise DomainError(
            _(
                "The plan was decided by a vote and its items cannot change. "
                "Move or cancel an item instead."
            )
        )


def _check_item(item: WorkPlanItem, responsible: Iterable[Member]) -> None:
    errors: dict[str, list[str]] = {}
    if not 1 <= item.quarter <= 4:
        errors["quarter"] = [_("Choose a quarter from 1 to 4.")]
    elif item.month is not None:
        if not 1 <= item.month <= 12:
            errors["month"] = [_("Choose a month from the list.")]
        elif (item.month - 1) // 3 + 1 != item.quarter:
            errors["month"] = [_("The month is not in the chosen quarter.")]
    council_id = item.plan.council_id
    if any(member.composition.council_id != council_id for member in responsible):
        errors["responsible"] = [_("Choose members of this council.")]
    if errors:
        raise ValidationError(errors)


def _save_item(
    item: WorkPlanItem,
    responsible: list[Member],
    bodies_to_invite: Iterable[Organisation],
    *,
    actor: Any,
    action: str,
    request: HttpRequest | None,
    channel: AuditChannel | str,
    fields: list[str],
) -> None:
    """Check and save an item with who answers for it and whom to invite, and audit it; the
    caller holds the plan's lock."""
    item.full_clean()
    _check_item(item, responsible)
    item.save()
    item.responsible.set(responsible)
    item.bodies_to_invite.set(list(bodies_to_invite))
    audited(
        item,
        action,
        [*fields, "responsible", "bodies_to_invite"],
        actor=actor,
        request=request,
        channel=channel,
    )


def plan_item_add(
    *,
    actor: Any,
    plan: WorkPlan,
    responsible: Iterable[Member] = (),
    bodies_to_invite: Iterable[Organisation] = (),
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    **data: Unpack[PlanItemData],
) -> WorkPlanItem:
    responsible = list(responsible)
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        _require_draft(plan)
        item = WorkPlanItem(plan=plan, **data)
        if "order" not in data:
            item.order = next_order(plan.items.all(), first=0)
        _save_item(
            item,
            responsible,
            bodies_to_invite,
            actor=actor,
            action=AuditAction.CREATE,
            request=request,
            channel=channel,
            fields=list(data),
        )
    return item


def plan_item_update(
    *,
    actor: Any,
    item: WorkPlanItem,
    responsible: Iterable[Member],
    bodies_to_invite: Iterable[Organisation],
    request: HttpRequest | None = None,
    **data: Unpack[PlanItemData],
) -> WorkPlanItem:
    responsible = list(responsible)
    with transaction.atomic():
        item = WorkPlanItem.objects.select_related("plan").select_for_update().get(pk=item.pk)
        _require_draft(item.plan)
        changed = assign_changes(item, data)
        _save_item(
            item,
            responsible,
            bodies_to_invite,
            actor=actor,
            action=AuditAction.UPDATE,
            request=request,
            channel=AuditChannel.WEB,
            fields=changed,
        )
    return item


def plan_item_remove(*, actor: Any, item: WorkPlanItem, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        item = WorkPlanItem.objects.select_related("plan").select_for_update().get(pk=item.pk)
        _require_draft(item.plan)
        audited(item, AuditAction.DELETE, actor=actor, request=request)
        item.delete()


def plan_item_set_status(
    *,
    actor: Any,
    item: WorkPlanItem,
    status: str,
    note: str = "",
    note_ru: str = "",
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> WorkPlanItem:
    """Move, cancel, mark done or reopen an item of an approved plan (see ITEM_TRANSITIONS); the
    note where it moved to or why is kept in Kazakh (`note`, required) and Russian (`note_ru`)."""
    note, note_ru = note.strip(), note_ru.strip()
    with transaction.atomic():
        item = WorkPlanItem.objects.select_related("plan").select_for_update().get(pk=item.pk)
        if item.plan.status != PlanStatus.APPROVED:
            raise DomainError(_("Only the items of an approved plan are moved or cancelled."))
        if not PLAN_ITEM_WORKFLOW.allows(item.status, status):
            raise InvalidTransition(PLAN_ITEM_WORKFLOW.refuse(item.status, status))
        if status in NOTE_REQUIRED and not note:
            raise ValidationError({"note": [_("Say where the item moved to, or why.")]})
        reopened = status == WorkPlanItemStatus.PENDING
        changes = {
            "moved_note": "" if reopened else note,
            "moved_note_ru": "" if reopened else note_ru,
        }
        # Validate the note as the fields would (their length) before the engine writes it.
        item.moved_note, item.moved_note_ru = changes["moved_note"], changes["moved_note_ru"]
        item.full_clean()
        PLAN_ITEM_WORKFLOW.transition(
            record=item,
            to=status,
            actor=actor,
            changes=changes,
            request=request,
            channel=channel,
        )
    return item


def plan_approve_by_vote(
    *,
    actor: Any,
    plan: WorkPlan,
    vote: Vote,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> WorkPlan:
    """Apply a closed vote's result to a draft plan: approved, or rejected; no quorum: nothing."""
    with transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        _require_draft(plan)
        vote = deciding_vote(
            vote,
            plan,
            no_quorum=_("The vote had no quorum and decided nothing: the plan stays a draft."),
        )
        if vote.result in APPROVING_RESULTS:
            already = WorkPlan.objects.filter(
                council_id=plan.council_id, year=plan.year, status=PlanStatus.APPROVED
            ).exists()
            if already:
                raise DomainError(_("The council already has an approved plan for this year."))
            plan.status = PlanStatus.APPROVED
            plan.approved_by_vote = vote
            fields = ["status", "approved_by_vote"]
        else:
            plan.status = PlanStatus.REJECTED
            fields = ["status"]
        plan.version += 1
        plan.save(update_fields=[*fields, "version"])
        audited(plan, AuditAction.UPDATE, fields, actor=actor, request=request, channel=channel)
    return plan
