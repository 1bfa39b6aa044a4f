"""The MSE division's queue: ordered by the step's deadline, keyset pages, filters, scoping, and a
query count that does not grow with the number of referrals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kopir.assessment.models import ReferralStatus, Route
from kopir.assessment.selectors.queue import (
    DIVISION_STATUSES,
    Cursor,
    QueueFilters,
    _page_queryset,
    _roman_order,
    division_queue,
    queue_chapters,
    queue_clinics,
)
from kopir.assessment.tests.factories import Icd10CodeFactory, ReferralFactory
from kopir.core.tests.fixtures import signed_in
from kopir.core.tests.plans import index_plan
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
S = ReferralStatus
TODAY = dt.date(2026, 12, 9)  # a Wednesday


def received(division, due, status=S.SENT, **overrides):
    return ReferralFactory.create(
        mse_division=division,
        status=status,
        step_due_on=due,
        first_sent_at=timezone.now(),
        **overrides,
    )


def numbers(page):
    return [row.referral.number for row in page.rows]


def test_the_queue_puts_the_nearest_deadline_first_and_undated_steps_last(division):
    later = received(division, TODAY + dt.timedelta(days=5))
    undated = received(division, None, status=S.ACCEPTED)
    first = received(division, TODAY - dt.timedelta(days=2))
    same_day = received(division, TODAY - dt.timedelta(days=2))

    page = division_queue(division_id=division.pk, filters=QueueFilters(), today=TODAY)

    assert numbers(page) == [first.number, same_day.number, later.number, undated.number]


def test_keyset_pages_cover_the_queue_once_each_even_when_it_changes_between_pages(division):
    referrals = [received(division, TODAY + dt.timedelta(days=i % 4)) for i in range(7)]

    seen: list[str] = []
    page = division_queue(division_id=division.pk, filters=QueueFilters(), limit=3, today=TODAY)
    seen += numbers(page)
    # A referral due earlier than the cursor arrives meanwhile: it must not shift the next page.
    received(division, TODAY - dt.timedelta(days=10))
    while page.next_cursor:
        page = division_queue(
            division_id=division.pk,
            filters=QueueFilters(),
            after=Cursor.parse(page.next_cursor),
            limit=3,
            today=TODAY,
        )
        seen += numbers(page)

    assert sorted(seen) == sorted(r.number for r in referrals)
    assert len(seen) == len(set(seen))


def test_a_malformed_cursor_starts_from_the_beginning():
    assert Cursor.parse("yesterday,x") is None
    assert Cursor.parse("") is None
    assert Cursor.parse("2026-12-09,17") == Cursor(dt.date(2026, 12, 9), 17)


def test_drafts_other_divisions_and_finished_referrals_stay_out_of_the_default_queue(
    division, other_division
):
    mine = received(division, TODAY)
    received(other_division, TODAY)
    ReferralFactory.create(mse_division=division, status=S.DRAFT)  # never sent
    received(division, None, status=S.NOTIFIED)

    page = division_queue(division_id=division.pk, filters=QueueFilters(), today=TODAY)

    assert numbers(page) == [mine.number]


def test_the_queue_filters_by_status_clinic_diagnosis_group_route_and_overdue(division):
    clinic = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    hearing = Icd10CodeFactory.create(code="H90.3", chapter="VIII", title_en="Hearing loss")
    overdue = received(division, TODAY - dt.timedelta(days=1))
    from_clinic = received(division, TODAY, medical_organisation=clinic)
    by_chapter = received(division, TODAY, primary_diagnosis=hearing)
    in_person = received(division, TODAY, route=Route.IN_PERSON)
    with_experts = received(division, TODAY, status=S.ASSIGNED)

    def run(**filters):
        return set(
            numbers(
                division_queue(
                    division_id=division.pk, filters=QueueFilters(**filters), today=TODAY
                )
            )
        )

    assert run(overdue=True) == {overdue.number}
    assert run(clinic_id=clinic.pk) == {from_clinic.number}
    assert run(chapter="VIII") == {by_chapter.number}
    assert run(route=Route.IN_PERSON) == {in_person.number}
    assert run(statuses=(S.ASSIGNED,)) == {with_experts.number}


def test_the_queue_page_shows_the_division_its_referrals_with_deadline_words(
    client, division, specialist
):
    overdue = received(division, timezone.localdate() - dt.timedelta(days=3))

    response = signed_in(client, specialist).get(reverse("assessment:division_queue"))

    body = response.content.decode()
    assert response.status_code == 200
    assert overdue.number in body
    assert "Overdue" in body or "Мерзімі" in body or "tag--bad" in body


def test_the_queue_page_filters_through_the_address_and_answers_htmx_with_the_results_only(
    client, division, specialist
):
    in_person = received(division, TODAY, route=Route.IN_PERSON)
    in_absentia = received(division, TODAY)
    url = reverse("assessment:division_queue") + "?status=open&route=in_person"

    response = signed_in(client, specialist).get(url, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert in_person.number in body
    assert in_absentia.number not in body
    assert "<h1>" not in body
    assert response["Vary"].count("HX-Request") == 1


def test_another_divisions_staff_see_an_empty_queue_and_get_404_on_its_referrals(
    client, division, other_division_staff
):
    referral = received(division, TODAY)
    signed_in(client, other_division_staff)

    queue = client.get(reverse("assessment:division_queue"))

    assert referral.number not in queue.content.decode()
    for name in ("division_case", "division_timeline", "division_return", "division_assign"):
        assert client.get(reverse(f"assessment:{name}", args=[referral.pk])).status_code == 404


def test_a_clinician_is_refused_the_division_pages_and_a_visitor_is_sent_to_sign_in(
    client, division, clinician
):
    referral = received(division, TODAY)
    pages = [
        reverse("assessment:division_queue"),
        reverse("assessment:division_queue_export"),
        reverse("assessment:division_case", args=[referral.pk]),
        reverse("assessment:division_timeline", args=[referral.pk]),
        reverse("assessment:division_return", args=[referral.pk]),
        reverse("assessment:division_assign", args=[referral.pk]),
        reverse("assessment:division_decide", args=[referral.pk]),
        reverse("assessment:division_appeal", args=[referral.pk]),
        reverse("assessment:expert_worklist"),
        reverse("assessment:appeal_list"),
    ]
    for url in pages:
        assert signed_in(client, clinician).get(url).status_code == 403, url
    client.logout()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))


def test_only_the_head_assigns_experts_and_records_decisions(client, division, specialist, head):
    referral = received(division, TODAY, status=S.ACCEPTED)

    for name in ("division_assign", "division_decide"):
        url = reverse(f"assessment:{name}", args=[referral.pk])
        assert signed_in(client, specialist).get(url).status_code == 403
        assert signed_in(client, head).get(url).status_code == 200


def test_the_queue_page_costs_the_same_number_of_queries_for_3_and_for_30_referrals(
    client, division, specialist
):
    signed_in(client, specialist)
    url = reverse("assessment:division_queue")
    for _ in range(3):
        received(division, TODAY)
    client.get(url)  # warm the session and the calendar
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(27):
        received(division, TODAY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count("<tr>") == 26  # 25 rows and the header
    assert len(many) == len(few)
    assert len(many) <= 12


def test_the_csv_export_lists_the_filtered_queue_and_is_audited(client, division, specialist):
    from kopir.audit.models import AuditAction, AuditEvent

    referral = received(division, TODAY)

    response = signed_in(client, specialist).get(reverse("assessment:division_queue_export"))

    assert response["Content-Type"].startswith("text/csv")
    # Excel reads a CSV as UTF-8 only after the byte-order mark (else Kazakh comes out garbled).
    body = response.getvalue()
    assert body.startswith("\ufeff".encode())
    header, row = body.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("Number,")
    assert row.startswith(referral.number + ",")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=specialist).exists()


def test_the_csv_export_makes_a_clinic_name_a_spreadsheet_would_run_as_a_formula_inert(
    client, division, specialist
):
    clinic = OrganisationFactory.create(
        kind=OrganisationKind.MEDICAL, short_name_kk="=HYPERLINK(1)", short_name_ru="=HYPERLINK(1)"
    )
    received(division, TODAY, medical_organisation=clinic)

    response = signed_in(client, specialist).get(reverse("assessment:division_queue_export"))

    row = response.getvalue().decode("utf-8-sig").splitlines()[1]
    assert row.split(",")[1] == "'=HYPERLINK(1)"


def test_pages_of_several_statuses_merge_in_deadline_order_with_ties_broken_by_id(division):
    # Two statuses, the same deadlines: each page is read per status and merged (PostgreSQL).
    referrals = [
        received(division, TODAY + dt.timedelta(days=i % 2), status=(S.SENT, S.ASSIGNED)[i % 3 % 2])
        for i in range(9)
    ]
    undated = received(division, None, status=S.ACCEPTED)
    seen: list[str] = []
    after = None
    while True:
        page = division_queue(
            division_id=division.pk, filters=QueueFilters(), after=after, limit=2, today=TODAY
        )
        seen += numbers(page)
        if not page.next_cursor:
            break
        after = Cursor.parse(page.next_cursor)
    expected = sorted(referrals, key=lambda r: (r.step_due_on, r.pk))
    assert seen == [r.number for r in expected] + [undated.number]


def test_the_filter_offers_the_clinics_that_sent_to_this_division_and_the_classifiers_chapters(
    division, other_division
):
    mine = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    elsewhere = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    received(division, TODAY, medical_organisation=mine)
    received(other_division, TODAY, medical_organisation=elsewhere)
    ReferralFactory.create(mse_division=division, status=S.DRAFT, medical_organisation=elsewhere)
    Icd10CodeFactory.create(code="H90.3", chapter="VIII")
    Icd10CodeFactory.create(code="F70", chapter="V")
    Icd10CodeFactory.create(code="Q90.9", chapter="XVII")

    assert set(queue_clinics(division.pk)) == {mine}
    chapters = queue_chapters(division.pk)
    assert {"V", "VIII", "XVII"} <= set(chapters)
    assert chapters == sorted(chapters, key=lambda c: _roman_order(c))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.parametrize(
    "filters",
    [QueueFilters(), QueueFilters(overdue=True), QueueFilters(statuses=DIVISION_STATUSES)],
    ids=["open", "overdue", "all"],
)
def test_the_queue_index_serves_each_page_in_order_without_a_sort(division, filters) -> None:
    for day in range(3):
        received(division, TODAY + dt.timedelta(days=day))
    plan = index_plan(_page_queryset(division.pk, filters, TODAY, Cursor(TODAY, 1), 26))
    assert "Index Scan using referral_queue_due_idx" in plan, plan
    assert "ROW(queue_due_on, id) > ROW(" in plan, plan
    # Only the merge of the per-status branches may sort, and only their few rows each.
    assert "Sort  (" not in plan.split("Merge Append")[-1], plan


def test_the_chapter_filter_names_each_chapter_by_its_codes_and_title_in_the_readers_language():
    from django.utils import translation

    from kopir.assessment.forms_division import QueueFilterForm

    def offered(language: str) -> dict[str, str]:
        with translation.override(language):
            form = QueueFilterForm(clinics=[], chapters=["VII", "XXX"])
            return {value: str(label) for value, label in form.fields["chapter"].choices}  # type: ignore[attr-defined]

    assert offered("kk")["VII"] == "VII, H00–H59: Көз және оның қосалқы аппаратының аурулары"
    assert offered("ru")["VII"] == "VII, H00–H59: Болезни глаза и его придаточного аппарата"
    assert offered("en")["VII"] == "VII, H00–H59: Diseases of the eye and adnexa"
    assert offered("en")["XXX"] == "Chapter XXX"  # one the classification does not name
