"""The council's composition: a versioned list of members that takes effect only by a vote.

The secretary proposes a new version (starting from a copy of the members in force), edits it
while it is proposed, and puts it to a vote at a meeting. The vote's result decides: approved
(or approved unanimously) puts it in force from the meeting's date and supersedes the previous
version; not approved marks it rejected. A vote with no quorum decides nothing. Once decided, a
composition's list never changes: a change of members is a new version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.accounts.models import Role, User
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited, save_audited
from kopir.core.errors import DomainError
from kopir.core.selectors import next_order
from kopir.core.versioning import assign_changes
from kopir.council.models import (
    Composition,
    CompositionStatus,
    Council,
    Member,
    MemberPosition,
    Vote,
    VoteResult,
    WorkPlan,
)
from kopir.directory.models import Organisation

# Who a seat may be linked to: a member's account, or the secretary's, since the council's
# secretary holds a seat (position "secretary") and is invited to the meetings like the others.
SEAT_ACCOUNT_ROLES = (Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY)

APPROVING_RESULTS = frozenset({VoteResult.APPROVED, VoteResult.APPROVED_UNANIMOUSLY})


class MemberData(TypedDict, total=False):
    full_name: str
    position: str
    affiliation: Organisation | None
    affiliation_text: str
    affiliation_text_ru: str
    term_start: dt.date
    term_end: dt.date | None
    account: User | None
    order: int


def meeting_date_of(vote: Vote) -> dt.date:
    """The local date of the meeting at which the vote was taken."""
    return timezone.localdate(vote.agenda_item.meeting.starts_at)


def deciding_vote(vote: Vote, question: Composition | WorkPlan, *, no_quorum: str) -> Vote:
    """The closed vote that decides `question` (a proposed composition or a draft plan), read
    again and bound to it. A vote decides one composition or one plan, once: refused when it was
    taken at another council's meeting, decides another question, is still open, or had no
    quorum (`no_quorum` says what then stays as it was). Call it inside the caller's
    transaction, after locking `question`."""
    field, other = ("decides_composition", "decides_plan")
    if isinstance(question, WorkPlan):
        field, other = other, field
    vote = Vote.objects.select_related("agenda_item__meeting").get(pk=vote.pk)
    if vote.agenda_item.meeting.council_id != question.council_id:
        raise DomainError(_("The vote was taken at another council's meeting."))
    if getattr(vote, f"{field}_id") not in (None, question.pk) or getattr(vote, f"{other}_id"):
        raise DomainError(_("This vote has already decided another question."))
    if vote.result == VoteResult.OPEN:
        raise DomainError(_("The vote is still open: close it before applying its result."))
    if (
        Composition.objects.filter(approved_by_vote=vote).exists()
        or WorkPlan.objects.filter(approved_by_vote=vote).exists()
    ):
        raise DomainError(_("This vote has already decided another question."))
    if vote.result == VoteResult.NO_QUORUM:
        raise DomainError(no_quorum)
    if getattr(vote, f"{field}_id") is None:
        setattr(vote, field, question)
        vote.save(update_fields=[field])
    return vote


def composition_propose(
    *,
    actor: Any,
    council: Council,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    proposed_on: dt.date | None = None,
    copy_current: bool = True,
) -> Composition:
    """Start a new version of the composition, as a copy of the members now in force."""
    with transaction.atomic():
        # Lock the council row so that two proposals cannot take the same version number.
        Council.objects.select_for_update().filter(pk=council.pk).first()
        if council.compositions.filter(status=CompositionStatus.PROPOSED).exists():
            raise DomainError(
                _("A proposed composition is already waiting for a vote: change that one.")
            )
        composition = Composition(
            council=council,
            number=next_order(council.compositions.all(), field="number"),
            status=CompositionStatus.PROPOSED,
            proposed_on=proposed_on or timezone.localdate(),
        )
        composition.full_clean()
        composition.save()
        current = council.compositions.filter(status=CompositionStatus.APPROVED).first()
        if copy_current and current is not None:
            Member.objects.bulk_create(
                Member(
                    composition=composition,
                    full_name=member.full_name,
                    position=member.position,
                    affiliation_id=member.affiliation_id,
                    affiliation_text=member.affiliation_text,
                    affiliation_text_ru=member.affiliation_text_ru,
                    term_start=member.term_start,
                    term_end=member.term_end,
                    account_id=member.account_id,
                    order=member.order,
                )
                for member in current.members.all()
            )
        audited(
            composition,
            AuditAction.CREATE,
            ["number", "status", "members"],
            actor=actor,
            request=request,
            channel=channel,
        )
    return composition


def composition_discard(
    *, actor: Any, composition: Composition, request: HttpRequest | None = None
) -> None:
    """Delete a proposed composition that no vote has been taken on (a draft made by mistake)."""
    with transaction.atomic():
        composition = _locked_proposed(composition)
        if composition.deciding_votes.exists():
            raise DomainError(_("A vote was taken on this composition: it cannot be discarded."))
        audited(composition, AuditAction.DELETE, actor=actor, request=request)
        composition.delete()


def _require_proposed(composition: Composition) -> None:
    if composition.status != CompositionStatus.PROPOSED:
        raise DomainError(
            _("This composition was decided by a vote and cannot change. Propose a new one.")
        )


def _locked_proposed(composition: Composition) -> Composition:
    """The composition read again under a row lock, refused unless it is still proposed (call it
    inside the caller's transaction)."""
    locked = Composition.objects.select_for_update().get(pk=composition.pk)
    _require_proposed(locked)
    return locked


def _locked_member(member: Member) -> Member:
    """The member read again under a row lock, refused unless their composition is still
    proposed (call it inside the caller's transaction)."""
    locked = Member.objects.select_related("composition").select_for_update().get(pk=member.pk)
    _require_proposed(locked.composition)
    return locked


def _check_member(member: Member) -> None:
    errors: dict[str, list[str]] = {}
    if member.term_end and member.term_start and member.term_end < member.term_start:
        errors["term_end"] = [_("The term cannot end before it starts.")]
    others = Member.objects.filter(composition_id=member.composition_id).exclude(pk=member.pk)
    if (
        member.position == MemberPosition.CHAIR
        and others.filter(position=MemberPosition.CHAIR).exists()
    ):
        errors["position"] = [_("The composition already has a chair.")]
    if member.account_id is not None:
        account = member.account
        if account is None or not account.is_active or not account.has_role(*SEAT_ACCOUNT_ROLES):
            errors["account"] = [
                _(
                    "This account holds neither the council member nor the council secretary "
                    "role. Ask the administrator to grant one first."
                )
            ]
        elif others.filter(account_id=member.account_id).exists():
            errors["account"] = [_("This account already has a seat in this composition.")]
    if errors:
        raise ValidationError(errors)


def member_add(
    *,
    actor: Any,
    composition: Composition,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    **data: Unpack[MemberData],
) -> Member:
    with transaction.atomic():
        composition = _locked_proposed(composition)
        member = Member(composition=composition, **data)
        if "order" not in data:
            member.order = next_order(composition.members.all(), first=0)
        save_audited(
            member,
            AuditAction.CREATE,
            sorted(data),
            actor=actor,
            request=request,
            channel=channel,
            check=_check_member,
        )
    return member


def member_update(
    *,
    actor: Any,
    member: Member,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    **data: Unpack[MemberData],
) -> Member:
    with transaction.atomic():
        member = _locked_member(member)
        changed = assign_changes(member, data)
        if not changed:
            return member
        save_audited(
            member,
            AuditAction.UPDATE,
            changed,
            actor=actor,
            request=request,
            channel=channel,
            update_fields=changed,
            check=_check_member,
        )
    return member


def member_remove(
    *,
    actor: Any,
    member: Member,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> None:
    with transaction.atomic():
        member = _locked_member(member)
        audited(member, AuditAction.DELETE, actor=actor, request=request, channel=channel)
        member.delete()


def composition_approve_by_vote(
    *,
    actor: Any,
    composition: Composition,
    vote: Vote,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Composition:
    """Apply a closed vote's result to a proposed composition.

    Approved (or approved unanimously): the composition is in force from the meeting's date, the
    previous one is superseded on that date, and the vote is recorded as the approving decision
    (through its agenda item it leads to the meeting and its minutes). Not approved: the
    composition is rejected. No quorum: nothing is decided and it stays proposed.
    """
    with transaction.atomic():
        composition = _locked_proposed(composition)
        vote = deciding_vote(
            vote,
            composition,
            no_quorum=_(
                "The vote had no quorum and decided nothing: the composition stays proposed."
            ),
        )
        on = meeting_date_of(vote)
        if vote.result in APPROVING_RESULTS:
            previous = (
                Composition.objects.select_for_update()
                .filter(council_id=composition.council_id, status=CompositionStatus.APPROVED)
                .first()
            )
            if previous is not None:
                # Supersede first: the database allows one composition in force per council.
                previous.status = CompositionStatus.SUPERSEDED
                previous.effective_until = on
                previous.save(update_fields=["status", "effective_until"])
                audited(
                    previous,
                    AuditAction.UPDATE,
                    ["status", "effective_until"],
                    actor=actor,
                    request=request,
                    channel=channel,
                )
            composition.status = CompositionStatus.APPROVED
            composition.approved_by_vote = vote
            composition.effective_from = on
            fields = ["status", "approved_by_vote", "effective_from"]
        else:
            composition.status = CompositionStatus.REJECTED
            fields = ["status"]
        composition.save(update_fields=fields)
        audited(
            composition, AuditAction.UPDATE, fields, actor=actor, request=request, channel=channel
        )
    return composition
