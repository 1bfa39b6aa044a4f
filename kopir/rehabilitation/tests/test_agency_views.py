"""The executing organisation's pages: who gets in, the work list's filters, saved views and
keyset pages, the measure page, the action forms (a stale edit answers 409) and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from kopir.accounts.models import User
from kopir.audit.models import AuditEvent
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Organisation
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation.models import Measure, MeasureStatus, ProgrammePart
from kopir.rehabilitation.selectors.execution import Cursor, WorkFilter, page_queryset
from kopir.rehabilitation.tests.agency_fixtures import *  # noqa: F403
from kopir.rehabilitation.tests.agency_fixtures import escalated_measure, linked_measure

pytestmark = pytest.mark.django_db
S = MeasureStatus
LIST = "rehabilitation:agency_work_list"


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _rows(client: Any, query: str = "") -> list[int]:
    """Every measure id on every page of the list, following the "next" cursor."""
    seen: list[int] = []
    url = _url(LIST) + (f"?{query}" if query else "")
    for _page in range(100):
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        seen.extend(measure.pk for measure in page.rows)
        if not page.next_cursor:
            return seen
        separator = "&" if query else ""
        url = _url(LIST) + f"?{query}{separator}after={page.next_cursor}"
    raise AssertionError("the pages never ended")


# --- Who gets in ------------------------------------------------------------------------------


def test_the_officer_sees_the_measure_and_the_person_but_no_diagnosis(
    measure: Measure, officer: User
) -> None:
    response = signed_in(Client(), officer).get(_url("rehabilitation:agency_measure", measure.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert measure.person.last_name in page
    assert measure.person.iin in page
    referral = measure.programme.referral
    assert referral.primary_diagnosis.code not in page
    assert AuditEvent.objects.filter(
        action="view", target_type="rehabilitation.measure", target_id=str(measure.pk)
    ).exists()


def test_another_agency_gets_not_found_and_other_roles_are_refused(
    measure: Measure, other_officer: User, council_member: User, client: Any
) -> None:
    url = _url("rehabilitation:agency_measure", measure.pk)
    assert signed_in(Client(), other_officer).get(url).status_code == 404
    assert (
        signed_in(Client(), other_officer)
        .post(_url("rehabilitation:agency_accept", measure.pk))
        .status_code
        == 404
    )
    assert signed_in(Client(), council_member).get(url).status_code == 403
    assert signed_in(Client(), council_member).get(_url(LIST)).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous.headers["Location"]
    assert Measure.objects.get(pk=measure.pk).status == S.ASSIGNED


def test_a_list_shows_only_the_organisations_own_measures(
    measure: Measure, officer: User, other_agency: Organisation
) -> None:
    linked_measure(other_agency)
    assert _rows(signed_in(Client(), officer)) == [measure.pk]


# --- The work list: filters, saved views, keyset pages, query budget ------------------------


def test_filters_and_saved_views_narrow_the_list(agency: Organisation, officer: User) -> None:
    today = timezone.localdate()
    late = linked_measure(agency, due_on=today - dt.timedelta(days=2), overdue=True)
    mine = linked_measure(
        agency, due_on=today + dt.timedelta(days=40), officer=officer, status=S.ACCEPTED
    )
    risky = linked_measure(agency, due_on=today + dt.timedelta(days=2), at_risk=True)
    done = linked_measure(agency, status=S.DELIVERED)
    vocational = linked_measure(
        agency,
        due_on=today + dt.timedelta(days=60),
        line__measure_type__part=ProgrammePart.VOCATIONAL,
    )
    client = signed_in(Client(), officer)
    assert set(_rows(client)) == {late.pk, mine.pk, risky.pk, vocational.pk}
    assert _rows(client, "overdue=on") == [late.pk]
    assert _rows(client, "at_risk=on") == [risky.pk]
    assert _rows(client, f"officer={officer.pk}") == [mine.pk]
    assert _rows(client, "status=delivered") == [done.pk]
    assert _rows(client, "part=vocational") == [vocational.pk]
    assert _rows(client, f"measure={mine.measure_type.code}") == [mine.pk]
    assert _rows(client, f"territory={late.territory_id}") == [late.pk]
    week_end = today + dt.timedelta(days=6 - today.weekday())
    assert (
        risky.pk in _rows(client, f"due_from={today}&due_to={week_end}") or week_end < risky.due_on
    )
    assert late.pk not in _rows(client, f"due_from={today}&due_to={week_end}")
    # The saved views are links to these filters.
    page = client.get(_url(LIST)).content.decode()
    for query in (
        "overdue=on",
        f"officer={officer.pk}",
        "status=open",
        f"due_from={today.isoformat()}",
    ):
        assert query in page, query


def test_a_filter_that_makes_no_sense_names_the_field_and_lists_nothing(
    measure: Measure, officer: User
) -> None:
    response = signed_in(Client(), officer).get(
        _url(LIST) + "?due_from=2026-12-10&due_to=2026-12-01"
    )
    assert response.status_code == 200
    assert response.context["page"].rows == []
    assert "due_to" in response.context["form"].errors


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_due_date_range_message_names_the_fields_as_labelled(
    measure: Measure, officer: User, language: str
) -> None:
    """The message names both ends by the labels the person sees above the date fields."""
    with translation.override(language):
        response = signed_in(Client(), officer).get(
            _url(LIST) + "?due_from=2026-12-10&due_to=2026-12-01"
        )
        form = response.context["form"]
        message = " ".join(form.errors["due_to"]).lower()
        labels = [str(form.fields[name].label).lower() for name in ("due_from", "due_to")]
    for label in labels:
        assert f"«{label}»" in message


def test_keyset_pages_show_every_row_once_even_with_equal_due_dates(
    agency: Organisation, officer: User
) -> None:
    day = timezone.localdate() + dt.timedelta(days=10)
    expected = [linked_measure(agency, due_on=day + dt.timedelta(days=i % 3)).pk for i in range(60)]
    seen = _rows(signed_in(Client(), officer))
    assert len(seen) == 60
    assert sorted(seen) == sorted(expected)
    # In (due date, id) order: the index's order.
    keys = list(
        Measure.objects.filter(pk__in=seen).order_by("due_on", "id").values_list("pk", flat=True)
    )
    assert seen == keys


def test_a_deep_page_is_read_after_the_cursor_without_offset_or_count(
    agency: Organisation, officer: User
) -> None:
    for _i in range(30):
        linked_measure(agency)
    client = signed_in(Client(), officer)
    first = client.get(_url(LIST)).context["page"]
    with CaptureQueriesContext(connection) as queries:
        deep = client.get(_url(LIST) + f"?after={first.next_cursor}")
    assert not deep.context["is_filtered"]  # a later page of the same list, not a filter
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if "rehabilitation_measure" in q["sql"] and q["sql"].lstrip("(").startswith("SELECT")
    ]
    listing = [sql for sql in selects if "ORDER BY" in sql and '"due_on"' in sql]
    assert len(listing) == 1
    assert "OFFSET" not in listing[0]
    assert "COUNT(" not in " ".join(selects)


def test_the_work_list_reads_a_constant_number_of_queries(
    agency: Organisation, officer: User
) -> None:
    client = signed_in(Client(), officer)

    def queries_for(count: int) -> int:
        Measure.objects.all().delete()
        for _i in range(count):
            linked_measure(agency, officer=officer, status=S.ACCEPTED)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(LIST)).status_code == 200
        return len(captured)

    assert queries_for(5) == queries_for(50)


# --- Actions ----------------------------------------------------------------------------------


def test_the_officer_accepts_schedules_and_delivers_through_the_pages(
    measure: Measure, officer: User
) -> None:
    client = signed_in(Client(), officer)
    response = client.post(_url("rehabilitation:agency_accept", measure.pk), {"version": 1})
    assert response.status_code == 302
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        _url("rehabilitation:agency_schedule", measure.pk),
        {"version": 2, "scheduled_on": tomorrow.isoformat()},
    )
    assert response.status_code == 302
    # Missing evidence: each piece named on its field, nothing saved.
    response = client.post(_url("rehabilitation:agency_deliver", measure.pk), {"version": 3})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"delivered_on", "serial_number"}
    assert Measure.objects.get(pk=measure.pk).status == S.SCHEDULED
    response = client.post(
        _url("rehabilitation:agency_deliver", measure.pk),
        {"version": 3, "delivered_on": timezone.localdate().isoformat(), "serial_number": "SN-42"},
    )
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).status == S.DELIVERED


def test_the_delivery_form_marks_the_evidence_the_catalogue_requires(
    measure: Measure, officer: User
) -> None:
    """The date and the catalogue's evidence (here the serial number) are required fields, never
    "optional"; what the catalogue does not ask for is."""
    import re

    client = signed_in(Client(), officer)
    client.post(_url("rehabilitation:agency_accept", measure.pk), {"version": 1})
    page = client.get(_url("rehabilitation:agency_deliver", measure.pk)).content.decode()
    labels = dict(re.findall(r'<label class="label" for="id_(\w+)">(.*?)</label>', page, re.S))
    for name in ("delivered_on", "serial_number"):
        assert "optional" not in labels[name], labels[name]
        assert re.search(rf'name="{name}"[^>]*required', page), name
    for name in ("evidence_document", "supplier", "item_details"):
        assert "optional" in labels[name], labels[name]
    # Missing, each is named with the service's own words.
    response = client.post(_url("rehabilitation:agency_deliver", measure.pk), {"version": 2})
    errors = response.context["form"].errors
    assert errors["serial_number"] == ["Enter the serial number of the item delivered."]
    assert errors["delivered_on"] == ["Enter the date the measure was delivered."]


def test_a_stale_form_answers_409_keeps_the_input_and_overwrites_nothing(
    measure: Measure, officer: User
) -> None:
    client = signed_in(Client(), officer)
    client.post(_url("rehabilitation:agency_accept", measure.pk), {"version": 1})
    response = client.post(
        _url("rehabilitation:agency_not_delivered", measure.pk),
        {"version": 1, "reason": "other", "text": "Көшіп кетті", "confirm": "on"},
    )
    assert response.status_code == 409
    form = response.context["form"]
    assert form["text"].value() == "Көшіп кетті"
    assert form["version"].value() == "2"
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.status, stored.not_delivered_reason) == (S.ACCEPTED, "")


def test_not_delivered_and_redirect_ask_for_confirmation(
    measure: Measure, officer: User, other_agency: Organisation
) -> None:
    client = signed_in(Client(), officer)
    response = client.post(
        _url("rehabilitation:agency_not_delivered", measure.pk), {"version": 1, "reason": "refused"}
    )
    assert "confirm" in response.context["form"].errors
    response = client.post(
        _url("rehabilitation:agency_redirect", measure.pk),
        {"version": 1, "to_organisation": other_agency.pk, "reason": "Not ours."},
    )
    assert "confirm" in response.context["form"].errors
    assert Measure.objects.get(pk=measure.pk).organisation_id == officer.organisation_id


def test_after_a_redirect_the_old_owner_gets_404_and_the_new_owner_works_it(
    measure: Measure, officer: User, other_officer: User, other_agency: Organisation
) -> None:
    response = signed_in(Client(), officer).post(
        _url("rehabilitation:agency_redirect", measure.pk),
        {
            "version": 1,
            "to_organisation": other_agency.pk,
            "reason": "Карьера орталығының ісі.",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == _url(LIST)
    assert (
        signed_in(Client(), officer)
        .get(_url("rehabilitation:agency_measure", measure.pk))
        .status_code
        == 404
    )
    assert _rows(signed_in(Client(), officer)) == []
    page = signed_in(Client(), other_officer).get(_url("rehabilitation:agency_measure", measure.pk))
    assert page.status_code == 200
    assert "Карьера орталығының ісі." in page.content.decode()
    assert PersonLink.objects.filter(
        person=measure.person, organisation=other_agency, basis=LinkBasis.REHABILITATION
    ).exists()


# --- Exports ----------------------------------------------------------------------------------


@pytest.fixture
def hostile(agency: Organisation) -> Measure:
    """A person whose name and patronymic a spreadsheet would run as formulas."""
    measure = linked_measure(agency)
    person = measure.person
    person.last_name = '=HYPERLINK("http://example.test")'
    person.first_name = "+1"
    person.patronymic = ""
    person.save()
    return measure


def test_the_csv_export_neutralises_formulas_shows_no_diagnosis_and_is_audited(
    hostile: Measure, officer: User
) -> None:
    response = signed_in(Client(), officer).get(_url("rehabilitation:agency_export_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    person = rows[1][3]
    assert person.startswith("'=HYPERLINK")
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    # Personal data only as far as the list shows it: the name, not the IIN or the diagnosis.
    assert hostile.person.iin not in text
    assert hostile.programme.referral.primary_diagnosis.code not in text
    assert (
        AuditEvent.objects.filter(action="export", target_type="rehabilitation.measure").count()
        == 1
    )


def test_the_xlsx_export_neutralises_formulas_and_follows_the_filter(
    hostile: Measure, agency: Organisation, officer: User
) -> None:
    linked_measure(agency, status=S.DELIVERED)
    response = signed_in(Client(), officer).get(
        _url("rehabilitation:agency_export_xlsx") + "?status=open"
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 2
    for row in rows:
        for cell in row:
            assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@"))), cell
    assert rows[1][3].startswith("'=HYPERLINK")
    assert AuditEvent.objects.filter(action="export", detail__contains="xlsx").count() == 1


def test_the_exports_carry_the_escalation_and_the_dispute_the_list_shows(
    agency: Organisation, officer: User
) -> None:
    """Beside "Overdue", the list tags how far a measure was escalated and filters those the
    person disputed: the files say both, in the list's words."""
    escalated = escalated_measure(agency, 2)
    disputed = linked_measure(agency, status=S.ACCEPTED, dispute_count=1)
    plain = linked_measure(agency, status=S.ACCEPTED)
    client = signed_in(Client(), officer)
    response = client.get(_url("rehabilitation:agency_export_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    csv_rows = list(csv.reader(io.StringIO(text)))
    response = client.get(_url("rehabilitation:agency_export_xlsx"))
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    xlsx_rows = [
        ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    for rows in (csv_rows, xlsx_rows):
        header = rows[0]
        escalation = header.index("Escalation")
        dispute = header.index("Disputed by the person")
        by_id = {int(row[0]): row for row in rows[1:]}
        assert by_id[escalated.pk][escalation] == "Escalated, level 2"
        assert by_id[disputed.pk][dispute] == "Yes"
        assert by_id[escalated.pk][dispute] == ""
        assert (by_id[plain.pk][escalation], by_id[plain.pk][dispute]) == ("", "")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.parametrize("work", [WorkFilter(), WorkFilter(overdue=True)], ids=["open", "overdue"])
def test_the_indexes_serve_each_page_in_order_without_a_sort(
    agency: Organisation, work: WorkFilter
) -> None:
    for _i in range(3):
        linked_measure(agency)
    rows = page_queryset(agency.pk, work, Cursor(timezone.localdate(), 1), 26)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # A tiny table is cheaper to scan; the question is whether the index can serve the page.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index = "measure_overdue_idx" if work.overdue else "measure_work_idx"
    assert f"Index Scan using {index}" in plan, plan
    assert "ROW(due_on, id) > ROW(" in plan, plan
    assert "Sort  (" not in plan, plan


def test_htmx_gets_the_results_alone_and_a_history_restore_the_whole_page(
    measure: Measure, officer: User
) -> None:
    client = signed_in(Client(), officer)
    fragment = client.get(_url(LIST) + "?overdue=on", HTTP_HX_REQUEST="true")
    assert "<h1>" not in fragment.content.decode()
    assert "<table" not in fragment.content.decode()  # nothing overdue: the empty state
    assert "HX-Request" in fragment.headers["Vary"]
    whole = client.get(_url(LIST), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<h1>" in whole.content.decode()


def test_an_export_with_filters_that_make_no_sense_has_no_rows(
    measure: Measure, officer: User
) -> None:
    response = signed_in(Client(), officer).get(
        _url("rehabilitation:agency_export_csv") + "?due_from=2026-12-10&due_to=2026-12-01"
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert len(list(csv.reader(io.StringIO(text)))) == 1  # the header alone


def test_the_filtered_fragment_carries_downloads_of_the_filtered_list(
    measure: Measure, agency: Organisation, officer: User
) -> None:
    """The filters are applied by swapping the results: the downloads are in them, with the
    filters (not the cursor of the page shown), so they export what the screen shows."""
    overdue = linked_measure(agency)
    Measure.objects.filter(pk=overdue.pk).update(overdue=True)
    client = signed_in(Client(), officer)
    fragment = client.get(
        _url(LIST) + "?overdue=on&after=2000-01-01,1", HTTP_HX_REQUEST="true"
    ).content.decode()
    csv_url = _url("rehabilitation:agency_export_csv") + "?overdue=on"
    assert f'href="{csv_url}"' in fragment
    assert f'href="{_url("rehabilitation:agency_export_xlsx")}?overdue=on"' in fragment
    response = client.get(csv_url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert [int(row[0]) for row in rows[1:]] == [overdue.pk]
