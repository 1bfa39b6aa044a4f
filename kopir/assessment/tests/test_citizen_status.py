"""The citizen status page: number + IIN → a one-time code through the person's channel → the
status, the next step and its deadline; nothing else, and nothing that tells whether a referral
exists before the code is entered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import ReferralStatus, StatusAccessCode
from kopir.assessment.services.citizen import (
    MAX_CODE_ATTEMPTS,
    MAX_CODE_CHECKS_PER_ADDRESS,
    MAX_CODE_REQUESTS_PER_ADDRESS,
    MAX_CODES_PER_REFERRAL,
)
from kopir.assessment.tests.clinic_fixtures import make_referral, returned_asking_for
from kopir.assessment.workflow import referral_transition
from kopir.notices.models import Notice, NoticeChannel, NoticeFormat
from kopir.people.models import AccessibilityNeed
from kopir.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]
START = "assessment:citizen_status"
CODE = "assessment:citizen_code"
RESULT = "assessment:citizen_result"
CODE_IN_TEXT = re.compile(r"(?<![-\d])\d{6}(?!\d)")


@pytest.fixture
def referral(clinician, person):
    person.phone = "+77011112233"
    person.save()
    referral = make_referral(clinician, person)
    return referral_transition(
        referral=referral,
        to_status=ReferralStatus.SENT,
        actor=clinician,
        expected_version=referral.version,
    )


def ask(client, number: str, iin: str, **extra):
    return client.post(reverse(START), {"number": number, "iin": iin}, **extra)


def enter(client, code: str, **extra):
    return client.post(reverse(CODE), {"code": code}, **extra)


def last_code() -> str:
    notice = Notice.objects.filter(topic="assessment.citizen.access_code").latest("id")
    return CODE_IN_TEXT.findall(notice.body)[0]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def page_text(response) -> str:
    # The page without its CSRF token, which differs on every request.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_person_sees_the_status_next_step_and_deadline_after_entering_the_code(
    client, referral, person
):
    # The deadline is checked in the Kazakh date format (kopir/formats/kk).
    translation.activate("kk")
    response = ask(client, referral.number, person.iin)
    assert response.status_code == 302
    assert response["Location"] == reverse(CODE)

    response = enter(client, last_code())
    assert response.status_code == 302
    assert response["Location"] == reverse(RESULT)

    page = client.get(reverse(RESULT))
    assert page.status_code == 200
    text = page.content.decode()
    assert referral.number in text
    assert str(ReferralStatus.SENT.label) in text or "Sent" in text
    assert page.context["status"].next_step
    assert page.context["status"].due_on == referral.step_due_on
    assert referral.step_due_on.strftime("%d.%m.%Y") in text


def test_the_status_page_shows_nothing_about_the_person_or_the_diagnosis(client, referral, person):
    ask(client, referral.number, person.iin)
    enter(client, last_code())

    text = client.get(reverse(RESULT)).content.decode()

    for value in (
        person.iin,
        person.last_name,
        person.first_name,
        person.phone,
        "H54.0",
        referral.medical_organisation.name,
    ):
        assert value not in text


def test_a_returned_referral_shows_what_the_clinic_must_add(client, referral, person, clinician):
    # A specialist's own item has no reason: it is named alone, without a dangling dash.
    returned_asking_for(referral, "Chest X-ray", reason_code="added", reason="")
    ask(client, referral.number, person.iin)
    enter(client, last_code())

    page = client.get(reverse(RESULT))

    assert "<li>Chest X-ray</li>" in page.content.decode()


def test_the_code_goes_to_the_persons_channel_in_their_language_and_format(
    client, referral, person, django_capture_on_commit_callbacks, mailoutbox
):
    person.preferred_language = "ru"
    person.accessibility_needs = [AccessibilityNeed.EASY_READ]
    person.phone = ""
    person.email = "person@example.test"
    person.save()

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, referral.number, person.iin)

    notice = Notice.objects.get(topic="assessment.citizen.access_code")
    assert (notice.channel, notice.address) == (NoticeChannel.EMAIL, "person@example.test")
    assert (notice.language, notice.format) == ("ru", NoticeFormat.EASY_READ)
    assert notice.sensitive
    assert notice.concerns_organisation == referral.medical_organisation
    code = CODE_IN_TEXT.findall(notice.body)[0]
    assert " ".join(code) in notice.body  # digit by digit, for screen readers
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert mailoutbox[0].to == ["person@example.test"]


def test_a_child_without_contacts_gets_the_code_through_the_legal_representative(
    client, clinician, person, district
):
    parent = PersonFactory.create(territory=district, phone="+77019990000")
    person.legal_representative = parent
    person.representative_relation = "parent"
    person.save()
    referral = make_referral(clinician, person)

    ask(client, referral.number, person.iin)

    assert Notice.objects.get(topic="assessment.citizen.access_code").address == "+77019990000"


def test_a_wrong_code_is_refused_and_the_status_stays_closed(client, referral, person):
    ask(client, referral.number, person.iin)

    response = enter(client, wrong(last_code()))

    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert client.get(reverse(RESULT)).status_code == 302


def test_after_five_wrong_codes_even_the_right_one_is_refused(client, referral, person):
    ask(client, referral.number, person.iin)
    code = last_code()
    for _ in range(MAX_CODE_ATTEMPTS):
        enter(client, wrong(code))

    response = enter(client, code)

    assert response.status_code == 400
    assert StatusAccessCode.objects.get().attempts == MAX_CODE_ATTEMPTS


def test_an_expired_code_is_refused(client, referral, person):
    ask(client, referral.number, person.iin)
    StatusAccessCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert enter(client, last_code()).status_code == 400


def test_a_code_works_only_once(client, referral, person):
    ask(client, referral.number, person.iin)
    code = last_code()
    enter(client, code)
    client.post(reverse(RESULT))  # close

    ask(client, referral.number, person.iin)
    StatusAccessCode.objects.filter(used_at__isnull=True).delete()  # only the used code is left

    assert enter(client, code).status_code == 400


def test_a_new_code_replaces_the_previous_one(client, referral, person):
    ask(client, referral.number, person.iin)
    first = last_code()
    ask(client, referral.number, person.iin)
    second = last_code()

    assert enter(client, first).status_code == 400 or first == second
    assert enter(client, second).status_code == 302


def test_an_unknown_pair_gets_the_same_answer_and_no_code_is_sent(client, referral, person):
    known = ask(client, referral.number, person.iin)
    known_page = page_text(client.get(reverse(CODE)))
    notices = Notice.objects.count()
    other = type(client)()

    unknown = ask(other, referral.number, "850412490216")
    unknown_page = page_text(other.get(reverse(CODE)))

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known_page == unknown_page
    assert Notice.objects.count() == notices
    assert enter(other, last_code()).status_code == 400


def test_a_badly_written_number_or_iin_is_explained_without_looking_anything_up(client):
    response = ask(client, "12345", "85041249021")

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"number", "iin"}
    assert not Notice.objects.exists()


def test_too_many_code_requests_from_one_address_are_refused_alike_for_any_pair(
    client, referral, person
):
    for index in range(MAX_CODE_REQUESTS_PER_ADDRESS):
        ask(client, f"MSE-2026-{index:06d}", "850412490216")

    for number, iin in ((referral.number, person.iin), ("MSE-2026-999999", "850412490216")):
        response = ask(client, number, iin)
        assert response.status_code == 429
        assert response.context["limited"]
    assert not Notice.objects.exists()


def test_another_address_is_not_held_back_by_the_first_ones_limit(client, referral, person):
    for index in range(MAX_CODE_REQUESTS_PER_ADDRESS):
        ask(client, f"MSE-2026-{index:06d}", "850412490216")

    assert ask(client, referral.number, person.iin, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_a_referral_gets_at_most_three_codes_an_hour_and_the_answer_does_not_change(
    client, referral, person
):
    for index in range(MAX_CODES_PER_REFERRAL):
        ask(client, referral.number, person.iin, REMOTE_ADDR=f"10.0.1.{index}")

    response = ask(client, referral.number, person.iin, REMOTE_ADDR="10.0.2.1")

    assert response.status_code == 302
    assert (
        Notice.objects.filter(topic="assessment.citizen.access_code").count()
        == MAX_CODES_PER_REFERRAL
    )


def test_too_many_code_entries_from_one_address_are_refused(client, referral, person):
    ask(client, referral.number, person.iin)
    StatusAccessCode.objects.update(attempts=0)
    for _ in range(MAX_CODE_CHECKS_PER_ADDRESS):
        enter(client, "000000")

    response = enter(client, last_code())

    assert response.status_code == 429


def test_access_ends_after_its_time(client, referral, person):
    ask(client, referral.number, person.iin)
    enter(client, last_code())
    session = client.session
    session["citizen_status_grant"]["until"] = (
        timezone.now() - dt.timedelta(seconds=1)
    ).isoformat()
    session.save()

    response = client.get(reverse(RESULT))

    assert response.status_code == 302
    assert response["Location"] == reverse(START)


def test_closing_the_status_ends_access_at_once(client, referral, person):
    ask(client, referral.number, person.iin)
    enter(client, last_code())

    client.post(reverse(RESULT))

    assert client.get(reverse(RESULT)).status_code == 302


def test_the_code_step_without_a_request_goes_back_to_the_start(client):
    assert client.get(reverse(CODE))["Location"] == reverse(START)
    assert client.get(reverse(RESULT))["Location"] == reverse(START)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_start_page_is_public_and_in_each_language(client, language):
    with translation.override(language):
        url = reverse(START)

    response = client.get(url)

    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    assert response.content.decode().count("<h1>") == 1


def test_staff_of_any_organisation_get_no_shortcut_past_the_code(
    client, referral, person, outsider, clinician
):
    for user in (clinician, outsider):
        client.force_login(user)
        assert client.get(reverse(START)).status_code == 200
        assert client.get(reverse(RESULT)).status_code == 302


def test_a_signed_in_mse_specialist_also_needs_the_code(client, referral, person, division):
    specialist = UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST])
    client.force_login(specialist)

    ask(client, referral.number, person.iin)

    assert client.get(reverse(RESULT)).status_code == 302


def test_the_old_request_log_and_spent_codes_are_pruned_once_the_limits_no_longer_need_them(
    client, referral, person
):
    from kopir.assessment.models import StatusRequest, StatusRequestKind
    from kopir.assessment.tasks_intake import prune_intake_records

    # The per-address limits are counted in the cache now; rows of the log they were once counted
    # in are left from before.
    for kind in (StatusRequestKind.CODE_REQUEST, StatusRequestKind.CODE_CHECK):
        StatusRequest.objects.create(client_key="earlier", referral=referral, kind=kind)
    ask(client, referral.number, person.iin)
    long_ago = timezone.now() - dt.timedelta(hours=2)
    StatusRequest.objects.update(at=long_ago)
    StatusAccessCode.objects.update(created_at=long_ago, expires_at=long_ago)
    StatusRequest.objects.create(client_key="recent", kind=StatusRequestKind.CODE_REQUEST)
    ask(client, referral.number, person.iin)

    assert prune_intake_records.call() == 3
    assert StatusRequest.objects.count() == 1
    assert StatusAccessCode.objects.count() == 1
    assert not StatusRequest.objects.filter(client_key="earlier").exists()


def test_the_citizen_status_limit_tells_clients_behind_the_proxy_apart(client, settings):
    settings.KOPIR_TRUSTED_PROXIES = 1
    url = reverse(START)
    # A referral number and a valid IIN that match nothing: each asks for a code all the same.
    lookup = {"number": "MSE-2026-999999", "iin": "850412490216"}

    def ask(forwarded_for: str) -> int:
        response = client.post(
            url, lookup, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for
        )
        return int(response.status_code)

    for _ in range(MAX_CODE_REQUESTS_PER_ADDRESS):
        assert ask("198.51.100.7") == 302

    assert ask("198.51.100.7") == 429
    assert ask("203.0.113.66, 198.51.100.7") == 429  # what the client adds changes nothing
    assert ask("198.51.100.8") == 302


def test_an_iin_with_a_wrong_check_digit_is_told_at_the_field_and_no_code_is_asked_for(
    client, referral, person
):
    typo = person.iin[:11] + str((int(person.iin[11]) + 1) % 10)
    response = ask(client, referral.number, typo)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"iin"}
    assert "check digit" in errors["iin"][0]
    assert client.session.get("citizen_status_lookup") is None
    assert not Notice.objects.exists()
    assert not StatusAccessCode.objects.exists()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("٨٥٠٤١٢٤٩٠٢١٦", "digits of other scripts"),  # Arabic-Indic digits
        ("85041249021", "exactly 12 digits; 11 given"),
    ],
)
def test_an_iin_not_of_twelve_ascii_digits_is_refused_with_its_reason(client, typed, reason):
    response = ask(client, "MSE-2026-000123", typed)

    assert response.status_code == 400
    assert reason in response.context["form"].errors["iin"][0]


def test_an_iin_typed_with_spaces_dashes_or_full_width_digits_is_read_as_the_same(
    client, referral, person
):
    iin = person.iin
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in iin)
    for index, typed in enumerate((f"{iin[:6]} {iin[6:]}", f"{iin[:6]}-{iin[6:]}", full_width)):
        response = ask(client, referral.number, typed, REMOTE_ADDR=f"10.0.3.{index}")
        assert response.status_code == 302
        assert client.session["citizen_status_lookup"]["referral_id"] == referral.pk
