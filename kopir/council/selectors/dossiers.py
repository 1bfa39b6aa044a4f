"""Reading dossiers: the records a dossier holds, its one timeline, and the dossiers a record is in.

What a dossier holds is what the secretary added (`DossierRecord`) and what follows from it:

- a petition brings the agenda items it led to;
- an agenda item brings its decisions and votes, and the recommendations of its decisions;
- a monitoring visit brings the recommendations made from it;
- a recommendation brings the agencies' answers (with their evidence) and the letters carrying it;
- a letter brings the replies to it.

The timeline reads each kind of record once, whatever the dossier holds (a query budget test
keeps it so). Its entries are written in one language: the page's, or a document's. On a page a
text kept in Kazakh and Russian shows the reader's half, else the other one marked with its
language (`bilingual.marked_for_page`, as every council page), so an entry with such a text is
HTML. A document is strict (`strict=True`) and plain text: a Russian dossier carries only Russian texts, so a text kept in one
language only (a petition in the language it was written in; an agency's answer, which is kept
in Kazakh) is replaced by a note naming the language it is written in, and a text of a pair whose
half is empty (a visit's purpose typed in Kazakh only) by a note that it has no text in that
language.

Related figures are those the dossier's agenda items, recommendations and letters cite, read
through the citation sources other apps register with core (`core/registry.py::CitationSource`,
the dashboard snapshots): the council imports none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record_many
from kopir.core.registry import registry
from kopir.council.bilingual import in_language, marked_for_page
from kopir.council.models import (
    RECORD_FIELDS,
    AgendaItem,
    Council,
    Decision,
    Dossier,
    DossierRecord,
    Letter,
    LetterReply,
    MonitoringVisit,
    Petition,
    Recommendation,
    RecommendationResponse,
    Vote,
)

SUMMARY_LENGTH = 240


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a dossier's timeline: when, what kind of record, what it says, where it is."""

    date: dt.date
    kind: str
    summary: str
    url: str
    # Ties on a date keep the order of the problem's life: petition, agenda, vote, decision…
    rank: int = 0
    pk: int = 0
    links: tuple[tuple[str, str], ...] = ()  # further (label, url) pairs, e.g. the evidence


@dataclass
class DossierContents:
    """The records a dossier holds, by kind, each list in the order it was read."""

    petitions: list[Petition] = field(default_factory=list)
    agenda_items: list[AgendaItem] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    responses: list[RecommendationResponse] = field(default_factory=list)
    visits: list[MonitoringVisit] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    replies: list[LetterReply] = field(default_factory=list)


# --- Lists and one dossier ------------------------------------------------------------------------


def dossier_list(council: Council) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(council=council)
        .select_related("merged_into")
        .order_by("-opened_on", "-pk")
    )


def dossier_in_council(council: Council, pk: int) -> Dossier:
    return get_object_or_404(
        Dossier.objects.select_related("opened_by", "merged_into"), council=council, pk=pk
    )


def records_added(dossier: Dossier) -> list[DossierRecord]:
    """What the secretary put in the dossier by hand, each with its record for the list."""
    return list(
        dossier.records.select_related(
            "petition", "agenda_item__meeting", "recommendation", "visit__site", "letter"
        ).order_by("added_at", "pk")
    )


def dossier_contents(dossier: Dossier) -> DossierContents:
    """Every record the dossier holds, added by hand or following from one that was."""
    added: dict[str, list[int]] = {kind: [] for kind in RECORD_FIELDS}
    for kind, *ids in dossier.records.values_list(
        "kind", *(f"{name}_id" for name in RECORD_FIELDS)
    ):
        added[kind].append(next(pk for pk in ids if pk is not None))

    petitions = list(
        Petition.objects.filter(pk__in=added["petition"]).order_by("received_on", "pk")
    )
    agenda_items = list(
        AgendaItem.objects.filter(
            Q(pk__in=added["agenda_item"]) | Q(petition_id__in=added["petition"])
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "order")
    )
    item_ids = [item.pk for item in agenda_items]
    votes = list(
        Vote.objects.filter(agenda_item_id__in=item_ids)
        .select_related("agenda_item__meeting")
        .order_by("pk")
    )
    decisions = list(
        Decision.objects.filter(agenda_item_id__in=item_ids)
        .select_related("agenda_item__meeting")
        .order_by("agenda_item__meeting__starts_at", "order")
    )
    visits = list(
        MonitoringVisit.objects.filter(pk__in=added["visit"])
        .select_related("site")
        .order_by("visited_on", "pk")
    )
    recommendations = list(
        Recommendation.objects.filter(
            Q(pk__in=added["recommendation"])
            | Q(decision__agenda_item_id__in=item_ids)
            | Q(visit_id__in=added["visit"])
        )
        .select_related("addressee", "decision__agenda_item__meeting", "visit")
        .order_by("pk")
    )
    recommendation_ids = [recommendation.pk for recommendation in recommendations]
    responses = list(
        RecommendationResponse.objects.filter(recommendation_id__in=recommendation_ids)
        .select_related("recommendation__addressee")
        .order_by("submitted_at", "pk")
    )
    letters = list(
        Letter.objects.filter(Q(pk__in=added["letter"]) | Q(recommendations__in=recommendation_ids))
        .distinct()
        .select_related("addressee")
        .order_by("sent_on", "pk")
    )
    replies = list(
        LetterReply.objects.filter(letter_id__in=[letter.pk for letter in letters])
        .select_related("letter")
        .order_by("received_on", "pk")
    )
    return DossierContents(
        petitions=petitions,
        agenda_items=agenda_items,
        votes=votes,
        decisions=decisions,
        recommendations=recommendations,
        responses=responses,
        visits=visits,
        letters=letters,
        replies=replies,
    )


def audit_dossier_read(
    *, actor: Any, dossier: Dossier, contents: DossierContents, request: HttpRequest | None
) -> None:
    """A dossier that holds petitions shows what petitioners wrote: one VIEW per petition, as
    the petition's own page writes (the petitioner's name is never shown in a dossier)."""
    if contents.petitions:
        with transaction.atomic():
            audit_record_many(
                actor=actor,
                action=AuditAction.VIEW,
                entries=[(petition, f"dossier {dossier.pk}") for petition in contents.petitions],
                request=request,
            )


# --- The timeline -----------------------------------------------------------------------------------


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(SUMMARY_LENGTH)


def _organisation(organisation: Any, lang: str) -> str:
    return str(getattr(organisation, f"name_{lang}", "") or organisation.name_kk)


class _Texts:
    """The text of a record in the timeline's language. A page shows the other half of a pair
    whose reader's half is empty, marked with its language; a strict document shows that it has
    none."""

    def __init__(self, lang: str, *, strict: bool) -> None:
        self.lang = lang
        self.strict = strict

    def missing(self) -> str:
        return gettext("[no text in this language]")

    def pair(self, record: Any, field: str) -> str:
        """The text of `field` kept in Kazakh (`field`) and Russian (`<field>_ru`): on a page as
        HTML, the reader's half or the other one marked with its language."""
        if self.strict:
            text = in_language(record, field, "ru" if self.lang == "ru" else "kk")
            return _short(text) if text else self.missing()
        return marked_for_page(record, field, shorten=_short) or self.missing()

    def line(self, sentence: str, values: dict[str, Any]) -> str:
        """`sentence % values`: on a page as HTML, each value escaped unless it is already (the
        marked half of a pair); in a document plain text."""
        if self.strict:
            return sentence % values
        escaped = {name: conditional_escape(value) for name, value in values.items()}
        return mark_safe(escape(sentence) % escaped)  # noqa: S308 - every part escaped

    def written_in(self, text: str, language: str) -> str:
        """A text kept only in the language it was written in (a petition as the citizen wrote
        it): a strict document of another language says which language that is, as no text is
        missing there."""
        if self.strict and language != self.lang:
            if language == "ru":
                return gettext("[written in Russian]")
            return gettext("[written in Kazakh]")
        return _short(text)


def _entries(dossier: Dossier, contents: DossierContents, texts: _Texts) -> list[TimelineEntry]:
    slug = dossier.council.slug
    lang = texts.lang
    entries: list[TimelineEntry] = []

    def url(name: str, **kwargs: Any) -> str:
        return reverse(f"council:{name}", kwargs={"slug": slug, **kwargs})

    def meeting_url(name: str, meeting: Any, **kwargs: Any) -> str:
        return url(name, pk=meeting.pk, **kwargs)

    for petition in contents.petitions:
        link = url("petition_detail", pk=petition.pk)
        entries.append(
            TimelineEntry(
                petition.received_on,
                gettext("Petition"),
                gettext("Petition %(number)s received: %(subject)s")
                % {
                    "number": petition.number,
                    "subject": texts.written_in(petition.subject, petition.contact_language),
                },
                link,
                rank=10,
                pk=petition.pk,
            )
        )
        if petition.answered_on:
            entries.append(
                TimelineEntry(
                    petition.answered_on,
                    gettext("Petition"),
                    gettext("The petitioner was answered (petition %(number)s).")
                    % {"number": petition.number},
                    link,
                    rank=90,
                    pk=petition.pk,
                )
            )
    for item in contents.agenda_items:
        meeting = item.meeting
        entries.append(
            TimelineEntry(
                _local_date(meeting.starts_at),
                gettext("Agenda item"),
                texts.line(
                    gettext("Item %(order)s of meeting No. %(meeting)s: %(title)s"),
                    {
                        "order": item.order,
                        "meeting": meeting.number,
                        "title": texts.pair(item, "title"),
                    },
                ),
                meeting_url("agenda_item_detail", meeting, item_pk=item.pk),
                rank=20,
                pk=item.pk,
            )
        )
    for vote in contents.votes:
        meeting = vote.agenda_item.meeting
        summary = texts.line(
            gettext(
                "Vote on “%(question)s”: %(result)s (for %(for)s, against %(against)s, "
                "abstained %(abstain)s)"
            ),
            {
                "question": texts.pair(vote, "question"),
                "result": vote.get_result_display(),
                "for": vote.votes_for,
                "against": vote.votes_against,
                "abstain": vote.votes_abstain,
            },
        )
        if vote.annulled_at:
            summary = texts.line(
                "%(vote)s. %(annulled)s",
                {"vote": summary, "annulled": gettext("The vote was annulled.")},
            )
        entries.append(
            TimelineEntry(
                _local_date(vote.closed_at or meeting.starts_at),
                gettext("Vote"),
                summary,
                meeting_url("vote_detail", meeting, vote_pk=vote.pk),
                rank=30,
                pk=vote.pk,
            )
        )
    for decision in contents.decisions:
        item = decision.agenda_item
        entries.append(
            TimelineEntry(
                _local_date(item.meeting.starts_at),
                gettext("Decision"),
                texts.pair(decision, "text"),
                meeting_url("agenda_item_detail", item.meeting, item_pk=item.pk),
                rank=40,
                pk=decision.pk,
            )
        )
    for visit in contents.visits:
        entries.append(
            TimelineEntry(
                visit.visited_on,
                gettext("Monitoring visit"),
                texts.line(
                    gettext("Visit to %(site)s: %(purpose)s"),
                    {
                        "site": _organisation(visit.site, lang),
                        "purpose": texts.pair(visit, "purpose"),
                    },
                ),
                url("visit_detail", pk=visit.pk),
                rank=15,
                pk=visit.pk,
            )
        )
    for recommendation in contents.recommendations:
        entries.append(
            TimelineEntry(
                _recommendation_date(recommendation),
                gettext("Recommendation"),
                texts.line(
                    gettext("Recommendation %(number)s to %(addressee)s (%(status)s): %(text)s"),
                    {
                        "number": recommendation.number,
                        "addressee": _organisation(recommendation.addressee, lang),
                        "status": recommendation.get_status_display(),
                        "text": texts.pair(recommendation, "text"),
                    },
                ),
                url("recommendation_detail", pk=recommendation.pk),
                rank=50,
                pk=recommendation.pk,
            )
        )
    for response in contents.responses:
        recommendation = response.recommendation
        links: tuple[tuple[str, str], ...] = ()
        if response.evidence:
            links = (
                (
                    gettext("Evidence to recommendation %(number)s")
                    % {"number": recommendation.number},
                    url("response_evidence", pk=recommendation.pk, response_pk=response.pk),
                ),
            )
        entries.append(
            TimelineEntry(
                _local_date(response.submitted_at),
                gettext("Answer"),
                gettext(
                    "%(addressee)s answered recommendation %(number)s, reporting: %(reported)s; "
                    "%(verdict)s. %(text)s"
                )
                % {
                    "addressee": _organisation(recommendation.addressee, lang),
                    "number": recommendation.number,
                    "reported": response.get_reported_status_display(),
                    "verdict": response.get_verdict_display(),
                    "text": texts.written_in(response.text, "kk"),
                },
                url("recommendation_detail", pk=recommendation.pk),
                rank=60,
                pk=response.pk,
                links=links,
            )
        )
    for letter in contents.letters:
        entries.append(
            TimelineEntry(
                letter.sent_on,
                gettext("Letter"),
                texts.line(
                    gettext("Letter %(number)s to %(addressee)s: %(subject)s"),
                    {
                        "number": letter.number,
                        "addressee": _organisation(letter.addressee, lang),
                        "subject": texts.pair(letter, "subject"),
                    },
                ),
                url("letter_detail", pk=letter.pk),
                rank=70,
                pk=letter.pk,
            )
        )
    for reply in contents.replies:
        entries.append(
            TimelineEntry(
                reply.received_on,
                gettext("Reply to a letter"),
                # Who replied is typed as written: a strict document names no one in another
                # language.
                gettext("Reply to letter %(number)s received") % {"number": reply.letter.number}
                if texts.strict
                else gettext("Reply to letter %(number)s received from %(sender)s")
                % {"number": reply.letter.number, "sender": reply.from_whom},
                url("letter_detail", pk=reply.letter_id),
                rank=80,
                pk=reply.pk,
            )
        )
    cited = registry.cited_tables(
        [*contents.agenda_items, *contents.recommendations, *contents.letters], lang
    )
    for record, tables in cited.items():
        if isinstance(record, AgendaItem):
            link = meeting_url("agenda_item_detail", record.meeting, item_pk=record.pk)
        elif isinstance(record, Recommendation):
            link = url("recommendation_detail", pk=record.pk)
        else:
            link = url("letter_detail", pk=record.pk)
        for table in tables:
            figures = "; ".join(" ".join(row) for row in table.rows)
            entries.append(
                TimelineEntry(
                    table.as_of,
                    gettext("Figures cited"),
                    _short(f"{table.title}: {figures}"),
                    link,
                    rank=95,
                    pk=record.pk,
                )
            )
    return entries


def _recommendation_date(recommendation: Recommendation) -> dt.date:
    """When the recommendation entered the problem's life: sent, else made at its meeting or
    after its visit."""
    if recommendation.sent_on:
        return recommendation.sent_on
    if recommendation.decision_id:
        return _local_date(recommendation.decision.agenda_item.meeting.starts_at)  # type: ignore[union-attr]
    if recommendation.visit_id:
        return recommendation.visit.visited_on  # type: ignore[union-attr]
    return timezone.localdate()


def dossier_timeline(
    dossier: Dossier, contents: DossierContents, lang: str, *, strict: bool = False
) -> list[TimelineEntry]:
    """The dossier's one timeline in `lang`, the oldest first and the newest last."""
    with translation.override(lang):
        entries = _entries(dossier, contents, _Texts(lang, strict=strict))
    return sorted(entries, key=lambda entry: (entry.date, entry.rank, entry.pk))


# --- The dossiers a record is in -------------------------------------------------------------------


def _holding(council_id: int, match: Q) -> list[Dossier]:
    return list(
        Dossier.objects.filter(council_id=council_id)
        .filter(pk__in=DossierRecord.objects.filter(match).values("dossier_id"))
        .order_by("opened_on", "pk")
    )


def _recommendations_match(recommendations: QuerySet[Recommendation]) -> Q:
    """Where these recommendations come from: added by hand, or by their item, petition or visit."""
    return (
        Q(recommendation__in=recommendations.values("pk"))
        | Q(agenda_item__in=recommendations.values("decision__agenda_item"))
        | Q(petition__in=recommendations.values("decision__agenda_item__petition"))
        | Q(visit__in=recommendations.values("visit"))
    )


def dossiers_of_petition(petition: Petition) -> list[Dossier]:
    return _holding(petition.council_id, Q(petition=petition))


def dossiers_of_agenda_item(item: AgendaItem) -> list[Dossier]:
    match = Q(agenda_item=item)
    if item.petition_id:
        match |= Q(petition_id=item.petition_id)
    return _holding(item.meeting.council_id, match)


def dossiers_of_recommendation(recommendation: Recommendation) -> list[Dossier]:
    return _holding(
        recommendation.council_id,
        _recommendations_match(Recommendation.objects.filter(pk=recommendation.pk)),
    )


def dossiers_of_visit(visit: MonitoringVisit) -> list[Dossier]:
    return _holding(visit.council_id, Q(visit=visit))


def dossiers_of_letter(letter: Letter) -> list[Dossier]:
    return _holding(
        letter.council_id, Q(letter=letter) | _recommendations_match(letter.recommendations.all())
    )
