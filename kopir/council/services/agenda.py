"""A meeting's agenda and what happens on each item: invited officials, materials, speeches,
officials' answers and decisions.

Everything here can change until the meeting's minutes are approved and locked; the order of the
agenda only while the meeting is planned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, Unpack

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import AuditedBy, audited, save_audited
from kopir.core.errors import DomainError
from kopir.core.selectors import next_order
from kopir.core.uploads import MATERIAL_EXTENSIONS, check_upload
from kopir.core.versioning import assign_changes
from kopir.council.models import (
    AgendaItem,
    AgendaMaterial,
    CompositionStatus,
    Decision,
    InvitedOfficial,
    Meeting,
    MeetingStatus,
    Member,
    Minutes,
    Petition,
    PetitionStatus,
    Speech,
    Vote,
    VoteResult,
    WorkPlanItem,
)
from kopir.council.services.composition import APPROVING_RESULTS
from kopir.council.services.meetings import require_started
from kopir.council.services.petition_states import petition_transition
from kopir.council.services.plan import plan_item_errors
from kopir.directory.models import Organisation


def validate_material_file(file: UploadedFile) -> None:
    """Accept PDF, DOCX, ODT, JPG and PNG files up to 10 MB that open as what they claim."""
    try:
        check_upload(file, MATERIAL_EXTENSIONS)
    except ValidationError as error:
        raise ValidationError({"file": error}) from error


def require_minutes_open(meeting: Meeting) -> None:
    """Refuse changes to a cancelled meeting's record or to one whose minutes are locked.

    The status is read from the database: the caller's copy may be older than a cancellation.
    """
    status = Meeting.objects.filter(pk=meeting.pk).values_list("status", flat=True).first()
    if status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting is cancelled."))
    if Minutes.objects.filter(meeting=meeting, locked_at__isnull=False).exists():
        raise DomainError(
            _("The minutes of this meeting are approved and locked: the record cannot change.")
        )


RecordT = TypeVar("RecordT", bound=Model)


def _add_to_item(
    agenda_item: AgendaItem,
    build: Callable[[], RecordT],
    *,
    fields: list[str],
    at_the_meeting: bool = False,
    **by: Unpack[AuditedBy],
) -> RecordT:
    """Save what `build` makes for the item while the meeting's record is open, with its audit
    record, in one transaction (so `build` may number it after what is stored). What happens
    `at_the_meeting` (a speech, a decision) is refused before the meeting starts; what prepares
    it (an official invited, a material) is not."""
    with transaction.atomic():
        require_minutes_open(agenda_item.meeting)
        if at_the_meeting:
            require_started(agenda_item.meeting)
        record = build()
        save_audited(record, AuditAction.CREATE, fields, **by)
    return record


def agenda_item_add(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    title_ru: str = "",
    description: str = "",
    description_ru: str = "",
    rapporteur: str = "",
    rapporteur_ru: str = "",
    rapporteur_member: Member | None = None,
    petition: Petition | None = None,
    plan_item: WorkPlanItem | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> AgendaItem:
    """Add an item at the end of a planned meeting's agenda.

    Linking a petition puts it on the agenda (its status says so until the meeting is held).
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != MeetingStatus.PLANNED:
            raise DomainError(_("Items are added to the agenda of a planned meeting only."))
        errors: dict[str, list[str]] = {}
        if petition is not None and petition.council_id != meeting.council_id:
            errors["petition"] = [_("Choose a petition to this council.")]
        errors.update(plan_item_errors(plan_item, meeting.council_id))
        errors.update(rapporteur_errors(meeting, rapporteur_member, None))
        if errors:
            raise ValidationError(errors)
        item = AgendaItem(
            meeting=meeting,
            order=next_order(meeting.agenda.all()),
            title=title,
            title_ru=title_ru,
            description=description,
            description_ru=description_ru,
            rapporteur=rapporteur if rapporteur_member is None else "",
            rapporteur_ru=rapporteur_ru if rapporteur_member is None else "",
            rapporteur_member=rapporteur_member,
            petition=petition,
            plan_item=plan_item,
        )
        save_audited(
            item,
            AuditAction.CREATE,
            ["title", "petition", "plan_item"],
            actor=actor,
            request=request,
            channel=channel,
        )
        if petition is not None:
            petition = Petition.objects.select_for_update().get(pk=petition.pk)
            petition_transition(
                actor=actor,
                petition=petition,
                to=PetitionStatus.ON_AGENDA,
                request=request,
                channel=channel,
            )
    return item


def agenda_item_update(
    *,
    actor: Any,
    item: AgendaItem,
    title: str,
    title_ru: str = "",
    description: str,
    description_ru: str = "",
    rapporteur: str = "",
    rapporteur_ru: str | None = None,
    rapporteur_member: Member | None = None,
    rapporteur_official: InvitedOfficial | None = None,
    plan_item: WorkPlanItem | None,
    request: HttpRequest | None = None,
) -> AgendaItem:
    """Change an item; the rapporteur is a member, an official invited to it, or (only when
    neither) someone else named in `rapporteur` and `rapporteur_ru` (None keeps the Russian half
    given on the minutes' texts page)."""
    with transaction.atomic():
        item = AgendaItem.objects.select_related("meeting").select_for_update().get(pk=item.pk)
        require_minutes_open(item.meeting)
        chosen = rapporteur_member is not None or rapporteur_official is not None
        values = {
            "title": title,
            "title_ru": title_ru,
            "description": description,
            "description_ru": description_ru,
            "rapporteur": "" if chosen else rapporteur,
            # The Russian half goes with the typed name.
            "rapporteur_ru": ""
            if chosen or not rapporteur
            else (item.rapporteur_ru if rapporteur_ru is None else rapporteur_ru),
            "rapporteur_member": rapporteur_member,
            "rapporteur_official": rapporteur_official,
            "plan_item": plan_item,
        }
        errors = rapporteur_errors(item.meeting, rapporteur_member, rapporteur_official, item)
        errors.update(plan_item_errors(plan_item, item.meeting.council_id))
        if errors:
            raise ValidationError(errors)
        changed = assign_changes(item, values)
        if changed:
            save_audited(
                item,
                AuditAction.UPDATE,
                changed,
                update_fields=changed,
                actor=actor,
                request=request,
            )
    return item


def rapporteur_errors(
    meeting: Meeting,
    member: Member | None,
    official: InvitedOfficial | None,
    item: AgendaItem | None = None,
) -> dict[str, list[str]]:
    """The rapporteur must sit in the meeting's composition or be invited to this very item."""
    errors: dict[str, list[str]] = {}
    outside_composition = (
        member is not None and not rapporteur_members(meeting).filter(pk=member.pk).exists()
    )
    invited_elsewhere = official is not None and (
        item is None or official.agenda_item_id != item.pk
    )
    if outside_composition or invited_elsewhere:
        errors["rapporteur_choice"] = [
            _("Choose a member of the council's composition or an official invited to the item.")
        ]
    if member is not None and official is not None:
        errors["rapporteur_choice"] = [_("Choose one rapporteur.")]
    return errors


def rapporteur_members(meeting: Meeting) -> Any:
    """The seats a rapporteur is chosen from: the meeting's sitting composition once attendance
    fixed it, else the composition in force."""
    if meeting.composition_id:
        return Member.objects.filter(composition_id=meeting.composition_id)
    return Member.objects.filter(
        composition__council_id=meeting.council_id, composition__status=CompositionStatus.APPROVED
    )


def agenda_item_move(
    *, actor: Any, item: AgendaItem, direction: str, request: HttpRequest | None = None
) -> AgendaItem:
    """Swap the item with its neighbour above ("up") or below ("down")."""
    if direction not in {"up", "down"}:
        raise DomainError(_("Choose up or down."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        if meeting.status != MeetingStatus.PLANNED:
            raise DomainError(_("The agenda of a held or cancelled meeting keeps its order."))
        item = AgendaItem.objects.get(pk=item.pk)
        neighbours = meeting.agenda.exclude(pk=item.pk)
        if direction == "up":
            other = neighbours.filter(order__lt=item.order).order_by("-order").first()
        else:
            other = neighbours.filter(order__gt=item.order).order_by("order").first()
        if other is None:
            return item
        # Each position is unique: park the item past the end while the two swap.
        parking = next_order(meeting.agenda.all())
        mine, theirs = item.order, other.order
        AgendaItem.objects.filter(pk=item.pk).update(order=parking)
        AgendaItem.objects.filter(pk=other.pk).update(order=mine)
        AgendaItem.objects.filter(pk=item.pk).update(order=theirs)
        item.order = theirs
        audited(meeting, AuditAction.UPDATE, ["agenda_order"], actor=actor, request=request)
    return item


def agenda_item_remove(*, actor: Any, item: AgendaItem, request: HttpRequest | None = None) -> None:
    """Remove an item from a planned meeting's agenda (only while nothing was recorded on it)."""
    with transaction.atomic():
        item = AgendaItem.objects.select_related("meeting").select_for_update().get(pk=item.pk)
        meeting = item.meeting
        if meeting.status != MeetingStatus.PLANNED:
            raise DomainError(_("Items are removed from the agenda of a planned meeting only."))
        if item.votes.exists() or item.speeches.exists() or item.decisions.exists():
            raise DomainError(_("Speeches, votes or decisions are recorded on this item."))
        petition = item.petition
        audited(item, AuditAction.DELETE, actor=actor, request=request)
        item.delete()
        # Close the gap so positions stay 1, 2, 3...
        for position, following in enumerate(meeting.agenda.order_by("order"), start=1):
            if following.order != position:
                AgendaItem.objects.filter(pk=following.pk).update(order=position)
        if petition is not None and petition.status == PetitionStatus.ON_AGENDA:
            still_listed = petition.agenda_items.filter(meeting__status=MeetingStatus.PLANNED)
            if not still_listed.exists():
                petition_transition(
                    actor=actor, petition=petition, to=PetitionStatus.REGISTERED, request=request
                )


def official_add(
    *,
    agenda_item: AgendaItem,
    full_name: str,
    position: str,
    organisation: Organisation,
    position_ru: str = "",
    email: str = "",
    **by: Unpack[AuditedBy],
) -> InvitedOfficial:
    return _add_to_item(
        agenda_item,
        lambda: InvitedOfficial(
            agenda_item=agenda_item,
            full_name=full_name,
            position=position,
            position_ru=position_ru,
            organisation=organisation,
            email=email,
        ),
        fields=["position", "organisation"],
        **by,
    )


def official_remove(
    *, actor: Any, official: InvitedOfficial, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        require_minutes_open(official.agenda_item.meeting)
        audited(official, AuditAction.DELETE, actor=actor, request=request)
        official.delete()


def material_add(
    *,
    agenda_item: AgendaItem,
    title: str,
    file: UploadedFile,
    **by: Unpack[AuditedBy],
) -> AgendaMaterial:
    validate_material_file(file)
    return _add_to_item(
        agenda_item,
        lambda: AgendaMaterial(agenda_item=agenda_item, title=title, file=file),
        fields=["title", "file"],
        **by,
    )


def speech_add(
    *,
    agenda_item: AgendaItem,
    speaker: str,
    summary: str,
    summary_ru: str = "",
    speaker_position: str = "",
    speaker_position_ru: str = "",
    organisation: Organisation | None = None,
    is_official_answer: bool = False,
    **by: Unpack[AuditedBy],
) -> Speech:
    """Record who spoke on the item and a summary; officials' answers are marked as such."""
    return _add_to_item(
        agenda_item,
        lambda: Speech(
            agenda_item=agenda_item,
            order=next_order(agenda_item.speeches.all()),
            speaker=speaker,
            speaker_position=speaker_position,
            speaker_position_ru=speaker_position_ru,
            organisation=organisation,
            is_official_answer=is_official_answer,
            summary=summary,
            summary_ru=summary_ru,
        ),
        fields=["speaker", "summary"],
        at_the_meeting=True,
        **by,
    )


def _require_vote_that_took_it(vote: Vote | None, agenda_item_id: int) -> None:
    """A decision rests on a vote of its item that approved it: a vote still open, not approved
    (or without quorum) or annulled took no decision, and a decision becomes the council's
    recommendation to a state body. A decision recorded without a vote says what the council
    resolved otherwise."""
    if vote is None:
        return
    # As stored: the caller's copy may be older than the vote's closing or annulment.
    vote.refresh_from_db(fields=["result", "annulled_at"])
    if vote.agenda_item_id != agenda_item_id:
        refusal = _("Choose a vote taken on this item.")
    elif vote.result == VoteResult.OPEN:
        refusal = _("This vote is still open: close it, then record the decision it took.")
    elif vote.result not in APPROVING_RESULTS or vote.annulled_at is not None:
        refusal = _(
            "This vote approved nothing (it was not approved, or was annulled), so no decision "
            "rests on it. Choose the vote that approved the decision, or no vote."
        )
    else:
        return
    raise ValidationError({"vote": [refusal]})


def decision_add(
    *,
    agenda_item: AgendaItem,
    text: str,
    text_ru: str = "",
    vote: Vote | None = None,
    **by: Unpack[AuditedBy],
) -> Decision:
    """Record a decision on the item, linked to the vote that took it (if one was taken)."""
    _require_vote_that_took_it(vote, agenda_item.pk)
    return _add_to_item(
        agenda_item,
        lambda: Decision(
            agenda_item=agenda_item,
            text=text,
            text_ru=text_ru,
            vote=vote,
            order=next_order(agenda_item.decisions.all()),
        ),
        fields=["text", "vote"],
        at_the_meeting=True,
        **by,
    )


def decision_update(
    *,
    actor: Any,
    decision: Decision,
    text: str,
    vote: Vote | None,
    text_ru: str = "",
    request: HttpRequest | None = None,
) -> Decision:
    _require_vote_that_took_it(vote, decision.agenda_item_id)
    with transaction.atomic():
        require_minutes_open(decision.agenda_item.meeting)
        decision.text = text
        decision.text_ru = text_ru
        decision.vote = vote
        fields = ["text", "text_ru", "vote"]
        save_audited(
            decision, AuditAction.UPDATE, fields, update_fields=fields, actor=actor, request=request
        )
    return decision
