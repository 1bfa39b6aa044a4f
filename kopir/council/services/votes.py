"""Quorum, votes and their results.

The rule that turns a count into a result is one plain function, `vote_outcome`; the quorum rule
is `services.quorum.quorum_required`.

Ballots of a roll-call vote come from two hands: the secretary records the members who vote in
the room (`ballots_record`), and a member present in person or online casts their own
(`ballot_cast_by_member`). Both lock the vote's row, so they never interleave. A member's own
ballot is theirs: the last one they cast counts. The secretary's form says which ballots it
showed (`seen`): rows the secretary left as shown are not written, so a stale page never undoes a
member's ballot, and a row both changed is a conflict (`BallotsChangedError`): nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited, create_audited
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.council import access
from kopir.council.models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotChoice,
    Composition,
    CompositionStatus,
    Meeting,
    MeetingStatus,
    Member,
    Minutes,
    PlanStatus,
    Vote,
    VoteKind,
    VoteResult,
    WorkPlan,
)
from kopir.council.services import staff_alerts
from kopir.council.services.composition import composition_approve_by_vote
from kopir.council.services.meetings import require_started
from kopir.council.services.plan import plan_approve_by_vote
from kopir.council.services.quorum import PRESENT, quorum_status, sitting_composition


def vote_closed_error() -> DomainError:
    return DomainError(_("This vote is closed: its result and ballots cannot change."))


class BallotsChangedError(ConflictError):
    """Ballots the secretary's page showed changed before it was saved (a member voted, or another
    secretary saved): nothing was written. `current` holds every ballot as it is now."""

    def __init__(self, message: str, *, member_ids: list[int], current: dict[int, str]) -> None:
        super().__init__(message)
        self.member_ids = member_ids
        self.current = current


def vote_outcome(
    *,
    has_quorum: bool,
    present: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
) -> VoteResult:
    """The result of a vote from its counts.

    - No quorum: nothing is decided.
    - Approved: the votes for exceed half of the members present (a member present who does not
      vote counts like an abstention). This is the rule to change if a council's regulation
      counts differently (e.g. a majority of the votes cast).
    - Approved unanimously: approved, and every vote cast was "for" (an abstention or a vote
      against makes it not unanimous).
    - Otherwise: not approved.
    """
    if not has_quorum:
        return VoteResult.NO_QUORUM
    cast = votes_for + votes_against + votes_abstain
    if votes_for * 2 <= present:
        return VoteResult.REJECTED
    if cast > 0 and votes_for == cast:
        return VoteResult.APPROVED_UNANIMOUSLY
    return VoteResult.APPROVED


def vote_open(
    *,
    actor: Any,
    agenda_item: AgendaItem,
    question: str,
    kind: str,
    question_ru: str = "",
    decides_composition: Composition | None = None,
    decides_plan: WorkPlan | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Vote:
    """Put a question to the vote on an agenda item (optionally: a composition or a plan)."""
    meeting = Meeting.objects.get(pk=agenda_item.meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting is cancelled: no votes can be taken."))
    require_started(meeting)
    if decides_composition is not None and decides_plan is not None:
        raise ValidationError(_("A vote decides one question: a composition or a plan."))
    errors: dict[str, list[str]] = {}
    if decides_composition is not None and (
        decides_composition.council_id != meeting.council_id
        or decides_composition.status != CompositionStatus.PROPOSED
    ):
        errors["decides_composition"] = [_("Choose a proposed composition of this council.")]
    if decides_plan is not None and (
        decides_plan.council_id != meeting.council_id or decides_plan.status != PlanStatus.DRAFT
    ):
        errors["decides_plan"] = [_("Choose a draft plan of this council.")]
    if errors:
        raise ValidationError(errors)
    vote = Vote(
        agenda_item=agenda_item,
        question=question,
        question_ru=question_ru,
        kind=kind,
        decides_composition=decides_composition,
        decides_plan=decides_plan,
    )
    fields = ["question", "question_ru", "kind", "decides_composition", "decides_plan"]
    with transaction.atomic():
        vote = create_audited(vote, fields, actor=actor, request=request, channel=channel)
        staff_alerts.vote_opened(vote, actor=actor, request=request)
    return vote


def _locked_vote(vote: Vote) -> Vote:
    """The vote read again under its row lock, with its meeting and council (call it inside the
    caller's transaction)."""
    return (
        Vote.objects.select_for_update()
        .select_related("agenda_item__meeting__council")
        .get(pk=vote.pk)
    )


def _locked_open_vote(vote: Vote) -> Vote:
    locked = _locked_vote(vote)
    if locked.result != VoteResult.OPEN:
        raise vote_closed_error()
    # Ballots, totals and the close are what happens at the meeting: never before it starts.
    require_started(locked.agenda_item.meeting)
    return locked


def ballots_record(
    *,
    actor: Any,
    vote: Vote,
    choices: Mapping[int, str | None],
    seen: Mapping[int, str | None] | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Vote:
    """Record each present member's choice in a roll-call vote (None clears a ballot).

    Only members of the sitting composition who are marked present may vote. `seen` is each
    member's ballot as the secretary's page showed it (None: no ballot). With it, a member whose
    choice is left as shown is not written (their own ballot, cast since, stays), and a member
    whose ballot changed since while the secretary also changed it raises BallotsChangedError.
    Without it (a caller that read nothing, like the demo loader) every choice is written.
    """
    with transaction.atomic():
        vote = _locked_open_vote(vote)
        if vote.kind != VoteKind.ROLL_CALL:
            raise DomainError(_("This vote counts totals: enter the numbers instead."))
        meeting = vote.agenda_item.meeting
        composition = sitting_composition(meeting)
        present = set(
            Attendance.objects.filter(
                meeting=meeting, member__composition=composition, status__in=PRESENT
            ).values_list("member_id", flat=True)
        )
        unknown = [member_id for member_id in choices if member_id not in present]
        if unknown:
            raise DomainError(_("Only members marked present can vote."))
        if any(choice and choice not in BallotChoice.values for choice in choices.values()):
            raise ValidationError(_("Choose for, against or abstain."))
        existing = {ballot.member_id: ballot for ballot in vote.ballots.all()}
        if seen is not None:
            choices = _changes_since_seen(choices, seen, existing)
        for member_id, choice in choices.items():
            ballot = existing.get(member_id)
            if not choice:
                if ballot is not None:
                    ballot.delete()
                continue
            if ballot is None:
                Ballot.objects.create(vote=vote, member_id=member_id, choice=choice)
            elif ballot.choice != choice:
                ballot.choice = choice
                ballot.save(update_fields=["choice"])
        audited(
            vote, AuditAction.UPDATE, ["ballots"], actor=actor, request=request, channel=channel
        )
    return vote


def _changes_since_seen(
    choices: Mapping[int, str | None],
    seen: Mapping[int, str | None],
    existing: Mapping[int, Ballot],
) -> dict[int, str | None]:
    """The choices the secretary changed from what the page showed; refuse if any of those
    members' ballots also changed since the page was read (a three-way comparison per member)."""
    changed: dict[int, str | None] = {}
    conflicts: list[int] = []
    for member_id, choice in choices.items():
        shown = seen.get(member_id) or None
        if (choice or None) == shown:
            continue  # untouched on the page: whatever is stored now stays
        stored = existing[member_id].choice if member_id in existing else None
        if stored == (choice or None):
            continue  # already as the secretary wants it
        if stored != shown:
            conflicts.append(member_id)
        changed[member_id] = choice
    if conflicts:
        names = Member.objects.filter(pk__in=conflicts).order_by("order", "full_name")
        raise BallotsChangedError(
            _(
                "While this page was open, the ballots of %(names)s changed. Nothing was saved. "
                "The form now shows their current ballots: check them and save again."
            )
            % {"names": ", ".join(member.full_name for member in names)},
            member_ids=conflicts,
            current={member_id: ballot.choice for member_id, ballot in existing.items()},
        )
    return changed


def ballot_cast_by_member(
    *,
    actor: Any,
    vote: Vote,
    choice: str,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Ballot:
    """A member present at the meeting (in person or online) casts or changes their own ballot.

    Roll-call votes only, until the vote is closed; the last ballot cast counts, whoever recorded
    the one before (the member, or the secretary from a show of hands in the room).
    """
    with transaction.atomic():
        # The same row lock as the secretary's recording: the two take turns, neither is lost.
        # The vote's state is checked first: a closed vote refuses whatever was chosen.
        vote = _locked_open_vote(vote)
        if vote.kind != VoteKind.ROLL_CALL:
            raise DomainError(
                _("This vote counts totals by a show of hands: members do not cast ballots here.")
            )
        seat = access.voting_seat(actor, vote.agenda_item.meeting)
        if seat is None:
            raise AccessDenied(_("Only members marked present can vote."))
        if choice not in BallotChoice.values:
            raise ValidationError(_("Choose for, against or abstain."))
        ballot, _created = Ballot.objects.update_or_create(
            vote=vote, member=seat, defaults={"choice": choice}
        )
        audited(
            vote,
            AuditAction.UPDATE,
            ["ballots"],
            actor=actor,
            request=request,
            channel=channel,
            detail="own ballot",
        )
    return ballot


def vote_set_totals(
    *,
    actor: Any,
    vote: Vote,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Vote:
    """Enter the counted totals of a show-of-hands vote."""
    with transaction.atomic():
        vote = _locked_open_vote(vote)
        if vote.kind != VoteKind.COUNTED:
            raise DomainError(_("This vote records each member's choice: record the ballots."))
        if min(votes_for, votes_against, votes_abstain) < 0:
            raise ValidationError(_("Enter numbers of 0 or more."))
        present = quorum_status(vote.agenda_item.meeting).present
        if votes_for + votes_against + votes_abstain > present:
            raise ValidationError(
                _("More votes than members present (%(present)s).") % {"present": present}
            )
        vote.votes_for, vote.votes_against, vote.votes_abstain = (
            votes_for,
            votes_against,
            votes_abstain,
        )
        vote.save(update_fields=["votes_for", "votes_against", "votes_abstain"])
        audited(
            vote,
            AuditAction.UPDATE,
            ["votes_for", "votes_against", "votes_abstain"],
            actor=actor,
            request=request,
            channel=channel,
        )
    return vote


def vote_close(
    *,
    actor: Any,
    vote: Vote,
    shown_ballots: Mapping[int, str | None] | None = None,
    shown_totals: tuple[int, int, int] | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Vote:
    """Close the vote: count, compute and store the result, and apply it to what it decides.

    `shown_ballots` (a roll call) or `shown_totals` (a count) is what the secretary's page showed
    when they chose to close: if the stored ballots or totals differ (a member voted meanwhile,
    another secretary saved), nothing is closed, so a result is never counted from ballots the
    secretary did not see. The counts and the quorum are stored with the result, so the minutes
    never recount. A closed vote never changes (ballots, totals and result are refused
    afterwards); a vote closed by mistake is annulled by the chair (`vote_annul`).
    """
    with transaction.atomic():
        vote = _locked_open_vote(vote)
        meeting = vote.agenda_item.meeting
        if meeting.status == MeetingStatus.CANCELLED:
            raise DomainError(_("The meeting is cancelled: no votes can be taken."))
        _refuse_if_changed_since_shown(vote, shown_ballots, shown_totals)
        quorum = quorum_status(meeting)
        if vote.kind == VoteKind.ROLL_CALL:
            counts = dict.fromkeys(BallotChoice.values, 0)
            for choice in vote.ballots.values_list("choice", flat=True):
                counts[choice] += 1
            vote.votes_for = counts[BallotChoice.FOR]
            vote.votes_against = counts[BallotChoice.AGAINST]
            vote.votes_abstain = counts[BallotChoice.ABSTAIN]
        vote.result = vote_outcome(
            has_quorum=quorum.has_quorum,
            present=quorum.present,
            votes_for=vote.votes_for,
            votes_against=vote.votes_against,
            votes_abstain=vote.votes_abstain,
        )
        vote.closed_at = timezone.now()
        vote.members_present = quorum.present
        vote.members_in_office = quorum.members
        fields = [
            "votes_for",
            "votes_against",
            "votes_abstain",
            "result",
            "closed_at",
            "members_present",
            "members_in_office",
        ]
        vote.save(update_fields=fields)
        audited(vote, AuditAction.UPDATE, fields, actor=actor, request=request, channel=channel)
        # A vote without quorum decides nothing: the composition or plan stays as it was.
        if vote.result != VoteResult.NO_QUORUM:
            if vote.decides_composition_id is not None:
                composition_approve_by_vote(
                    actor=actor,
                    composition=vote.decides_composition,  # type: ignore[arg-type]
                    vote=vote,
                    request=request,
                    channel=channel,
                )
            if vote.decides_plan_id is not None:
                plan_approve_by_vote(
                    actor=actor,
                    plan=vote.decides_plan,  # type: ignore[arg-type]
                    vote=vote,
                    request=request,
                    channel=channel,
                )
    return vote


def _refuse_if_changed_since_shown(
    vote: Vote,
    shown_ballots: Mapping[int, str | None] | None,
    shown_totals: tuple[int, int, int] | None,
) -> None:
    if vote.kind == VoteKind.ROLL_CALL and shown_ballots is not None:
        stored = dict(vote.ballots.values_list("member_id", "choice"))
        if {member: choice for member, choice in shown_ballots.items() if choice} != stored:
            raise ConflictError(
                _(
                    "The ballots changed after this page showed them (a member voted, or someone "
                    "else saved). The vote is not closed: check the ballots, then close it."
                )
            )
    stored_totals = (vote.votes_for, vote.votes_against, vote.votes_abstain)
    if vote.kind == VoteKind.COUNTED and shown_totals not in (None, stored_totals):
        raise ConflictError(
            _(
                "The totals changed after this page showed them. The vote is not closed: "
                "check the totals, then close it."
            )
        )


def vote_annul(
    *,
    actor: Any,
    vote: Vote,
    reason: str,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Vote:
    """The chair annuls a vote closed by mistake, with the reason the minutes then show.

    The count stays on record; the question can be put to a new vote. Refused while the vote is
    open, once annulled, when the minutes of its meeting are approved and locked (they are final),
    and when its result was applied to a composition or a plan (those change by their own vote).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Enter why the vote is annulled.")]})
    with transaction.atomic():
        vote = _locked_vote(vote)
        meeting = vote.agenda_item.meeting
        if not access.is_chair(actor, meeting.council):
            raise AccessDenied(_("Only the chair of the council can annul a vote."))
        if vote.result == VoteResult.OPEN:
            raise DomainError(_("The vote is still open: it can be closed, not annulled."))
        if vote.annulled_at is not None:
            raise DomainError(_("This vote is already annulled."))
        if Minutes.objects.filter(meeting=meeting, locked_at__isnull=False).exists():
            raise DomainError(
                _("The minutes of this meeting are approved and locked: the vote stands.")
            )
        applied = vote.result != VoteResult.NO_QUORUM and (
            vote.decides_composition_id is not None or vote.decides_plan_id is not None
        )
        if applied:
            raise DomainError(
                _(
                    "This vote decided a composition or a work plan, and its result was applied: "
                    "it cannot be annulled here."
                )
            )
        vote.annulled_at = timezone.now()
        vote.annulled_by = actor
        vote.annulment_reason = reason
        fields = ["annulled_at", "annulled_by", "annulment_reason"]
        vote.save(update_fields=fields)
        audited(vote, AuditAction.UPDATE, fields, actor=actor, request=request, channel=channel)
    return vote
