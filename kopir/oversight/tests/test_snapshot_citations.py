"""Snapshots cited in the council's records: only the council's secretary attaches or removes one,
only while the record is not final, every change audited; the record's page shows the figures
(a recommendation's beside today's), and the minutes print them in Kazakh and Russian."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from docx import Document
from pypdf import PdfReader

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.tests.fixtures import signed_in
from kopir.council import models as m
from kopir.council.services import documents
from kopir.council.services.minutes import minutes_assemble
from kopir.council.tests.factories import CouncilFactory, LetterFactory
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import approve_minutes, send_recommendation
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.models import Snapshot, SnapshotAttachment
from kopir.oversight.snapshots.services import snapshot_attach, snapshot_detach
from kopir.oversight.tests.referrals import sent_referral
from kopir.oversight.tests.snapshots import save_snapshot

pytestmark = pytest.mark.django_db

IN_Q1 = dt.date(2026, 2, 2)
TITLE_KK = "Сырттай куәландыру, 2026 жылғы 1-тоқсан"
TITLE_RU = "Заочное освидетельствование, 1 квартал 2026 года"


@pytest.fixture
def clinic(db: None) -> Any:
    """A clinic that sent 12 referrals in the first quarter of 2026 (published: 10)."""
    clinic = OrganisationFactory(
        kind=OrganisationKind.MEDICAL, name_kk="Ақжайық емханасы", name_ru="Поликлиника Акжаик"
    )
    for _ in range(12):
        sent_referral(clinic, IN_Q1, due_on=dt.date(2026, 12, 31))
    return clinic


@pytest.fixture
def snapshot(secretary: Any, clinic: Any) -> Snapshot:
    return save_snapshot(secretary, organisation=clinic)


@pytest.fixture
def item(held_meeting: m.Meeting) -> m.AgendaItem:
    return held_meeting.agenda.get()


@pytest.fixture
def other_secretary(db: None) -> Any:
    other = CouncilFactory.create(slug="other-council")
    return UserFactory.create(organisation=other.organisation, roles=[Role.COUNCIL_SECRETARY])


def _cite(user: Any, target: str, pk: int, snapshot: Snapshot) -> Any:
    return signed_in(Client(), user).post(
        reverse("oversight:snapshot_cite", args=[target, pk]), {"snapshot": snapshot.pk}
    )


def test_the_secretary_cites_a_snapshot_in_an_agenda_item_audited(
    secretary: Any, item: m.AgendaItem, snapshot: Snapshot
) -> None:
    response = _cite(secretary, "agenda_item", item.pk, snapshot)
    attachment = SnapshotAttachment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/agenda/{item.pk}/#cited-figures")
    assert (attachment.agenda_item, attachment.snapshot, attachment.attached_by) == (
        item,
        snapshot,
        secretary,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        target_type="oversight.snapshotattachment",
        target_id=str(attachment.pk),
        actor=secretary,
    ).exists()
    page = signed_in(Client(), secretary).get(response["Location"]).content.decode()
    assert TITLE_KK in page
    assert "Figures cited" in page


@pytest.mark.parametrize("who", ["member", "other_secretary", "chair"])
def test_nobody_but_the_councils_secretary_cites(
    who: str,
    request: pytest.FixtureRequest,
    item: m.AgendaItem,
    recommendation: m.Recommendation,
    snapshot: Snapshot,
) -> None:
    user = request.getfixturevalue(who)
    assert _cite(user, "agenda_item", item.pk, snapshot).status_code == 403
    assert _cite(user, "recommendation", recommendation.pk, snapshot).status_code == 403
    with pytest.raises(AccessDenied):
        snapshot_attach(actor=user, snapshot=snapshot, record=item)
    assert not SnapshotAttachment.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(item: m.AgendaItem, snapshot: Snapshot) -> None:
    response = Client().post(
        reverse("oversight:snapshot_cite", args=["agenda_item", item.pk]), {"snapshot": snapshot.pk}
    )
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_removing_a_citation_before_the_record_is_final(
    secretary: Any, member: Any, recommendation: m.Recommendation, snapshot: Snapshot
) -> None:
    attachment = snapshot_attach(actor=secretary, snapshot=snapshot, record=recommendation)
    url = reverse("oversight:snapshot_uncite", args=[attachment.pk])
    assert signed_in(Client(), member).post(url).status_code == 403
    assert SnapshotAttachment.objects.filter(pk=attachment.pk).exists()

    assert signed_in(Client(), secretary).post(url).status_code == 302
    assert not SnapshotAttachment.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE,
        target_type="oversight.snapshotattachment",
        target_id=str(attachment.pk),
    ).exists()
    # The snapshot itself stays.
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_a_sent_recommendation_keeps_its_citations(
    secretary: Any, recommendation: m.Recommendation, snapshot: Snapshot
) -> None:
    attachment = snapshot_attach(actor=secretary, snapshot=snapshot, record=recommendation)
    sent = send_recommendation(recommendation, secretary)
    attachment.refresh_from_db()
    with pytest.raises(DomainError, match="This record is final"):
        snapshot_detach(actor=secretary, attachment=attachment)
    with pytest.raises(DomainError, match="This record is final"):
        snapshot_attach(actor=secretary, snapshot=save_snapshot(secretary), record=sent)
    response = signed_in(Client(), secretary).post(
        reverse("oversight:snapshot_uncite", args=[attachment.pk])
    )
    assert response.status_code == 302
    assert SnapshotAttachment.objects.filter(pk=attachment.pk).exists()


def test_an_agenda_item_is_final_once_its_minutes_are_locked(
    secretary: Any, chair: Any, item: m.AgendaItem, snapshot: Snapshot
) -> None:
    attachment = snapshot_attach(actor=secretary, snapshot=snapshot, record=item)
    minutes = minutes_assemble(actor=secretary, meeting=item.meeting)
    approve_minutes(minutes, chair=chair, secretary=secretary)
    with pytest.raises(DomainError, match="This record is final"):
        snapshot_detach(actor=secretary, attachment=attachment)


def test_a_letter_is_final_once_its_reply_is_recorded(
    secretary: Any, council: m.Council, snapshot: Snapshot
) -> None:
    letter = LetterFactory.create(council=council, sent_on=timezone.localdate())
    attachment = snapshot_attach(actor=secretary, snapshot=snapshot, record=letter)
    page = signed_in(Client(), secretary).get(
        reverse("council:letter_detail", args=[council.slug, letter.pk])
    )
    assert "Figures cited" in page.content.decode()
    m.LetterReply.objects.create(
        letter=letter, received_on=dt.date(2026, 6, 1), from_whom="Мәжіліс", summary="Жауап"
    )
    with pytest.raises(DomainError, match="This record is final"):
        snapshot_detach(actor=secretary, attachment=attachment)


def test_the_same_snapshot_is_cited_once_per_record(
    secretary: Any, item: m.AgendaItem, snapshot: Snapshot
) -> None:
    snapshot_attach(actor=secretary, snapshot=snapshot, record=item)
    with pytest.raises(DomainError, match="already cited"):
        snapshot_attach(actor=secretary, snapshot=snapshot, record=item)


def test_a_record_citing_every_snapshot_does_not_say_none_was_saved(
    secretary: Any, item: m.AgendaItem, snapshot: Snapshot
) -> None:
    # It said "No snapshot to cite yet: save one from a dashboard" under the one it cites.
    snapshot_attach(actor=secretary, snapshot=snapshot, record=item)
    url = reverse(
        "council:agenda_item_detail", args=[item.meeting.council.slug, item.meeting.pk, item.pk]
    )
    page = signed_in(Client(), secretary).get(url).content.decode()
    assert TITLE_KK in page
    assert "No snapshot to cite yet" not in page
    assert "Every snapshot saved is cited here already" in page


def test_the_recommendation_shows_the_figure_then_and_today_in_words(
    secretary: Any,
    recommendation: m.Recommendation,
    snapshot: Snapshot,
    clinic: Any,
    settings: Any,
) -> None:
    snapshot_attach(actor=secretary, snapshot=snapshot, record=recommendation)
    for _ in range(4):  # 12 → 16 referrals: published 10 → 15
        sent_referral(clinic, IN_Q1, due_on=dt.date(2026, 12, 31))
    page = signed_in(Client(), secretary).get(
        reverse(
            "council:recommendation_detail", args=[recommendation.council.slug, recommendation.pk]
        )
    )
    html = " ".join(page.content.decode().split())
    assert (
        '<th scope="row">Referrals sent</th><td class="numeric">10</td>'
        '<td class="numeric">15</td><td>Up by 5</td>'
    ) in html


def test_the_record_pages_read_a_fixed_number_of_queries(
    secretary: Any, item: m.AgendaItem, clinic: Any
) -> None:
    client = signed_in(Client(), secretary)
    url = reverse(
        "council:agenda_item_detail", args=[item.meeting.council.slug, item.meeting.pk, item.pk]
    )
    snapshot_attach(actor=secretary, snapshot=save_snapshot(secretary), record=item)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for period in ("2026", "2025", "2025-Q4"):
        snapshot_attach(
            actor=secretary, snapshot=save_snapshot(secretary, period=period), record=item
        )
    with CaptureQueriesContext(connection) as four:
        page = client.get(url)
    assert page.content.decode().count("cited-caption-") == 4 * 2  # each caption's id and label
    assert len(four) == len(one)


@pytest.mark.parametrize(
    ("lang", "title", "heading", "columns", "sent"),
    [
        (
            "kk",
            TITLE_KK,
            "Келтірілген көрсеткіштер",
            ["Көрсеткіш", "Мәні"],
            "Жіберілген жолдамалар",
        ),
        (
            "ru",
            TITLE_RU,
            "Приведённые показатели",
            ["Показатель", "Значение"],
            "Отправлено направлений",
        ),
    ],
)
def test_the_minutes_print_the_cited_figures(
    lang: str,
    title: str,
    heading: str,
    columns: list[str],
    sent: str,
    secretary: Any,
    item: m.AgendaItem,
    recommendation: m.Recommendation,
    snapshot: Snapshot,
) -> None:
    snapshot_attach(actor=secretary, snapshot=snapshot, record=item)
    snapshot_attach(actor=secretary, snapshot=snapshot, record=recommendation)
    minutes = minutes_assemble(actor=secretary, meeting=item.meeting)
    version = minutes.versions.order_by("-number").first()
    assert version is not None
    context = documents.document_context(minutes, version, lang)

    document = Document(io.BytesIO(documents.minutes_docx(context)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert heading in text
    assert title in text
    assert f"№ {recommendation.number}. {title}" in text
    figures = [t for t in document.tables if [c.text for c in t.rows[0].cells] == columns]
    assert len(figures) == 2  # the item's and the recommendation's
    rows = {row.cells[0].text: row.cells[1].text for row in figures[0].rows[1:]}
    assert rows[sent] == "10"  # 12 referrals, published as 10

    pdf = PdfReader(io.BytesIO(documents.minutes_pdf(context)))
    pdf_text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert heading in pdf_text
    assert title in pdf_text
    assert sent in pdf_text


def test_a_letter_cites_only_figures_saved_by_the_day_it_was_sent(
    secretary: Any, council: m.Council, snapshot: Snapshot
) -> None:
    """A snapshot saved in December was cited in a letter sent in May, and the annual report
    then listed it as the letter's basis: a letter cannot cite figures it did not have."""
    today = timezone.localdate(snapshot.saved_at)
    yesterday = today - dt.timedelta(days=1)
    letter = LetterFactory.create(council=council, sent_on=yesterday)
    client = signed_in(Client(), secretary)
    url = reverse("oversight:snapshot_cite", args=["letter", letter.pk])
    response = client.post(url, {"snapshot": snapshot.pk}, follow=True)
    assert not SnapshotAttachment.objects.exists()
    page = response.content.decode()
    sent = date_format(yesterday, "SHORT_DATE_FORMAT")
    assert f"after this record was sent on {sent}" in page
    # The page offers none to cite, and says why.
    assert f'value="{snapshot.pk}"' not in page
    assert f"It was sent on {sent}: it can cite only figures saved by that day" in page
    # A letter sent the day the figures were saved cites them.
    letter.sent_on = today
    letter.save()
    assert snapshot_attach(actor=secretary, snapshot=snapshot, record=letter).letter == letter
