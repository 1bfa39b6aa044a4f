"""The texts the secretary enters that go into the minutes, each kept in Kazakh and in Russian.

The minutes are issued in both state languages, so every such text has two fields: the unsuffixed
one holds the Kazakh text (as it always did) and `<field>_ru` the Russian one. `in_language` picks
the right one for a document; `meeting_texts` lists a meeting's pairs for the page where both are
filled side by side; `missing_texts` says which half of which pair is still empty, and signing the
minutes is refused while any is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model, Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction
from kopir.audit.services import save_audited
from kopir.council.bilingual import in_language
from kopir.council.models import (
    AgendaItem,
    InvitedOfficial,
    Meeting,
    Recommendation,
    RecommendationStatus,
    Speech,
    Vote,
)
from kopir.council.services.agenda import require_minutes_open
from kopir.council.services.quorum import sitting_members

TEXT_LANGUAGES = ("kk", "ru")


@dataclass(frozen=True)
class TextPair:
    """One text of a meeting's record in both languages."""

    record: Model
    field: str
    what: str
    # Whether the text must exist at all (a title does; a description may be left out entirely).
    required: bool
    # A sent recommendation's text is what was sent: only its empty half may still be filled.
    frozen: bool = False

    @property
    def key(self) -> str:
        return f"{self.record._meta.model_name}-{self.record.pk}-{self.field}"

    def text(self, lang: str) -> str:
        return in_language(self.record, self.field, lang)

    def is_missing(self, lang: str) -> bool:
        """Empty in `lang` while the text exists (in the other language, or must exist)."""
        if self.text(lang).strip():
            return False
        return self.required or any(self.text(other).strip() for other in TEXT_LANGUAGES)

    def can_change(self, lang: str) -> bool:
        return not self.frozen or not self.text(lang).strip()


@dataclass(frozen=True)
class MissingText:
    pair: TextPair
    lang: str
    url: str

    @property
    def language(self) -> str:
        return _("in Kazakh") if self.lang == "kk" else _("in Russian")


def _item_pairs(item: AgendaItem) -> list[TextPair]:
    order = item.order
    pairs = [
        TextPair(item, "title", _("Item %(order)s: title") % {"order": order}, required=True),
        TextPair(item, "description", _("Item %(order)s: description") % {"order": order}, False),
    ]
    if not item.rapporteur_member_id and not item.rapporteur_official_id:
        # Someone neither a member nor invited, as the secretary wrote them (with their position).
        what = _("Item %(order)s: rapporteur") % {"order": order}
        pairs.append(TextPair(item, "rapporteur", what, required=False))
    for official in item.invited.all():
        what = _("Item %(order)s: position of %(name)s") % {
            "order": order,
            "name": official.full_name,
        }
        pairs.append(TextPair(official, "position", what, required=True))
    for speech in item.speeches.all():
        # Named by the speech's number too: an invited official has a position as such, and a
        # person may speak twice on one item; each field's label must be its own.
        names = {"order": order, "number": speech.order, "name": speech.speaker}
        what = _("Item %(order)s, speech %(number)s: position of %(name)s") % names
        pairs.append(TextPair(speech, "speaker_position", what, required=False))
        what = _("Item %(order)s, speech %(number)s: what %(name)s said") % names
        pairs.append(TextPair(speech, "summary", what, required=True))
    for number, vote in enumerate(item.votes.all(), start=1):
        # Numbered as the speeches are: an item may be put to the vote more than once.
        names = {"order": order, "number": number}
        what = _("Item %(order)s, vote %(number)s: question put to the vote") % names
        pairs.append(TextPair(vote, "question", what, required=True))
        if vote.annulled_at is not None:
            # The chair gives the reason when annulling (kept as the Kazakh text); its Russian
            # is filled here before the minutes can be signed.
            what = _("Item %(order)s, vote %(number)s: why the vote was annulled") % names
            pairs.append(TextPair(vote, "annulment_reason", what, required=True))
    for decision in item.decisions.all():
        what = _("Item %(order)s: decision %(number)s") % {"order": order, "number": decision.order}
        pairs.append(TextPair(decision, "text", what, required=True))
    return pairs


def meeting_texts(meeting: Meeting) -> list[TextPair]:
    """Every text of the meeting's record that goes into its minutes, in the minutes' order
    (read afresh: the caller's copy of the meeting may be older than its texts)."""
    meeting = Meeting.objects.select_related("council").get(pk=meeting.pk)
    agenda = (
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("order")
        .prefetch_related(
            Prefetch("invited", queryset=InvitedOfficial.objects.order_by("pk")),
            Prefetch("speeches", queryset=Speech.objects.order_by("order")),
            Prefetch("votes", queryset=Vote.objects.order_by("pk")),
            "decisions",
        )
    )
    pairs = [TextPair(meeting, "place", _("Place of the meeting"), required=False)]
    # A member's affiliation written as text (an organisation in the directory has its own names).
    for member in sitting_members(meeting, list(meeting.attendance.select_related("member"))):
        if member.affiliation_id is None:
            what = _("Affiliation of member %(name)s") % {"name": member.full_name}
            pairs.append(TextPair(member, "affiliation_text", what, required=False))
    for item in agenda:
        pairs += _item_pairs(item)
    recommendations = Recommendation.objects.filter(
        decision__agenda_item__meeting=meeting
    ).order_by("number")
    for recommendation in recommendations:
        what = _("Recommendation № %(number)s") % {"number": recommendation.number}
        frozen = recommendation.status != RecommendationStatus.DRAFT
        pairs.append(TextPair(recommendation, "text", what, required=True, frozen=frozen))
    return pairs


def texts_url(meeting: Meeting) -> str:
    return reverse("council:meeting_texts", kwargs={"slug": meeting.council.slug, "pk": meeting.pk})


def missing_texts(meeting: Meeting) -> list[MissingText]:
    """Each text still empty in one language, with a link to its field on the texts page."""
    url = texts_url(meeting)
    return [
        MissingText(pair, lang, f"{url}#text-{pair.key}-{lang}")
        for pair in meeting_texts(meeting)
        for lang in TEXT_LANGUAGES
        if pair.is_missing(lang)
    ]


def meeting_texts_save(
    *,
    actor: Any,
    meeting: Meeting,
    texts: dict[str, dict[str, str]],
    request: HttpRequest | None = None,
) -> int:
    """Save the texts (`{pair key: {"kk": ..., "ru": ...}}`) that changed; each changed record
    gets its audit record. Returns how many texts changed. Refused once the minutes are locked."""
    changed_count = 0
    with transaction.atomic():
        require_minutes_open(meeting)
        for pair in meeting_texts(meeting):
            entered = texts.get(pair.key)
            if entered is None:
                continue
            changed = []
            for lang in TEXT_LANGUAGES:
                if lang not in entered or not pair.can_change(lang):
                    continue
                value = entered[lang].replace("\r\n", "\n").strip()
                name = pair.field if lang == "kk" else f"{pair.field}_ru"
                if value != pair.text(lang):
                    setattr(pair.record, name, value)
                    changed.append(name)
            if changed:
                save_audited(
                    pair.record,
                    AuditAction.UPDATE,
                    changed,
                    update_fields=changed,
                    actor=actor,
                    request=request,
                )
                changed_count += len(changed)
    return changed_count
