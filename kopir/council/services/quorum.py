"""Quorum: who sits at a meeting, how many are present, and whether that is enough to decide.

A meeting's quorum counts the members of its *sitting composition*: the composition in force
when attendance was first recorded (stored on the meeting then). Until then it is the
composition in force now. Fixing it matters at the meeting that approves a new composition: the
votes after that item are still cast by the members who were present, not by the new list.
"""

from __future__ import annotations

from dataclasses import dataclass

from kopir.council.models import (
    Attendance,
    AttendanceStatus,
    Composition,
    CompositionStatus,
    Meeting,
    Member,
    QuorumRule,
)

PRESENT = (AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE)


def quorum_required(rule: str, members: int) -> int:
    """How many members must be present (in person or online) for the meeting to decide.

    Majority: more than half of the members. Two thirds: at least two thirds of them. With no
    members at all no quorum is possible (the number required is then above the membership).
    """
    if members <= 0:
        return 1
    if rule == QuorumRule.TWO_THIRDS:
        return -(-2 * members // 3)  # ceil(2n/3) in whole numbers: no rounding error at the edge
    return members // 2 + 1


@dataclass(frozen=True)
class QuorumStatus:
    rule: str
    members: int
    present: int
    required: int

    @property
    def has_quorum(self) -> bool:
        return self.members > 0 and self.present >= self.required

    @property
    def missing(self) -> int:
        return max(self.required - self.present, 0)

    @property
    def rule_label(self) -> str:
        return str(QuorumRule(self.rule).label)


def sitting_composition(meeting: Meeting) -> Composition | None:
    if meeting.composition_id is not None:
        return meeting.composition
    return Composition.objects.filter(
        council_id=meeting.council_id, status=CompositionStatus.APPROVED
    ).first()


def quorum_status(meeting: Meeting) -> QuorumStatus:
    """The quorum right now: members of the sitting composition, and those present."""
    composition = sitting_composition(meeting)
    rule = meeting.council.quorum_rule
    if composition is None:
        return QuorumStatus(rule=rule, members=0, present=0, required=quorum_required(rule, 0))
    members = composition.members.count()
    present = Attendance.objects.filter(
        meeting=meeting, member__composition=composition, status__in=PRESENT
    ).count()
    return QuorumStatus(
        rule=rule, members=members, present=present, required=quorum_required(rule, members)
    )


def sitting_members(meeting: Meeting, attendance: list[Attendance]) -> list[Member]:
    """The members of the meeting's sitting composition, as its minutes list them: a meeting that
    approves a new composition is still attended, counted and recorded with the old one.

    The seats attendance was recorded against are the surest evidence of that composition, so
    they decide when there are any; otherwise the sitting composition does.
    """
    seated = [row.member for row in attendance if row.member is not None]
    composition_id = seated[0].composition_id if seated else None
    if composition_id is None:
        composition = sitting_composition(meeting)
        composition_id = composition.pk if composition else None
    if composition_id is None:
        return []
    return list(
        Member.objects.filter(composition_id=composition_id)
        .select_related("affiliation")
        .order_by("order", "full_name")
    )
