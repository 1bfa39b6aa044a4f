"""The council demo's meetings, loaded through the same services the pages use: planning,
agenda, officials, attendance, guests, speeches, votes closed with their results, decisions,
holding the meeting; and the next meeting with accommodation requests. See meetings.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from kopir.audit.models import AuditChannel
from kopir.council.demo import agendas as agenda_data
from kopir.council.demo import meetings_data as data
from kopir.council.demo.texts_ru import russian
from kopir.council.models import (
    AccommodationStatus,
    Composition,
    CompositionStatus,
    Council,
    InvitedOfficial,
    Meeting,
    Member,
    Petition,
    Vote,
    VoteKind,
    WorkPlanItem,
)
from kopir.council.services import accommodation, agenda, attendance, invitations, meetings
from kopir.council.services import votes as vote_services
from kopir.council.services.minutes_labels import POSITIONS
from kopir.directory.models import Organisation

COMMAND = AuditChannel.COMMAND


def _speaker(key: str, seats: dict[str, Member], orgs: dict[str, Organisation]) -> dict[str, Any]:
    if key in seats:
        seat = seats[key]
        return {
            "speaker": seat.full_name,
            "speaker_position": POSITIONS["kk"][seat.position],
            "speaker_position_ru": POSITIONS["ru"][seat.position],
            "organisation": seat.affiliation,
        }
    if key in data.OFFICIALS:
        official = data.OFFICIALS[key]
        return {
            "speaker": official.full_name,
            "speaker_position": official.position,
            "speaker_position_ru": russian(official.position),
            "organisation": orgs[official.organisation],
        }
    joining = next(seat for seat in data.JOINING if seat.full_name == key)
    return {
        "speaker": joining.full_name,
        "speaker_position": joining.affiliation_text,
        "speaker_position_ru": russian(joining.affiliation_text),
        "organisation": orgs.get(joining.affiliation) if joining.affiliation else None,
    }


def load_meeting(
    spec: agenda_data.DemoMeeting,
    *,
    council: Council,
    seats: dict[str, Member],
    orgs: dict[str, Organisation],
    items: dict[str, WorkPlanItem],
    petition: Petition,
    proposed: Composition,
    done: Counter[str],
) -> Meeting:
    existing = council.meetings.filter(number=spec.number).first()
    if existing is not None:
        return existing
    meeting = meetings.meeting_create(
        actor=None,
        council=council,
        format=spec.format,
        starts_at=spec.starts_at,
        place=spec.place,
        place_ru=russian(spec.place),
        online_link=spec.online_link,
        plan_item=items[spec.plan_key],
        channel=COMMAND,
    )
    invited_on = timezone.localdate(spec.starts_at) - dt.timedelta(days=7)
    agenda_items = []
    by_name = {seat.full_name: seat for seat in seats.values()}
    for item_spec in spec.items:
        # A rapporteur with a seat is chosen from the composition; anyone else is named.
        rapporteur = by_name.get(item_spec.rapporteur)
        item = agenda.agenda_item_add(
            actor=None,
            meeting=meeting,
            title=item_spec.title,
            title_ru=russian(item_spec.title),
            rapporteur="" if rapporteur else item_spec.rapporteur,
            rapporteur_ru="" if rapporteur else russian(item_spec.rapporteur),
            rapporteur_member=rapporteur,
            petition=petition if item_spec.petition else None,
            channel=COMMAND,
        )
        for key in item_spec.officials:
            official = data.OFFICIALS[key]
            agenda.official_add(
                actor=None,
                agenda_item=item,
                full_name=official.full_name,
                position=official.position,
                position_ru=russian(official.position),
                organisation=orgs[official.organisation],
                channel=COMMAND,
            )
        agenda_items.append(item)
    # Invitations went out a week before (by the secretary, outside Kopir's records).
    InvitedOfficial.objects.filter(agenda_item__meeting=meeting).update(
        invitation_sent_on=invited_on
    )
    Meeting.objects.filter(pk=meeting.pk).update(invitations_sent_on=invited_on)
    statuses = {
        seat.pk: "absent" if key in spec.absent else "online" if key in spec.online else "in_person"
        for key, seat in seats.items()
    }
    attendance.attendance_record(actor=None, meeting=meeting, statuses=statuses, channel=COMMAND)
    for name, code in spec.guests:
        attendance.guest_add(
            actor=None, meeting=meeting, name=name, organisation=orgs[code], channel=COMMAND
        )
    present = [seat for key, seat in seats.items() if key not in spec.absent]
    for position, (item, item_spec) in enumerate(
        zip(agenda_items, spec.items, strict=True), start=1
    ):
        for speech in item_spec.speeches:
            agenda.speech_add(
                actor=None,
                agenda_item=item,
                summary=speech.summary,
                summary_ru=russian(speech.summary),
                is_official_answer=speech.answer,
                channel=COMMAND,
                **_speaker(speech.speaker, seats, orgs),
            )
        vote = vote_services.vote_open(
            actor=None,
            agenda_item=item,
            question=item_spec.question,
            question_ru=russian(item_spec.question),
            kind=VoteKind.ROLL_CALL if spec.roll_call else VoteKind.COUNTED,
            decides_composition=proposed if item_spec.decides == "composition" else None,
            decides_plan=items[spec.plan_key].plan if item_spec.decides == "plan" else None,
            channel=COMMAND,
        )
        if spec.roll_call:
            vote_services.ballots_record(
                actor=None, vote=vote, choices={seat.pk: "for" for seat in present}, channel=COMMAND
            )
        else:
            vote_services.vote_set_totals(
                actor=None,
                vote=vote,
                votes_for=len(present),
                votes_against=0,
                votes_abstain=0,
                channel=COMMAND,
            )
        vote_services.vote_close(actor=None, vote=vote, channel=COMMAND)
        # The vote closed during the meeting, not when the demo was loaded.
        Vote.objects.filter(pk=vote.pk).update(
            closed_at=spec.starts_at + dt.timedelta(minutes=20 * position)
        )
        agenda.decision_add(
            actor=None,
            agenda_item=item,
            text=item_spec.decision,
            text_ru=russian(item_spec.decision),
            vote=vote,
            channel=COMMAND,
        )
    meetings.meeting_mark_held(actor=None, meeting=meeting, channel=COMMAND)
    done["meetings"] += 1
    return meeting


def load_next_meeting(council: Council, items: dict[str, WorkPlanItem], done: Counter[str]) -> None:
    spec = agenda_data.NEXT_MEETING
    if council.meetings.filter(number=spec["number"]).exists():
        return
    meeting = meetings.meeting_create(
        actor=None,
        council=council,
        format=spec["format"],
        starts_at=spec["starts_at"],
        place=spec["place"],
        place_ru=russian(spec["place"]),
        online_link=spec["online_link"],
        plan_item=items[spec["plan_key"]],
        channel=COMMAND,
    )
    agenda.agenda_item_add(
        actor=None,
        meeting=meeting,
        title=spec["agenda"],
        title_ru=russian(spec["agenda"]),
        channel=COMMAND,
    )
    seats = {
        member.full_name: member
        for member in Member.objects.filter(
            composition__council=council, composition__status=CompositionStatus.APPROVED
        )
    }
    everyone = {seat.key: seat for seat in (*data.FORMER_SEATS, *data.JOINING)}
    for key, need, note, status, resolution in agenda_data.ACCOMMODATIONS:
        seat = seats[everyone[key].full_name]
        task = accommodation.accommodation_request(
            actor=None,
            meeting=meeting,
            requested_by=seat.full_name,
            need=need,
            note=note,
            account=seat.account,
            channel=COMMAND,
        )
        if status == AccommodationStatus.ARRANGED:
            accommodation.accommodation_resolve(
                actor=None,
                accommodation=task,
                status=status,
                resolution=resolution,
                channel=COMMAND,
            )
    # The members with an account are invited, so the meeting page lists who was invited when
    # (a demo loaded after the meeting's date has nothing to invite to).
    meeting.refresh_from_db()
    if meeting.starts_at > timezone.now():
        invitations.meeting_invite(
            actor=None, meeting=meeting, expected_version=meeting.version, channel=COMMAND
        )
    done["meetings"] += 1
