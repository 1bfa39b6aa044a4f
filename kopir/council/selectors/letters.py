"""Reading the letters register and its replies."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kopir.council.models import Council, Letter, LetterReply, Recommendation


def letter_list(council: Council) -> QuerySet[Letter]:
    return (
        Letter.objects.filter(council=council)
        .select_related("addressee")
        .annotate(reply_count=Count("replies", distinct=True))
        .order_by("-sent_on", "-pk")
    )


def reply_overdue(letter: Letter, reply_count: int, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(letter.reply_due_on and letter.reply_due_on < today and reply_count == 0)


def replies_of(letter: Letter) -> list[LetterReply]:
    return list(letter.replies.order_by("received_on", "pk"))


def reply_of(letter: Letter, pk: int) -> LetterReply:
    """One of the replies to the letter, or 404."""
    return get_object_or_404(letter.replies, pk=pk)


def recommendations_of(letter: Letter) -> list[Recommendation]:
    return list(letter.recommendations.select_related("addressee").order_by("number"))
