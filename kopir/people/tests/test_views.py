"""The person pages, as an insider, an outsider organisation, a council member and a visitor."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.identifiers import make_iin
from kopir.core.tests.fixtures import conflict_panel, signed_in
from kopir.directory.models import Organisation, Territory
from kopir.people import selectors
from kopir.people.models import LinkBasis, Person, PersonLink
from kopir.people.services import person_update
from kopir.people.tests.factories import NEW_PERSON_TYPED, PersonFactory, PersonLinkFactory

if TYPE_CHECKING:
    # Only in the type stubs: a test client response with .context and .templates.
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


def post_data(person: Person | None = None, **overrides: Any) -> dict[str, Any]:
    if person is None:
        values: dict[str, Any] = dict(NEW_PERSON_TYPED)
    else:
        values = {
            "iin": person.iin,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "patronymic": person.patronymic,
            "birth_date": person.birth_date.isoformat(),
            "sex": person.sex,
            "territory": person.territory_id,
            "preferred_language": person.preferred_language,
            "version": person.version,
        }
    values.update(overrides)
    return values


# --- Visitors and roles without access -----------------------------------------------------------


@pytest.mark.parametrize("name", ["people:search", "people:create"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["people:detail", "people:edit"])
def test_an_anonymous_visitor_is_sent_to_sign_in_from_a_person_page(
    client: Client, person: Person, name: str
) -> None:
    response = client.get(reverse(name, args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.mark.parametrize("name", ["people:search", "people:create"])
def test_a_council_member_and_an_administrator_are_refused_the_registry(
    client: Client, council_member: User, administrator: User, name: str
) -> None:
    for user in (council_member, administrator):
        assert signed_in(client, user).get(reverse(name)).status_code == 403


# A role that may not read the registry is refused (403); a clinician whose organisation has no
# link to the person is told there is no such person (404). Neither sees the person's name, and
# nothing is recorded as viewed.
@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("council_member", 403, id="a council member"),
        pytest.param("outsider", 404, id="a clinician of an organisation without a link"),
    ],
)
@pytest.mark.parametrize("name", ["people:detail", "people:edit"])
def test_who_may_not_see_a_person_gets_no_person_page_and_no_view_is_recorded(
    client: Client, person: Person, name: str, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    response = signed_in(client, user).get(reverse(name, args=[person.pk]))
    assert response.status_code == status
    assert person.last_name not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_an_agency_officer_reads_a_person_but_may_not_open_the_edit_form(
    client: Client, agency_officer: User, person: Person
) -> None:
    client = signed_in(client, agency_officer)
    page = client.get(reverse("people:detail", args=[person.pk]))
    assert page.status_code == 200
    assert reverse("people:edit", args=[person.pk]) not in page.content.decode()
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 403
    assert client.get(reverse("people:create")).status_code == 403


# --- Search ----------------------------------------------------------------------------------------


def test_the_search_page_invites_a_query_before_one_is_made(
    client: Client, clinician: User
) -> None:
    with translation.override("en"):
        response = signed_in(client, clinician).get(reverse("people:search"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Search for a person" in html
    assert 'aria-live="polite"' in html
    assert 'method="post"' in html
    assert "hx-push-url" not in html
    assert not AuditEvent.objects.exists()


def test_the_invitation_says_what_the_search_finds_a_given_name_alone_finds_nobody(
    client: Client, clinician: User, person: Person
) -> None:
    """The search matches the beginning of the surname; the invitation said "part of a surname,
    given name or patronymic", and a clinician who typed a given name alone found nobody."""
    client = signed_in(client, clinician)
    with translation.override("kk"):
        invitation = client.get(reverse("people:search")).content.decode()
        by_given_name = client.post(reverse("people:search"), {"q": person.first_name})

    assert "тегінің басын" in invitation
    assert "атының не әкесінің атының бір бөлігін" not in invitation
    assert person.full_name not in by_given_name.content.decode()


def test_searching_by_iin_lists_the_person_with_a_link_to_their_page(
    client: Client, clinician: User, person: Person
) -> None:
    with translation.override("kk"):
        response = signed_in(client, clinician).post(reverse("people:search"), {"q": person.iin})
    html = response.content.decode()
    assert person.full_name in html
    assert reverse("people:detail", args=[person.pk]) in html
    assert "12.04.1985" in html  # Kazakh date format (kopir/formats/kk)
    assert AuditEvent.objects.get(action=AuditAction.SEARCH).detail == "by_iin"


def test_searching_by_name_shows_only_linked_persons(
    client: Client, clinician: User, person: Person, stranger: Person
) -> None:
    client = signed_in(client, clinician)
    html = client.post(reverse("people:search"), {"q": "а"}).content.decode()  # too short
    assert person.full_name not in html
    html = client.post(reverse("people:search"), {"q": "сәрсен"}).content.decode()
    assert person.full_name in html
    html = client.post(reverse("people:search"), {"q": stranger.last_name}).content.decode()
    assert stranger.full_name not in html


def test_a_search_that_finds_nobody_says_so(client: Client, clinician: User) -> None:
    with translation.override("en"):
        response = signed_in(client, clinician).post(reverse("people:search"), {"q": "Жоқ"})
    assert "Nobody found" in response.content.decode()


def test_a_mistyped_iin_is_explained_and_not_searched(client: Client, clinician: User) -> None:
    with translation.override("en"):
        response = signed_in(client, clinician).post(
            reverse("people:search"), {"q": "791028302729"}
        )
    html = response.content.decode()
    assert "IIN or name: The check digit (the last one) does not match" in html
    assert not AuditEvent.objects.exists()


def test_htmx_gets_only_the_results_region(client: Client, clinician: User, person: Person) -> None:
    response = signed_in(client, clinician).post(
        reverse("people:search"), {"q": person.iin}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "<table" in html
    assert person.full_name in html
    assert "HX-Request" in response["Vary"]
    assert "HX-Push-Url" not in response


def test_the_query_never_reaches_an_address(
    client: Client, clinician: User, person: Person
) -> None:
    # An IIN or a name in a URL would land in browser history and proxy access logs.
    client = signed_in(client, clinician)
    response = client.post(reverse("people:search"), {"q": person.iin, "after": "1,x"})
    assert response.status_code == 200
    assert person.iin not in response.request["PATH_INFO"]
    assert (
        "QUERY_STRING" not in response.request or person.iin not in response.request["QUERY_STRING"]
    )
    assert f"?q={person.iin}" not in response.content.decode()
    assert "HX-Push-Url" not in response


def test_a_get_with_a_query_in_the_address_is_not_searched(
    client: Client, clinician: User, person: Person
) -> None:
    response = signed_in(client, clinician).get(reverse("people:search"), {"q": person.iin})
    assert response.status_code == 200
    assert person.full_name not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def _linked_persons(count: int, organisation: Organisation, territory: Territory) -> None:
    for _ in range(count):
        person = PersonFactory.create(territory=territory, registered_by=organisation)
        PersonLinkFactory.create(person=person, organisation=organisation, basis=LinkBasis.ATTACHED)


def _search_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("people:search"), {"q": "сәрсен"})
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_results(
    client: Client, clinician: User, clinic: Organisation, territory: Territory
) -> None:
    client = signed_in(client, clinician)
    # A second territory, so that the rows do not all share one cached related object.
    other_territory = Territory.objects.create(
        kato="276200000", level=territory.level, name_kk="Т", name_ru="Т", name_en="T",
        source=territory.source,
    )  # fmt: skip
    _linked_persons(5, clinic, territory)
    few = _search_queries(client)
    _linked_persons(25, clinic, other_territory)
    many = _search_queries(client)
    assert few == many
    # The audit record of the search reads the audit chain's head first; the header reads the
    # unread notifications.
    assert many <= 14


def test_a_search_past_the_cap_says_more_than_and_pages_on_by_the_form(
    client: Client,
    clinician: User,
    clinic: Organisation,
    territory: Territory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(selectors, "COUNT_CAP", 20)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    _linked_persons(25, clinic, territory)
    client = signed_in(client, clinician)
    with translation.override("en"):
        html = client.post(reverse("people:search"), {"q": "сәрсен"}).content.decode()
        assert (
            "More than 20 persons found: add the given name or patronymic to narrow the search."
            in html
        )
        assert "persons found." not in html.replace("More than 20 persons found:", "")
        # The next page is a button of the search form (the query stays out of the address),
        # carrying the last row's place: the second person registered.
        second = Person.objects.order_by("id")[1]
        button = (
            f'<button type="submit" class="button-link" form="person-search" name="after" '
            f'value="{second.pk},{second.search_name}">Next persons</button>'
        )
        assert button in html
        assert "Back to the first persons" not in html
        after = client.post(
            reverse("people:search"), {"q": "сәрсен", "after": f"{second.pk},{second.search_name}"}
        ).content.decode()
        third, fourth = Person.objects.order_by("id")[2:4]
        assert reverse("people:detail", args=[third.pk]) in after
        assert reverse("people:detail", args=[fourth.pk]) in after
        assert reverse("people:detail", args=[second.pk]) not in after
    assert "Back to the first persons" in after


def test_a_search_under_the_cap_gives_the_exact_count(
    client: Client, clinician: User, clinic: Organisation, territory: Territory
) -> None:
    _linked_persons(3, clinic, territory)
    with translation.override("en"):
        html = signed_in(client, clinician).post(reverse("people:search"), {"q": "сәрсен"})
    assert "3 persons found." in html.content.decode()
    assert "More than" not in html.content.decode()


# --- Person page ------------------------------------------------------------------------------------


def test_the_person_page_shows_the_record_and_writes_a_view_record(
    client: Client, clinician: User, person: Person
) -> None:
    with translation.override("kk"):
        response = signed_in(client, clinician).get(reverse("people:detail", args=[person.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert person.full_name in html
    assert person.iin in html
    assert "12.04.1985" in html
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.actor, event.target_id) == (clinician, str(person.pk))


def test_the_person_page_notes_a_birth_date_the_iin_does_not_suggest(
    client: Client, clinician: User, person: Person
) -> None:
    client = signed_in(client, clinician)
    with translation.override("en"):
        html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
        assert "The IIN suggests" not in html  # the factory's IIN agrees with the birth date
        Person.objects.filter(pk=person.pk).update(birth_date=dt.date(1986, 1, 2))
        html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "The IIN suggests the date of birth" in html
    assert 'class="muted"' in html


def test_the_representative_is_a_link_only_when_accessible(
    client: Client, clinician: User, person: Person, stranger: Person, clinic: Organisation
) -> None:
    child = PersonFactory.create(
        territory=person.territory,
        legal_representative=stranger,
        representative_relation="parent",
        birth_date=dt.date(2015, 3, 3),
    )
    PersonLinkFactory.create(person=child, organisation=clinic)
    client = signed_in(client, clinician)
    html = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert stranger.full_name in html
    assert reverse("people:detail", args=[stranger.pk]) not in html
    Person.objects.filter(pk=child.pk).update(legal_representative=person)
    html = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert reverse("people:detail", args=[person.pk]) in html


# --- Register and edit ------------------------------------------------------------------------------


def test_a_clinician_registers_a_person(
    client: Client, clinician: User, clinic: Organisation, territory: Territory
) -> None:
    client = signed_in(client, clinician)
    assert client.get(reverse("people:create")).status_code == 200
    response = client.post(
        reverse("people:create"),
        post_data(territory=territory.pk, accessibility_needs=["sign_language"]),
    )
    person = Person.objects.get(iin="791028302728")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.accessibility_needs == ["sign_language"]
    assert PersonLink.objects.filter(person=person, organisation=clinic).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, target_id=str(person.pk)).exists()


def test_an_invalid_iin_on_the_form_is_listed_in_the_error_summary(
    client: Client, clinician: User, territory: Territory
) -> None:
    with translation.override("en"):
        response = signed_in(client, clinician).post(
            reverse("people:create"), post_data(iin="821214240092", territory=territory.pk)
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "IIN: This number is never issued (no check digit exists for it)." in html
    assert 'aria-invalid="true"' in html
    assert not Person.objects.exists()


def test_a_registered_iin_with_other_details_is_refused_without_saying_it_is_registered(
    client: Client, clinician: User, territory: Territory, stranger: Person
) -> None:
    with translation.override("en"):
        response = signed_in(client, clinician).post(
            reverse("people:create"), post_data(iin=stranger.iin, territory=territory.pk)
        )
    html = response.content.decode()
    assert "IIN: The IIN, surname, first name and date of birth do not fit together." in html
    assert "IIN: A person with this IIN is already in the registry" not in html
    assert Person.objects.count() == 1
    assert not PersonLink.objects.filter(person=stranger, organisation=clinician.organisation)


def test_a_registered_person_named_in_full_is_linked_to_the_registering_clinic(
    client: Client, clinician: User, territory: Territory, stranger: Person
) -> None:
    details = post_data(
        iin=stranger.iin,
        territory=territory.pk,
        last_name=stranger.last_name,
        first_name=stranger.first_name,
        birth_date=stranger.birth_date.isoformat(),
    )
    with translation.override("en"):
        response = signed_in(client, clinician).post(reverse("people:create"), details, follow=True)
        assert response.redirect_chain[-1][0] == reverse("people:detail", args=[stranger.pk])
    assert "This person was already in the registry" in response.content.decode()
    assert Person.objects.count() == 1
    assert PersonLink.objects.filter(
        person=stranger, organisation=clinician.organisation, basis=LinkBasis.REGISTERED
    ).exists()


def test_a_representative_is_chosen_by_iin(
    client: Client, clinician: User, territory: Territory, person: Person
) -> None:
    child_iin = make_iin(dt.date(2014, 5, 6), "female", 1)
    assert child_iin is not None
    response = signed_in(client, clinician).post(
        reverse("people:create"),
        post_data(
            iin=child_iin,
            birth_date="2014-05-06",
            sex="female",
            territory=territory.pk,
            representative_iin=person.iin,
            representative_relation="parent",
        ),
    )
    assert response.status_code == 302
    assert Person.objects.get(iin=child_iin).legal_representative == person


def test_a_representative_the_clinic_cannot_see_is_refused_on_the_form(
    client: Client, clinician: User, territory: Territory, stranger: Person
) -> None:
    with translation.override("en"):
        response = signed_in(client, clinician).post(
            reverse("people:create"),
            post_data(
                territory=territory.pk,
                representative_iin=stranger.iin,
                representative_relation="parent",
            ),
        )
    assert "Representative&#x27;s IIN: No person with this IIN" in response.content.decode()
    assert not Person.objects.filter(iin="791028302728").exists()


def test_opening_the_edit_form_is_an_audited_read(
    client: Client, clinician: User, person: Person
) -> None:
    response = signed_in(client, clinician).get(reverse("people:edit", args=[person.pk]))
    assert response.status_code == 200
    assert 'name="version" value="1"' in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == 1


def test_a_clinician_changes_a_record(client: Client, clinician: User, person: Person) -> None:
    response = signed_in(client, clinician).post(
        reverse("people:edit", args=[person.pk]),
        post_data(person, first_name="Динара", consent_to_processing="on"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.version, person.consent_to_processing) == ("Динара", 2, True)
    assert person.consent_recorded_at is not None
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.fields == ["consent_to_processing", "first_name"]


def post_after_a_colleague_saved(
    client: Client, clinician: User, colleague: User, person: Person
) -> _MonkeyPatchedWSGIResponse:
    """The clinician opened the record at version 1, a colleague saved it, then they submit."""
    form = post_data(person, first_name="Камила")
    person_update(actor=colleague, person=person, expected_version=1, first_name="Динара")
    with translation.override("en"):
        response = signed_in(client, clinician).post(reverse("people:edit", args=[person.pk]), form)
    return response


def test_a_concurrent_edit_is_detected_and_the_users_input_is_kept(
    client: Client, clinician: User, colleague: User, person: Person
) -> None:
    response = post_after_a_colleague_saved(client, clinician, colleague, person)
    html = response.content.decode()
    assert response.status_code == 409
    assert "This record was changed by someone else after you opened it." in html
    assert 'value="Камила"' in html
    person.refresh_from_db()
    assert (person.first_name, person.version) == ("Динара", 2)


def test_a_conflict_shows_what_the_other_person_saved_and_carries_the_new_version(
    client: Client, clinician: User, colleague: User, person: Person
) -> None:
    response = post_after_a_colleague_saved(client, clinician, colleague, person)
    html = response.content.decode()
    panel = conflict_panel(html)
    assert "What the other person saved" in panel
    # Only the field that differs is listed, with the saved value, not the typed one.
    assert "<dt>Given name</dt><dd>Динара</dd>" in panel
    assert "Surname" not in panel
    assert 'name="version" value="2"' in html
    # Showing the saved record is a read of it, and it is audited.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, target_id=str(person.pk), actor=clinician
    ).exists()


def test_submitting_again_after_a_conflict_saves_the_reviewed_input(
    client: Client, clinician: User, colleague: User, person: Person
) -> None:
    person_update(actor=colleague, person=person, expected_version=1, first_name="Динара")
    response = signed_in(client, clinician).post(
        reverse("people:edit", args=[person.pk]), post_data(person, first_name="Камила", version=2)
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.version) == ("Камила", 3)


def test_an_outsider_cannot_change_a_record_by_posting(
    client: Client, outsider: User, person: Person
) -> None:
    response = signed_in(client, outsider).post(
        reverse("people:edit", args=[person.pk]), post_data(person, first_name="Камила")
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.first_name != "Камила"


def test_a_blank_query_invites_a_search_rather_than_complaining(
    client: Client, clinician: User
) -> None:
    with translation.override("en"):
        response = signed_in(client, clinician).post(reverse("people:search"), {"q": "  "})
    html = response.content.decode()
    assert "Search for a person" in html
    assert "There is a problem" not in html


def test_missing_fields_say_what_to_enter(
    client: Client, clinician: User, territory: Territory
) -> None:
    with translation.override("en"):
        response = signed_in(client, clinician).post(reverse("people:create"), {})
    html = response.content.decode()
    for message in (
        "IIN: Enter the IIN.",
        "Surname: Enter the surname.",
        "Given name: Enter the given name.",
        "Date of birth: Enter the date of birth.",
        "Sex: Choose the sex.",
        "Place of residence: Choose the place of residence.",
    ):
        assert message in html


def test_after_a_conflict_the_page_heading_shows_the_stored_name_not_the_typed_one(
    client: Client, clinician: User, colleague: User, person: Person
) -> None:
    form = post_data(person, last_name="Жаңа")
    person_update(actor=colleague, person=person, expected_version=1, phone="+7 701 000 00 02")
    html = signed_in(client, clinician).post(reverse("people:edit", args=[person.pk]), form)
    content = html.content.decode()
    assert f'<p class="lead">{person.full_name}</p>' in content
    assert 'value="Жаңа"' in content
