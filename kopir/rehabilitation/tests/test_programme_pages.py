"""The MSE division's programme pages: who gets in (insider, other division 404, clinic, agency,
council member, anonymous), editing and approving through the pages, the query budget of the
list, the audit of each read, and the approved programme's documents in Kazakh and Russian."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditEvent
from kopir.core.tests.fixtures import signed_in
from kopir.people.models import LinkBasis
from kopir.people.tests.fixtures import linked_person
from kopir.rehabilitation.models import Measure, ProgrammeVersionStatus, RoutingRule
from kopir.rehabilitation.models.catalogue import quantity_text
from kopir.rehabilitation.services import documents
from kopir.rehabilitation.services.approval import programme_approve
from kopir.rehabilitation.services.programme import programme_line_update
from kopir.rehabilitation.tests.fixtures import decided_case, line_added

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"rehabilitation:{name}", kwargs=kwargs)


def test_who_opens_a_programme(
    draft, head, experts, other_division_staff, clinician, agency_officer
):
    programme = draft.programme
    assert programme.referral.route == "in_absentia"
    detail = url("programme_detail", pk=programme.pk)
    member = UserFactory.create(roles=[Role.COUNCIL_MEMBER])
    shown = signed_in(Client(), head).get(detail)
    assert shown.status_code == 200
    assert programme.person.full_name in shown.content.decode()
    # An expert of the depersonalised case works on the programme without the person's name.
    hidden = signed_in(Client(), experts[0]).get(detail)
    assert hidden.status_code == 200
    assert programme.person.full_name not in hidden.content.decode()
    assert programme.person.iin not in hidden.content.decode()
    assert (
        programme.person.full_name
        not in signed_in(Client(), experts[0]).get(url("programme_list")).content.decode()
    )
    assert signed_in(Client(), other_division_staff).get(detail).status_code == 404
    for outsider in (clinician, agency_officer, member):
        assert signed_in(Client(), outsider).get(detail).status_code == 403
        assert signed_in(Client(), outsider).get(url("programme_list")).status_code == 403
    assert Client().get(detail).status_code == 302
    views = AuditEvent.objects.filter(action="view", detail__contains=programme.number)
    assert (
        views.filter(target_id=str(programme.person_id), target_type="people.person").count() == 1
    )
    assert views.filter(target_type="rehabilitation.programme").get().actor == experts[0]


def test_the_division_edits_and_approves_through_the_pages(draft, head):
    programme = draft.programme
    client = signed_in(Client(), head)
    line = draft.lines.get(measure_type__code="wheelchair")
    edit = url("programme_line_edit", pk=programme.pk, line_pk=line.pk)
    page = client.get(edit).content.decode()
    assert "Suggested because" in page
    refused = client.post(edit, {"version": draft.version, "quantity": "5", "details": ""})
    assert refused.status_code == 200
    assert "at most 1" in refused.content.decode()
    saved = client.post(
        edit, {"version": draft.version, "quantity": "1", "details": "Seat width 42 cm"}
    )
    assert saved.status_code == 302
    line.refresh_from_db()
    assert line.details == "Seat width 42 cm"
    stale = client.post(edit, {"version": draft.version, "quantity": "1", "details": "lost"})
    assert stale.status_code == 409
    draft.refresh_from_db()
    response = client.post(url("programme_approve", pk=programme.pk), {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ProgrammeVersionStatus.APPROVED
    assert Measure.objects.filter(programme=programme).count() == draft.lines.count()
    page = client.get(url("programme_detail", pk=programme.pk)).content.decode()
    assert "Seat width 42 cm" in page
    # Nothing left to edit: the draft's pages are gone.
    assert client.get(edit).status_code == 404


def test_the_division_adds_and_removes_a_line_through_the_pages(draft, head):
    programme = draft.programme
    client = signed_in(Client(), head)
    detail = url("programme_detail", pk=programme.pk)
    line = draft.lines.get(measure_type__code="wheelchair")
    measure_type = line.measure_type
    remove = url("programme_line_delete", pk=programme.pk, line_pk=line.pk)
    assert client.get(remove).status_code == 200
    assert client.post(remove, {"version": draft.version + 1}).status_code == 409
    removed = client.post(remove, {"version": draft.version})
    assert (removed.status_code, removed["Location"]) == (302, detail)
    assert not draft.lines.filter(pk=line.pk).exists()
    draft.refresh_from_db()
    add = url("programme_line_create", pk=programme.pk)
    assert client.get(add).status_code == 200
    data = {"measure_type": measure_type.pk, "quantity": "1", "details": "Folding"}
    assert client.post(add, {**data, "version": draft.version + 1}).status_code == 409
    added = client.post(add, {**data, "version": draft.version})
    assert (added.status_code, added["Location"]) == (302, detail)
    assert draft.lines.get(measure_type=measure_type).details == "Folding"


def test_the_list_reads_a_constant_number_of_queries(
    clinician, clinic, district, person, head, experts, executors, django_assert_max_num_queries
):
    decided_case(clinician, person, head, experts)
    client = signed_in(Client(), head)
    client.get(url("programme_list"))  # warm the session and the menu
    with django_assert_max_num_queries(14) as first:
        client.get(url("programme_list"))
    for _index in range(3):
        someone = linked_person(clinic, LinkBasis.ATTACHED, territory=district)
        decided_case(clinician, someone, head, experts)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url("programme_list"))
    assert response.content.decode().count("IRP-") >= 4


def test_the_list_pages_and_filters_by_status_and_the_head_counts_the_drafts(
    clinician, clinic, district, person, head, experts, executors, monkeypatch
):
    from kopir.rehabilitation.selectors import home
    from kopir.rehabilitation.selectors import programme as programme_selectors

    monkeypatch.setattr(programme_selectors, "PER_PAGE", 2)
    decided_case(clinician, person, head, experts)
    for _index in range(2):
        someone = linked_person(clinic, LinkBasis.ATTACHED, territory=district)
        decided_case(clinician, someone, head, experts)
    client = signed_in(Client(), head)
    first = client.get(url("programme_list")).content.decode()
    assert first.count("IRP-") == 2
    assert "?page=2" in first
    assert client.get(url("programme_list") + "?page=2").content.decode().count("IRP-") == 1
    # Every programme is a draft: none is in force yet.
    drafts = client.get(url("programme_list") + "?status=draft&page=2").content.decode()
    assert drafts.count("IRP-") == 1
    in_force = client.get(url("programme_list") + "?status=approved").content.decode()
    assert "IRP-" not in in_force
    assert "No programmes match the filter" in in_force
    # The head's home page counts the drafts to approve and opens that list.
    item = next(i for i in home.home_items() if i.key == "rehabilitation.programmes_draft")
    assert item.allowed(head)
    assert not item.allowed(experts[0])
    assert item.count(head) == 3
    assert item.url(head) == url("programme_list") + "?status=draft"
    assert "Draft programmes awaiting approval" in client.get("/en/").content.decode()


def _text_of_pdf(body: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return " ".join(text.split())  # lines wrap anywhere in a PDF


def _text_of_docx(body: bytes) -> str:
    document = Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_approved_programme_as_pdf_and_docx_in_kazakh_and_russian(draft, head, experts):
    programme_approve(actor=head, programme_version=draft, expected_version=draft.version)
    client = signed_in(Client(), head)
    texts = {}
    for lang in ("kk", "ru"):
        for extension, read in (("pdf", _text_of_pdf), ("docx", _text_of_docx)):
            response = client.get(
                url(
                    "programme_document",
                    pk=draft.programme.pk,
                    sequence=draft.sequence,
                    lang=lang,
                    extension=extension,
                )
            )
            assert response.status_code == 200
            assert (
                f"{draft.programme.number}-v1-{lang}.{extension}" in response["Content-Disposition"]
            )
            texts[(lang, extension)] = read(response.content)
    for extension in ("pdf", "docx"):
        russian, kazakh = texts[("ru", extension)], texts[("kk", extension)]
        assert "Индивидуальная программа абилитации и реабилитации" in russian
        assert "Социальная реабилитация" in russian
        assert "Кресло-коляска" in russian
        assert "Индивидуальная программа" not in kazakh
        assert "Арбакресло" in kazakh
        assert draft.programme.person.iin in russian
        assert draft.programme.person.iin in kazakh
    # The documents name the person: not for the expert of an in-absentia case.
    expert_url = url(
        "programme_document", pk=draft.programme.pk, sequence=1, lang="ru", extension="pdf"
    )
    assert signed_in(Client(), experts[0]).get(expert_url).status_code == 403
    # A draft is not a document anyone is given.
    draft_url = url(
        "programme_document", pk=draft.programme.pk, sequence=9, lang="ru", extension="pdf"
    )
    assert client.get(draft_url).status_code == 404


def test_the_programme_page_links_its_timeline(draft, head):
    programme = draft.programme
    page = signed_in(Client(), head).get(url("programme_detail", pk=programme.pk))
    timeline = url("programme_timeline", programme_id=programme.pk)
    assert f'href="{timeline}"' in page.content.decode()
    assert signed_in(Client(), head).get(timeline).status_code == 200


def test_the_approval_page_names_the_organisation_routing_will_choose(draft, head, executors):
    programme = draft.programme
    approve = url("programme_approve", pk=programme.pk)
    line = draft.lines.select_related("measure_type").get(measure_type__code="wheelchair")
    chosen = executors[line.measure_type.executor_kind]
    page = signed_in(Client(), head).get(approve).content.decode()
    assert f"{chosen.name} (chosen by its routing rule)" in page
    assert "No routing rule covers" not in page
    RoutingRule.objects.filter(executor_kind=line.measure_type.executor_kind).delete()
    page = signed_in(Client(), head).get(approve).content.decode()
    assert "No routing rule covers where the person lives" in page


def test_a_measure_without_quantity_offers_no_quantity_field(draft, head):
    programme = draft.programme
    measure_type = draft.catalogue.measure_types.get(code="vocational-guidance")
    line = line_added(head, draft, measure_type)
    draft.refresh_from_db()
    client = signed_in(Client(), head)
    edit = url("programme_line_edit", pk=programme.pk, line_pk=line.pk)
    page = client.get(edit).content.decode()
    assert 'name="quantity"' not in page
    saved = client.post(edit, {"version": draft.version, "details": "Mornings only"})
    assert saved.status_code == 302
    line.refresh_from_db()
    assert (line.quantity, line.details) == (None, "Mornings only")
    counted = draft.lines.get(measure_type__code="wheelchair")
    assert (
        'name="quantity"'
        in client.get(
            url("programme_line_edit", pk=programme.pk, line_pk=counted.pk)
        ).content.decode()
    )


@pytest.mark.parametrize(
    ("lang", "quantity", "unit", "expected"),
    [
        ("ru", "1", "courses", "1 курс"),
        ("ru", "3", "courses", "3 курса"),
        ("ru", "5", "items", "5 штук"),
        ("ru", "1.5", "hours_day", "1,5 часа в день"),
        ("kk", "1", "items", "1 дана"),
        ("en", "1", "courses", "1 course"),
        ("en", "10", "days", "10 days"),
    ],
)
def test_a_quantity_reads_with_its_unit_in_the_right_plural(lang, quantity, unit, expected):
    with translation.override(lang):
        assert quantity_text(Decimal(quantity), unit) == expected


def test_the_pdf_keeps_each_row_on_one_page(draft, head):
    programme_approve(actor=head, programme_version=draft, expected_version=draft.version)
    context = documents.document_context(draft, "ru")
    html = render_to_string("rehabilitation/programme/document.html", context)
    assert "tr { break-inside: avoid" in html
    # The part's heading is said once, not again as the table's caption.
    assert "<caption" not in html
    # In the DOCX too: every row but the repeated header row is kept on one page.
    document = Document(io.BytesIO(documents.programme_docx(context)))
    rows = [row for table in document.tables for row in table.rows[1:]]
    assert rows
    assert all("w:cantSplit" in row._tr.xml for row in rows)


def test_the_catalogues_reference_texts_read_in_the_pages_language(draft, head):
    line = draft.lines.select_related("suggested_by").get(measure_type__code="wheelchair")
    rule = line.suggested_by
    assert rule is not None
    assert (rule.reason_kk, rule.reason_ru) != ("", "")
    client = signed_in(Client(), head)
    for lang, reason in (("kk", rule.reason_kk), ("ru", rule.reason_ru), ("en", rule.reason)):
        with translation.override(lang):
            page = client.get(url("programme_detail", pk=draft.programme.pk)).content.decode()
            edit = url("programme_line_edit", pk=draft.programme.pk, line_pk=line.pk)
            form = client.get(edit).content.decode()
        assert reason in page
        assert reason in form


def test_a_measures_details_have_a_russian_half_for_the_russian_programme(draft, head):
    """Each language's IRP shows its own half of the details; a half not entered is marked so
    in the Russian one, as the council's documents mark a missing text."""
    first, second = list(draft.lines.order_by("position", "id"))[:2]
    client = signed_in(Client(), head)
    form_page = client.get(url("programme_line_edit", pk=draft.programme.pk, line_pk=first.pk))
    assert 'name="details_ru"' in form_page.content.decode()
    response = client.post(
        url("programme_line_edit", pk=draft.programme.pk, line_pk=first.pk),
        {
            "version": draft.version,
            "quantity": first.quantity or "",
            "details": "40 ұяшық; қазақ және орыс Брайль жазуы",
            "details_ru": "40 ячеек; казахский и русский шрифт Брайля",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.details_ru == "40 ячеек; казахский и русский шрифт Брайля"
    draft.refresh_from_db()
    programme_line_update(
        actor=head,
        line=second,
        expected_version=draft.version,
        quantity=second.quantity,
        details="Оң құлаққа",
    )
    draft.refresh_from_db()
    programme_approve(actor=head, programme_version=draft, expected_version=draft.version)
    russian = documents.document_context(draft, "ru")
    kazakh = documents.document_context(draft, "kk")
    russian_details = [row["details"] for part in russian["parts"] for row in part["rows"]]
    kazakh_details = [row["details"] for part in kazakh["parts"] for row in part["rows"]]
    assert "40 ячеек; казахский и русский шрифт Брайля" in russian_details
    assert "40 ұяшық; қазақ және орыс Брайль жазуы" not in russian_details
    assert "[текст на русском языке не введён]" in russian_details
    assert "40 ұяшық; қазақ және орыс Брайль жазуы" in kazakh_details
    assert "Оң құлаққа" in kazakh_details
