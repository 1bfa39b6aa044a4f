"""The clinic's pages: work list, referral form, referral page, sending, documents — each for an
insider, another clinic's user and an anonymous visitor."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import Referral, ReferralStatus, Route, RuleSetStatus
from kopir.assessment.services.referrals import referral_send
from kopir.assessment.tests.clinic_fixtures import (
    complete_vision_referral,
    days_ago,
    make_referral,
)
from kopir.assessment.tests.helpers import en_url, url
from kopir.assessment.workflow import referral_transition
from kopir.directory.models import TerritoryLevel
from kopir.directory.tests.factories import TerritoryFactory
from kopir.people.models import LinkBasis
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory
from kopir.people.tests.fixtures import linked_person

pytestmark = pytest.mark.usefixtures("icd10", "demo_rules")
S = ReferralStatus


# --- Work list -------------------------------------------------------------------------------------


def test_the_work_list_shows_returned_first_then_drafts_then_the_rest(client, clinician, person):
    sent = referral_send(
        actor=clinician,
        referral=(r := complete_vision_referral(clinician, person)),
        expected_version=r.version,
    )
    draft = make_referral(clinician, person)
    returned = referral_send(
        actor=clinician,
        referral=(r2 := complete_vision_referral(clinician, person)),
        expected_version=r2.version,
    )
    returned = referral_transition(
        referral=returned, to_status=S.RETURNED, actor=None, expected_version=returned.version
    )
    client.force_login(clinician)

    response = client.get(en_url("clinic_list"))

    assert response.status_code == 200
    assert [row.referral.pk for row in response.context["rows"]] == [returned.pk, draft.pk, sent.pk]
    html = response.content.decode()
    assert "your clinic must act" in html
    assert "Not sent yet" in html
    assert person.full_name in html


def test_a_draft_reads_as_a_draft_not_a_draft_version_in_russian(client, clinician, person):
    """The referral's draft is «Черновик», as «Сохранить черновик» says; «Проект» is a draft
    version of reference data, whose status keeps it."""
    make_referral(clinician, person)
    client.force_login(clinician)

    html = client.get("/ru" + en_url("clinic_list")[3:]).content.decode()

    assert re.search(r"<td>\s*Черновик\s*</td>", html)
    assert "Проект" not in html
    with translation.override("ru"):
        assert str(RuleSetStatus.DRAFT.label) == "Проект"


def test_the_work_list_says_the_deadline_in_words(client, clinician, person):
    referral = complete_vision_referral(clinician, person)
    referral_send(actor=clinician, referral=referral, expected_version=referral.version)
    Referral.objects.filter(pk=referral.pk).update(step_due_on=days_ago(3))
    client.force_login(clinician)

    html = client.get(en_url("clinic_list")).content.decode()

    assert "Overdue" in html


def test_the_work_list_can_be_filtered_by_status(client, clinician, person):
    make_referral(clinician, person)
    client.force_login(clinician)

    assert client.get(url("clinic_list"), {"status": S.SENT}).context["rows"] == []
    assert len(client.get(url("clinic_list"), {"status": S.DRAFT}).context["rows"]) == 1


def test_an_empty_work_list_says_why_it_is_empty(client, clinician, person):
    client.force_login(clinician)
    assert "No referrals yet" in client.get(en_url("clinic_list")).content.decode()

    make_referral(clinician, person)
    filtered = client.get(en_url("clinic_list"), {"status": S.SENT}).content.decode()

    assert "No referrals with this status" in filtered
    assert "<table" not in filtered


def test_another_clinic_sees_none_of_our_referrals(client, clinician, person, outsider):
    make_referral(clinician, person)
    client.force_login(outsider)

    response = client.get(url("clinic_list"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert person.full_name not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(url("clinic_list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_role_that_does_not_refer_is_refused(client, division):
    specialist = UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST])
    client.force_login(specialist)

    assert client.get(url("clinic_list")).status_code == 403
    assert client.get(url("clinic_create")).status_code == 403


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context)


def test_the_work_list_costs_the_same_queries_for_3_rows_as_for_12(
    client, clinician, person, django_assert_max_num_queries
):
    for _ in range(3):
        make_referral(clinician, person)
    client.force_login(clinician)
    few = _count_queries(client, url("clinic_list"))
    for _ in range(9):
        make_referral(clinician, person)

    with django_assert_max_num_queries(few):
        client.get(url("clinic_list"))
    assert few <= 14


def _pages(client, query: dict[str, str]) -> list[list[int]]:
    """Every page of the list, following its "next" cursor as the link does."""
    pages, after = [], None
    while True:
        response = client.get(url("clinic_list"), {**query, **({"after": after} if after else {})})
        pages.append([row.referral.pk for row in response.context["rows"]])
        after = response.context["page"].next_cursor
        if after is None:
            return pages


def test_the_work_list_is_paged_by_cursor_in_the_list_order(client, clinician, person):
    for _ in range(26):
        make_referral(clinician, person)
    client.force_login(clinician)

    first = client.get(url("clinic_list"))

    assert len(first.context["rows"]) == 25
    assert 'rel="next"' in first.content.decode()
    assert [len(page) for page in _pages(client, {})] == [25, 1]


def test_every_referral_comes_once_in_order_across_pages_of_mixed_ranks_and_deadlines(
    client, clinician, person
):
    # Returned, drafts and sent referrals; deadlines shared by several (a tie broken by id,
    # newest first) and none at all (last in their rank): the cursor must cross each boundary.
    made = [make_referral(clinician, person) for _ in range(40)]
    today = timezone.localdate()
    for n, referral in enumerate(made):
        status = [S.RETURNED, S.DRAFT, S.SENT, S.SENT, S.DECIDED][n % 5]
        due = None if n % 7 == 0 else today + dt.timedelta(days=n % 3)
        Referral.objects.filter(pk=referral.pk).update(status=status, step_due_on=due)
    expected = [
        r.pk
        for r in sorted(
            Referral.objects.filter(pk__in=[r.pk for r in made]),
            key=lambda r: (
                r.clinic_rank,
                r.step_due_on or dt.date.max,
                -r.pk,
            ),
        )
    ]
    client.force_login(clinician)

    pages = _pages(client, {})
    sent_only = _pages(client, {"status": S.SENT})

    assert [pk for page in pages for pk in page] == expected
    assert [len(page) for page in pages] == [25, 15]
    assert [pk for page in sent_only for pk in page] == [
        pk for pk in expected if Referral.objects.get(pk=pk).status == S.SENT
    ]


def test_a_malformed_cursor_gives_the_first_page(client, clinician, person):
    make_referral(clinician, person)
    client.force_login(clinician)

    response = client.get(url("clinic_list"), {"after": "2,not-a-date,1"})

    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


# --- The form ----------------------------------------------------------------------------------------


def form_data(person, **overrides):
    data = {
        "iin": person.iin,
        "purpose": "primary",
        "route": Route.IN_ABSENTIA,
        "primary_code": "H54.0",
        "secondary_codes": "",
        "commission_protocol_number": "ВКК-5",
        "commission_date": days_ago(2).isoformat(),
        "commission_conclusion": "Persistent blindness.",
        "acuity_right": "0,02",
        "acuity_left": "0,01",
        "acuity_date": days_ago(5).isoformat(),
        "field_right": "5",
        "field_left": "5",
        "field_date": days_ago(5).isoformat(),
        "limitation_orientation": "3",
        "test_rows": "2",
        "test_1_name": "Electroretinography",
        "test_1_result": "Extinguished",
        "test_1_date": days_ago(6).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_clinician_saves_a_draft_with_structured_findings(client, clinician, person):
    client.force_login(clinician)

    response = client.post(en_url("clinic_create"), form_data(person))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == en_url("clinic_detail", referral.pk)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"The draft {referral.number} is saved. Attach the documents, then send it."
    ]
    assert referral.status == S.DRAFT
    kinds = sorted((f.kind, f.side) for f in referral.findings.all())
    assert kinds == [
        ("other_test", ""),
        ("visual_acuity", "left"),
        ("visual_acuity", "right"),
        ("visual_field", "left"),
        ("visual_field", "right"),
    ]
    assert referral.limitations.get().degree == 3


def test_the_iin_is_read_as_typed_with_spaces_a_dash_or_full_width_digits(
    client, clinician, person
):
    # The same reading of a typed IIN as the person registry's forms (core.identifiers).
    client.force_login(clinician)
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    typed = f"{person.iin[:6]} {person.iin[6:9]}-{person.iin[9:]}".translate(full_width)

    response = client.post(url("clinic_create"), form_data(person, iin=typed))

    assert response.status_code == 302
    assert Referral.objects.get().person == person


def test_the_referral_page_lists_findings_in_the_forms_order_right_eye_before_left(
    client, clinician, person
):
    # By their codes the findings came "left" before "right" and "other test" before vision.
    client.force_login(clinician)
    client.post(url("clinic_create"), form_data(person))
    referral = Referral.objects.get()

    response = client.get(en_url("clinic_detail", referral.pk))

    assert [(f.kind, f.side) for f in response.context["view"].findings] == [
        ("visual_acuity", "right"),
        ("visual_acuity", "left"),
        ("visual_field", "right"),
        ("visual_field", "left"),
        ("other_test", ""),
    ]


def test_a_group_code_and_an_unknown_person_are_shown_on_their_fields_and_in_the_summary(
    client, clinician, district
):
    stranger = PersonFactory.create(territory=district)
    client.force_login(clinician)

    response = client.post(
        en_url("clinic_create"), form_data(stranger, primary_code="H54", acuity_date="")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "iin" in form.errors
    assert "acuity_date" in form.errors
    assert "group of diagnoses" in " ".join(form.errors["primary_code"])
    assert not Referral.objects.exists()
    html = response.content.decode()
    assert 'href="#id_iin"' in html
    assert 'aria-invalid="true"' in html


def _summary_and_field_errors(html: str) -> tuple[str, dict[str, str]]:
    """The error summary's markup, and each field's error text as shown under it."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    fields = re.findall(r'<p class="field-error" id="id_(\w+)-error">(.*?)</p>', html, re.S)
    return (summary.group(0) if summary else ""), dict(fields)


@pytest.mark.parametrize("url_name", ["clinic_create", "clinic_edit"])
def test_field_errors_and_the_services_checks_are_shown_in_one_round(
    client, clinician, person, url_name
):
    # An empty required field (the form's own check) beside a group code and an acuity out of
    # range (the service's checks): all three at once, not the service's after a second submit.
    client.force_login(clinician)
    args = []
    if url_name == "clinic_edit":
        client.post(url("clinic_create"), form_data(person))
        referral = Referral.objects.get()
        args = [referral.pk]
    posted = form_data(person, route="", primary_code="H54", acuity_left="5")
    if args:
        posted["version"] = str(referral.version)

    response = client.post(en_url(url_name, *args), posted)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"route", "primary_code", "acuity_left"}
    summary, under_fields = _summary_and_field_errors(response.content.decode())
    for field, message in [
        ("route", "Choose in person or in absentia."),
        ("primary_code", "is a group of diagnoses"),
        ("acuity_left", "must be between 0 and 2"),
    ]:
        assert message in under_fields[field]
        linked = re.search(rf'<a href="#id_{field}(_0)?">([^<]*)</a>', summary)
        assert linked is not None, field
        assert message in linked.group(2)
    assert Referral.objects.count() == (1 if args else 0)


def test_a_person_no_division_serves_is_said_beside_the_forms_own_errors(client, clinician, clinic):
    # Routing is the service's check too: a person of a region without an MSE division.
    elsewhere = TerritoryFactory.create(kato="310000000", level=TerritoryLevel.REGION)
    unserved = linked_person(clinic, LinkBasis.ATTACHED, territory=elsewhere)
    client.force_login(clinician)

    response = client.post(en_url("clinic_create"), form_data(unserved, purpose=""))

    errors = response.context["form"].errors
    assert set(errors) == {"purpose", "iin"}
    assert "No MSE division serves" in " ".join(errors["iin"])
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # A service's refusal of a finding, and a group code instead of a diagnosis.
        ("acuity_left", "5", "between 0 and 2"),
        ("primary_code", "H54", "group of diagnoses"),
    ],
)
def test_a_refused_value_lands_on_its_field(client, clinician, person, field, value, message):
    client.force_login(clinician)

    response = client.post(en_url("clinic_create"), form_data(person, **{field: value}))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])


def test_another_row_for_a_test_is_added_without_saving_or_losing_anything(
    client, clinician, person
):
    client.force_login(clinician)

    response = client.post(url("clinic_create"), {**form_data(person), "add_test_row": "1"})

    assert response.status_code == 200
    assert not Referral.objects.exists()
    html = response.content.decode()
    assert 'name="test_3_name"' in html
    assert "Electroretinography" in html
    # The keyboard starts in the new row, without any script: only its first field says so.
    autofocused = re.findall(r'<input(?=[^>]*\bautofocus\b)[^>]*\bname="([^"]+)"', html)
    assert autofocused == ["test_3_name"]


def test_the_edit_form_shows_what_was_saved_and_saves_changes(client, clinician, person):
    client.force_login(clinician)
    client.post(url("clinic_create"), form_data(person))
    referral = Referral.objects.get()

    page = client.get(url("clinic_edit", referral.pk))
    assert page.context["form"].initial["acuity_right"] is not None
    response = client.post(
        url("clinic_edit", referral.pk),
        form_data(person, version=referral.version, secondary_codes="H90.3"),
    )

    assert response.status_code == 302
    assert list(referral.secondary_diagnoses.values_list("code__code", flat=True)) == ["H90.3"]


def test_an_edit_from_a_stale_page_keeps_the_users_input_and_says_so(client, clinician, person):
    client.force_login(clinician)
    client.post(url("clinic_create"), form_data(person))
    referral = Referral.objects.get()

    response = client.post(
        url("clinic_edit", referral.pk),
        form_data(person, version=referral.version + 5, commission_conclusion="My new words"),
    )

    assert response.status_code == 409
    assert response.context["conflict"]
    html = response.content.decode()
    assert "My new words" in html
    # The form now carries the stored version: sending it again is a deliberate overwrite.
    assert f'name="version" value="{referral.version}"' in html


def test_another_clinic_cannot_open_or_change_our_referral(client, clinician, person, outsider):
    referral = make_referral(clinician, person)
    client.force_login(outsider)

    for name in ("clinic_detail", "clinic_edit", "clinic_attachment_add"):
        assert client.get(url(name, referral.pk)).status_code == 404
    assert client.post(url("clinic_send", referral.pk), {"version": 1}).status_code == 404


def test_an_anonymous_visitor_cannot_open_a_referral(client, clinician, person):
    referral = make_referral(clinician, person)

    for name in ("clinic_detail", "clinic_edit", "clinic_attachment_add"):
        response = client.get(url(name, referral.pk))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_a_person_linked_to_another_clinic_only_is_not_offered(
    client, clinician, other_clinic, district
):
    theirs = PersonFactory.create(territory=district, birth_date=dt.date(1990, 1, 1))
    PersonLinkFactory.create(person=theirs, organisation=other_clinic)
    client.force_login(clinician)

    response = client.post(url("clinic_create"), form_data(theirs))

    assert "iin" in response.context["form"].errors
