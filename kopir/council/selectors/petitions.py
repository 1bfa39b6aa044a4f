"""Reads about petitions. Reading one petition's page is a read of personal data: it is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import ExtractYear, Length
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.council.models import (
    AgendaItem,
    Council,
    MeetingStatus,
    Petition,
    PetitionStatus,
)


def petition_list(
    council: Council, *, status: str = "", overdue: bool = False, today: dt.date | None = None
) -> QuerySet[Petition]:
    """The council's petitions, newest first; `overdue`: not answered and past the due date."""
    petitions = council.petitions.select_related("petitioner_organisation")
    if status:
        petitions = petitions.filter(status=status)
    if overdue:
        petitions = petitions.exclude(status=PetitionStatus.ANSWERED).filter(
            answer_due_on__lt=today or timezone.localdate()
        )
    return petitions.order_by("-received_on", "-number")


def petition_to_change(council: Council, pk: int) -> Petition | None:
    """The council's petition `pk` that a secretary's form changes, or None when it has none (the
    page read after a refusal then answers 404)."""
    return Petition.objects.filter(council=council, pk=pk).first()


def petition_read(
    *, user: Any, council: Council, pk: int, request: HttpRequest | None = None
) -> Petition:
    """One petition for its page, with the meetings it was put before. Writes a VIEW record."""
    petition = get_object_or_404(
        Petition.objects.select_related(
            "petitioner_organisation", "registered_by", "council__organisation", "territory"
        ).prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("meeting").order_by(
                    "meeting__starts_at"
                ),
            )
        ),
        council=council,
        pk=pk,
    )
    with transaction.atomic():
        audited(petition, AuditAction.VIEW, actor=user, request=request)
    return petition


def petitions_for_agenda(council: Council) -> QuerySet[Petition]:
    """Petitions that can be put on a meeting's agenda (registered, or considered and returned to),
    by number."""
    return in_number_order(
        council.petitions.filter(status__in=[PetitionStatus.REGISTERED, PetitionStatus.CONSIDERED])
    )


def in_number_order(petitions: QuerySet[Petition]) -> QuerySet[Petition]:
    """`petitions` by registration number. A number is text, "Ө-<year>-<n>" with n padded to four
    digits and wider past 9999, given in the year the petition was received: ordered by that
    year, then by width, then as text, "Ө-2026-9999" comes before "Ө-2026-10000". (Not by date:
    a petition received on paper is registered days later, after others received since.)"""
    return petitions.order_by(ExtractYear("received_on"), Length("number"), "number")


def planned_meetings(council: Council) -> QuerySet[Any]:
    return council.meetings.filter(status=MeetingStatus.PLANNED).order_by("starts_at")
