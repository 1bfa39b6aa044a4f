"""The recurring-problem radar: the council's texts grouped by how alike they are.

Petitions, monitoring visits' findings, recommendations and the agencies' answers are compared
as TF-IDF vectors of character n-grams (3 to 5 letters inside words), which match a word's
forms in Kazakh and Russian alike (пандус, пандустар, пандусы) without a dictionary or a model
downloaded at run time. Texts whose average cosine similarity reaches `SIMILARITY` are one group
(hierarchical clustering with average linkage, so one loose text cannot chain two problems
together). What a group shares is shown as words: the word stems (first `STEM_LETTERS` letters)
that at least half of its texts contain, rarest in the whole council first — the reason the
texts were put together, in the reader's terms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import DateField, F
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from kopir.council.models import (
    Council,
    DossierRecordKind,
    Petition,
    Recommendation,
    RecommendationResponse,
    VisitFinding,
)
from kopir.directory.models import Territory
from kopir.directory.selectors import districts_within

# Two texts about one problem written by different people share a fifth to a half of their
# weighted n-grams; unrelated texts of the same council share common endings, about a tenth.
SIMILARITY = 0.2
# Texts this alike are copies of one text (the same letter signed by many).
COPY_SIMILARITY = 0.9
# Comparing is quadratic in the texts: the latest this many are compared, and the page says so.
MAX_TEXTS = 1000
STEM_LETTERS = 6
WORD = re.compile(r"[^\W\d_]{4,}")
# Words every petition and answer of this field uses: sharing them says nothing.
COMMON_WORDS = frozenset(
    """
    және үшін бойынша туралы мен бар жоқ болып болады керек қажет осы бұл сол бір мүгедек
    мүгедектігі мүгедектер адамдар адам азамат азаматтар облыс облысы аудан ауданы қала қаласы
    жылы кеңес кеңесі ұсыныс өтініш жауап емес мүмкін
    the and for with that this from have been were about people persons disability council
    which what when their there
    для что как это при или его она они так уже было были будет может нужно также этого
    инвалид инвалиды инвалидов инвалидностью люди человек граждан области район района город
    города году совет совета рекомендация обращение ответ просим просит просьба
    """.split()  # noqa: SIM905 - a list of words reads better as words
)
COMMON_STEMS = frozenset(word[:STEM_LETTERS] for word in COMMON_WORDS)


class Kind:
    PETITION = "petition"
    FINDING = "finding"
    RECOMMENDATION = "recommendation"
    ANSWER = "answer"


# The kind of dossier record (`DossierRecordKind`) each kind of text belongs to.
DOSSIER_KINDS = {
    Kind.PETITION: DossierRecordKind.PETITION,
    Kind.FINDING: DossierRecordKind.VISIT,
    Kind.RECOMMENDATION: DossierRecordKind.RECOMMENDATION,
    Kind.ANSWER: DossierRecordKind.RECOMMENDATION,
}

KIND_LABELS = {
    Kind.PETITION: _("Petition"),
    Kind.FINDING: _("Visit finding"),
    Kind.RECOMMENDATION: _("Recommendation"),
    Kind.ANSWER: _("Agency's answer"),
}


@dataclass(frozen=True)
class RadarText:
    kind: str
    pk: int
    # The record whose page shows it: a finding's visit, an answer's recommendation.
    record_pk: int
    label: str
    text: str
    on: dt.date
    district_pk: int | None
    # The raising of the problem the text belongs to: a petition, a visit (its findings and the
    # recommendations made from them), a recommendation (with the answers to it). An answer that
    # echoes its recommendation is the same raising, not the problem coming back.
    thread: tuple[str, int]

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def dossier_record(self) -> tuple[str, int]:
        """The record a dossier holds for this text: a finding's visit, an answer's
        recommendation, else the text's own record."""
        return (str(DOSSIER_KINDS[self.kind]), self.record_pk)


@dataclass
class RadarGroup:
    members: list[RadarText]
    terms: list[str]
    districts: list[Territory] = field(default_factory=list)

    @property
    def since(self) -> dt.date:
        return min(member.on for member in self.members)

    @property
    def latest(self) -> dt.date:
        return max(member.on for member in self.members)

    @property
    def times(self) -> int:
        """How many separate times the problem was raised."""
        return len({member.thread for member in self.members})

    @property
    def dossier_records(self) -> list[tuple[str, int]]:
        """The records a dossier of this group holds, each once, the earliest first."""
        return list(dict.fromkeys(member.dossier_record for member in self.members))

    @property
    def dossier_query(self) -> str:
        """The group's records as the query of the page that gathers them into a dossier."""
        records = [("record", f"{kind}:{pk}") for kind, pk in self.dossier_records]
        return urlencode([*records, ("title", ", ".join(self.terms[:3]))])

    @property
    def petitions(self) -> list[RadarText]:
        return [member for member in self.members if member.kind == Kind.PETITION]


@dataclass
class Radar:
    groups: list[RadarGroup]
    compared: int
    left_out: int


def _local_date(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).date()
    return moment


def radar_texts(
    council: Council, *, since: dt.date, district_of: dict[int, Territory]
) -> tuple[list[RadarText], int]:
    """The council's texts from `since` on, newest first, at most `MAX_TEXTS`, and how many more
    there were. Four queries, one per kind, each of only the columns needed; `district_of` maps
    a territory to its district (`districts_within`)."""

    def district(territory_id: int | None) -> int | None:
        unit = district_of.get(territory_id) if territory_id is not None else None
        return unit.pk if unit is not None else None

    texts: list[RadarText] = []
    petitions = Petition.objects.filter(council=council, received_on__gte=since).values_list(
        "pk", "number", "subject", "text", "received_on", "territory_id",
        "petitioner_organisation__territory_id",
    )  # fmt: skip
    for pk, number, subject, text, received_on, territory_id, organisation_territory in petitions:
        texts.append(
            RadarText(
                Kind.PETITION, pk, pk, f"{number}: {subject}", f"{subject}\n{text}", received_on,
                district(territory_id or organisation_territory), ("petition", pk),
            )
        )  # fmt: skip
    findings = VisitFinding.objects.filter(
        visit__council=council, visit__visited_on__gte=since
    ).values_list("pk", "visit_id", "text", "visit__visited_on", "visit__site__territory_id")
    for pk, visit_id, text, visited_on, territory_id in findings:
        texts.append(
            RadarText(
                Kind.FINDING, pk, visit_id, _first_line(text), text, visited_on,
                district(territory_id), ("visit", visit_id),
            )
        )  # fmt: skip
    # A recommendation is dated by its sending, else by the meeting or visit it came from.
    recommendations = (
        Recommendation.objects.filter(council=council)
        .annotate(
            on=Coalesce(
                "sent_on",
                TruncDate("decision__agenda_item__meeting__starts_at"),
                "visit__visited_on",
                output_field=DateField(),
            )
        )
        .filter(on__gte=since)
        .values_list(
            "pk", "number", "text", "text_ru", "on", "addressee__territory_id", "visit_id"
        )
    )  # fmt: skip
    for pk, number, text, text_ru, on, territory_id, visit_id in recommendations:
        texts.append(
            RadarText(
                Kind.RECOMMENDATION, pk, pk, f"{number}: {_first_line(text)}",
                f"{text}\n{text_ru}", on, district(territory_id),
                _recommendation_thread(pk, visit_id),
            )
        )  # fmt: skip
    answers = RecommendationResponse.objects.filter(
        recommendation__council=council, submitted_at__date__gte=since
    ).values_list(
        "pk", "recommendation_id", F("recommendation__number"), "text", "submitted_at",
        "recommendation__addressee__territory_id", "recommendation__visit_id",
    )  # fmt: skip
    for pk, recommendation_id, number, text, submitted_at, territory_id, visit_id in answers:
        texts.append(
            RadarText(
                Kind.ANSWER, pk, recommendation_id, f"{number}: {_first_line(text)}", text,
                _local_date(submitted_at), district(territory_id),
                _recommendation_thread(recommendation_id, visit_id),
            )
        )  # fmt: skip
    texts.sort(key=lambda item: (item.on, item.kind, item.pk), reverse=True)
    return texts[:MAX_TEXTS], max(0, len(texts) - MAX_TEXTS)


def _recommendation_thread(pk: int, visit_id: int | None) -> tuple[str, int]:
    return ("visit", visit_id) if visit_id is not None else ("recommendation", pk)


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _normalised(text: str) -> str:
    return " ".join(WORD.findall(text.lower().replace("ё", "е")))


def group_texts(texts: Sequence[RadarText]) -> list[list[int]]:
    """Indexes of `texts` in groups of two or more alike texts, largest group first.

    Copies (a letter signed by many, a text pasted twice) are folded into one text before the
    weighing and the grouping, and unfolded after: ten copies of one petition would otherwise
    make its words look common and weigh ten times in every average, pulling the other texts of
    their problem away from them.
    """
    documents = [_normalised(item.text) for item in texts]
    distinct = sorted({document for document in documents if document})
    if len(distinct) < 2:
        return _with_copies(documents, dict.fromkeys(distinct, 0))
    vectors = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
    ).fit_transform(distinct)
    similarity = (vectors @ vectors.T).toarray()
    _count, copy_of = connected_components(similarity >= COPY_SIMILARITY, directed=False)
    first_of = {int(label): index for index, label in reversed(list(enumerate(copy_of)))}
    kept = sorted(first_of.values())
    if len(kept) < 2:
        return _with_copies(documents, dict.fromkeys(distinct, 0))
    distances = np.clip(1.0 - similarity[np.ix_(kept, kept)], 0.0, None)
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - SIMILARITY, criterion="distance")
    label_of_original = {index: int(label) for index, label in zip(kept, labels, strict=True)}
    return _with_copies(
        documents,
        {
            document: label_of_original[first_of[int(copy_of[index])]]
            for index, document in enumerate(distinct)
        },
    )


def _with_copies(documents: Sequence[str], group_of: dict[str, int]) -> list[list[int]]:
    """Every text's index in its group (by its normalised text's group); groups of two or more,
    largest first."""
    groups: dict[int, list[int]] = {}
    for index, document in enumerate(documents):
        if document:
            groups.setdefault(group_of[document], []).append(index)
    found = [members for members in groups.values() if len(members) >= 2]
    return sorted(found, key=lambda members: (-len(members), members[0]))


def _stems(text: str) -> dict[str, str]:
    """Each word stem of the text and the first form of it the text uses."""
    stems: dict[str, str] = {}
    for word in WORD.findall(text.lower().replace("ё", "е")):
        stem = word[:STEM_LETTERS]
        if stem not in COMMON_STEMS:
            stems.setdefault(stem, word)
    return stems


def shared_terms(
    members: Sequence[RadarText], document_frequency: Counter[str], limit: int = 6
) -> list[str]:
    """The words at least half of the group's texts (and at least two) contain, the rarest in
    the council's texts first; each shown in its most used form."""
    in_texts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for member in members:
        for stem, form in _stems(member.text).items():
            in_texts[stem] += 1
            forms.setdefault(stem, Counter())[form] += 1
    needed = max(2, (len(members) + 1) // 2)
    shared = [stem for stem, count in in_texts.items() if count >= needed]
    shared.sort(key=lambda stem: (-in_texts[stem], document_frequency[stem], stem))
    return [forms[stem].most_common(1)[0][0] for stem in shared[:limit]]


def council_radar(council: Council, *, since: dt.date) -> Radar:
    district_of = districts_within(council.territory_id)
    units = {unit.pk: unit for unit in district_of.values()}
    texts, left_out = radar_texts(council, since=since, district_of=district_of)
    document_frequency: Counter[str] = Counter()
    for item in texts:
        document_frequency.update(_stems(item.text).keys())
    groups = []
    for indexes in group_texts(texts):
        if len({texts[index].thread for index in indexes}) < 2:
            continue  # one raising and the answers to it
        members = sorted((texts[index] for index in indexes), key=lambda item: (item.on, item.pk))
        group_districts = {m.district_pk for m in members if m.district_pk is not None}
        groups.append(
            RadarGroup(
                members=members,
                terms=shared_terms(members, document_frequency),
                districts=sorted((units[pk] for pk in group_districts), key=lambda unit: unit.name),
            )
        )
    groups.sort(key=lambda group: (-group.times, -group.latest.toordinal()))
    return Radar(groups=groups, compared=len(texts), left_out=left_out)


def radar_petitions(radar: Radar) -> list[Any]:
    """The petitions the radar shows (they hold personal data: the page audits them)."""
    shown = {member.pk for group in radar.groups for member in group.petitions}
    return list(Petition.objects.filter(pk__in=shown).only("pk")) if shown else []
