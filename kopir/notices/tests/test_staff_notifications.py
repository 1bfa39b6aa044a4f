"""Staff notifications: a line in the person's own list, and e-mail or SMS as they chose; the
list page with its unread count, marking read, and the preferences page."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditEvent
from kopir.core.tests.fixtures import signed_in
from kopir.notices.kinds import StaffNotificationKind, register_staff_kind, staff_kinds
from kopir.notices.models import Notice, NoticeChannel, StaffNotification
from kopir.notices.selectors import unread_notifications_count
from kopir.notices.staff import staff_notify, staff_preferences_save

pytestmark = pytest.mark.django_db

HELLO = StaffNotificationKind(
    "notices_test.hello",
    _("A test notification"),
    # An entry the catalogue translates, so the test sees the language change.
    _("Outbox"),
    order=1000,
)
QUIET = StaffNotificationKind(
    "notices_test.quiet", _("A quiet test notification"), "Quiet %(number)s", False, 1001
)
# Told only to council secretaries: an agency officer is not asked how it comes.
SECRETARIES_ONLY = StaffNotificationKind(
    "notices_test.secretaries",
    _("A test notification"),
    "Secretaries %(number)s",
    order=1002,
    roles=(Role.COUNCIL_SECRETARY,),
)


@pytest.fixture(autouse=True)
def _kinds() -> None:
    register_staff_kind(HELLO, QUIET, SECRETARIES_ONLY)


@pytest.fixture
def officer(clinic: Any) -> User:
    return UserFactory.create(
        organisation=clinic,
        roles=[Role.AGENCY_OFFICER],
        email="officer@example.test",
        preferred_language="ru",
    )


def notify(users: list[User], kind: str = HELLO.key, **kwargs: Any) -> list[StaffNotification]:
    return staff_notify(users=users, kind=kind, params={"number": "7"}, **kwargs)


# --- Writing --------------------------------------------------------------------------------------


def test_a_notification_is_listed_and_mailed_to_the_persons_own_address_in_their_language(
    officer: User,
) -> None:
    [notification] = notify([officer])

    assert (notification.user, notification.read_at) == (officer, None)
    notice = Notice.objects.get(topic=f"staff.{HELLO.key}")
    assert (notice.channel, notice.address, notice.language, notice.user) == (
        NoticeChannel.EMAIL,
        "officer@example.test",
        "ru",
        officer,
    )
    with translation.override("ru"):
        assert notice.subject == str(HELLO.label)
        assert notice.body.startswith(str(HELLO.message))
    assert AuditEvent.objects.filter(
        target_type="notices.staffnotification", target_id=str(notification.pk)
    ).exists()


def test_the_text_follows_the_language_of_the_page(officer: User) -> None:
    [notification] = notify([officer])

    with translation.override("kk"):
        kazakh = notification.text()
    with translation.override("ru"):
        russian = notification.text()
    assert kazakh != russian


@pytest.mark.parametrize(
    ("language", "stored", "written"),
    [
        ("kk", "2026-12-07", "Due 07.12.2026."),
        ("ru", "2026-12-07", "Due 7 декабря 2026 г."),
        ("en", "2026-12-07", "Due Dec. 7, 2026."),
        # Not an ISO date (a value written before the kind named it a date): as it was stored.
        ("ru", "04.05.2026", "Due 04.05.2026."),
    ],
)
def test_a_date_is_written_as_the_readers_language_writes_dates(
    language: str, stored: str, written: str
) -> None:
    kind = StaffNotificationKind("notices_test.due", _("A test notification"), "Due %(due)s.")
    dated = dataclasses.replace(kind, dates=("due",))

    with translation.override(language):
        assert dated.text({"due": stored}) == written
        assert kind.text({"due": stored}) == f"Due {stored}."


def test_a_notification_without_a_value_the_sentence_gained_reads_with_the_earlier_one() -> None:
    kind = StaffNotificationKind(
        "notices_test.again",
        _("A test notification"),
        "Answer № %(number)s again by %(due)s.",
        dates=("due",),
        earlier=("Answer № %(number)s again.",),
    )

    with translation.override("en"):
        assert kind.text({"number": "7", "due": "2026-12-07"}) == (
            "Answer № 7 again by Dec. 7, 2026."
        )
        assert kind.text({"number": "7"}) == "Answer № 7 again."
        # Nothing it fits: the kind's name, as before.
        assert kind.text({}) == "A test notification"


def test_an_opted_out_kind_queues_no_email_but_still_shows_in_the_list(officer: User) -> None:
    staff_preferences_save(actor=officer, email_kinds=[], sms_kinds=[], sms_phone="")

    [notification] = notify([officer])

    assert not Notice.objects.exists()
    assert StaffNotification.objects.get() == notification


def test_a_kind_off_by_default_sends_no_email_until_chosen(officer: User) -> None:
    notify([officer], QUIET.key)
    assert not Notice.objects.exists()

    staff_preferences_save(actor=officer, email_kinds=[QUIET.key], sms_kinds=[], sms_phone="")
    notify([officer], QUIET.key)

    assert Notice.objects.get().body.startswith("Quiet 7")


def test_sms_goes_to_the_phone_the_person_gave_when_they_chose_it(officer: User) -> None:
    staff_preferences_save(
        actor=officer, email_kinds=[], sms_kinds=[HELLO.key], sms_phone="+7 701 234 56 78"
    )

    notify([officer])

    notice = Notice.objects.get()
    assert (notice.channel, notice.address, notice.language) == (
        NoticeChannel.SMS,
        "+7 701 234 56 78",
        "ru",
    )


def test_the_person_who_caused_the_event_and_inactive_accounts_are_not_told(
    officer: User, clinician: User
) -> None:
    inactive = UserFactory.create(is_active=False)

    told = notify([officer, clinician, inactive], actor=clinician)

    assert [notification.user for notification in told] == [officer]


def test_a_once_key_tells_each_person_once(officer: User, clinician: User) -> None:
    assert len(notify([officer], once_key="due:1:2026-11-10")) == 1
    assert len(notify([officer, clinician], once_key="due:1:2026-11-10")) == 1
    assert notify([officer, clinician], once_key="due:1:2026-11-10") == []
    assert StaffNotification.objects.filter(user=officer).count() == 1


def test_an_unregistered_kind_is_refused(officer: User) -> None:
    with pytest.raises(ValueError, match="register the kind"):
        notify([officer], "notices_test.unknown")


# --- The list page --------------------------------------------------------------------------------


def test_the_list_shows_own_notifications_newest_first_with_unread_ones_said(
    officer: User, clinician: User
) -> None:
    first, second = notify([officer])[0], notify([officer])[0]
    notify([clinician])
    StaffNotification.objects.filter(pk=first.pk).update(read_at=first.created_at)

    with translation.override("en"):
        response = signed_in(Client(), officer).get(reverse("notices:mine"))

    assert response.status_code == 200
    assert [n.pk for n in response.context["page_obj"]] == [second.pk, first.pk]
    page = response.content.decode()
    # Unread is said in words, not by colour alone; the header says the count.
    assert page.count("Unread: ") == 1
    assert (
        'Notifications<span id="header-count-noticesmine"><span class="visually-hidden">, 1 unread</span>'
        in page
    )


def test_the_list_reads_a_constant_number_of_queries(
    officer: User, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(Client(), officer)
    notify([officer])
    client.get(reverse("notices:mine"))
    for _index in range(30):
        notify([officer])

    # Session (read and saved), user, roles, organisation, the page's count and rows, the unread
    # count of the list and of the header: none of them grows with the notifications.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("notices:mine"))
    assert len(response.context["page_obj"]) == 25


def test_the_unread_count_is_one_query(officer: User, django_assert_num_queries: Any) -> None:
    notify([officer])
    notify([officer])

    with django_assert_num_queries(1):
        assert unread_notifications_count(officer) == 2


def test_an_empty_list_says_so(officer: User) -> None:
    with translation.override("en"):
        response = signed_in(Client(), officer).get(reverse("notices:mine"))

    assert "You have no notifications." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "link"),
    [
        ("kk", "Қай хабарламалар электрондық пошта немесе SMS арқылы да келетінін таңдаңыз"),
        ("ru", "Выберите, какие уведомления приходят также по электронной почте или SMS"),
        ("en", "Choose which notifications also come by e-mail or SMS"),
    ],
)
def test_the_lists_intro_ends_its_settings_link_with_a_full_stop(
    officer: User, language: str, link: str
) -> None:
    with translation.override(language):
        page = signed_in(Client(), officer).get(reverse("notices:mine")).content.decode()

    assert f"{link}</a>.</p>" in page


def test_anonymous_visitors_sign_in_first() -> None:
    response = Client().get(reverse("notices:mine"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.headers["Location"]


def test_mark_as_read_without_javascript_returns_to_the_list(officer: User) -> None:
    [notification] = notify([officer])

    response = signed_in(Client(), officer).post(
        reverse("notices:mark_read", args=[notification.pk]), {"page": "1"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("notices:mine") + "?page=1"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert unread_notifications_count(officer) == 0


def test_mark_as_read_with_htmx_answers_the_list_fragment(officer: User) -> None:
    [notification] = notify([officer])

    with translation.override("en"):
        response = signed_in(Client(), officer).post(
            reverse("notices:mark_read", args=[notification.pk]), HTTP_HX_REQUEST="true"
        )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "The notification is marked as read." in page
    assert "data-focus-after-swap" in page
    # The header's count goes with it: nothing is unread any more.
    assert '<span id="header-count-noticesmine" hx-swap-oob="true"></span>' in page


def test_another_persons_notification_cannot_be_marked(officer: User, clinician: User) -> None:
    [notification] = notify([officer])

    response = signed_in(Client(), clinician).post(
        reverse("notices:mark_read", args=[notification.pk])
    )

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_marks_only_the_persons_own(officer: User, clinician: User) -> None:
    notify([officer])
    notify([officer])
    notify([clinician])

    response = signed_in(Client(), officer).post(reverse("notices:mark_all_read"))

    assert response.status_code == 302
    assert unread_notifications_count(officer) == 0
    assert unread_notifications_count(clinician) == 1


def test_marking_needs_a_post() -> None:
    user = UserFactory.create()

    response = signed_in(Client(), user).get(reverse("notices:mark_all_read"))

    assert response.status_code == 405


# --- Preferences ---------------------------------------------------------------------------------


def test_the_preferences_page_lists_every_kind_of_the_persons_roles_with_its_default(
    officer: User,
) -> None:
    response = signed_in(Client(), officer).get(reverse("notices:preferences"))

    assert response.status_code == 200
    form = response.context["form"]
    listed = [key for key, _label in form.fields["email_kinds"].choices]
    assert listed == [kind.key for kind in staff_kinds() if kind.concerns(officer)]
    assert HELLO.key in listed
    assert SECRETARIES_ONLY.key not in listed
    assert SECRETARIES_ONLY.key not in response.content.decode()
    assert HELLO.key in form.initial["email_kinds"]
    assert QUIET.key not in form.initial["email_kinds"]


def test_saving_preferences_is_kept_and_audited(officer: User) -> None:
    response = signed_in(Client(), officer).post(
        reverse("notices:preferences"),
        {"email_kinds": [QUIET.key], "sms_kinds": [HELLO.key], "sms_phone": "+7 701 234 56 78"},
    )

    assert response.status_code == 302
    preference = officer.notification_preference
    assert preference.email[QUIET.key]
    assert not preference.email[HELLO.key]
    assert preference.sms[HELLO.key]
    assert AuditEvent.objects.filter(target_type="notices.staffnotificationpreference").exists()


def test_a_person_whose_roles_are_told_nothing_gets_no_empty_form(
    officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As for an administrator once only the apps' kinds are registered: none is of their roles.
    monkeypatch.setattr("kopir.notices.forms.staff_kinds_for", lambda user: [])

    with translation.override("en"):
        response = signed_in(Client(), officer).get(reverse("notices:preferences"))

    page = response.content.decode()
    assert "nothing to choose here" in page
    assert 'name="email_kinds"' not in page


def test_saving_keeps_the_choice_of_a_kind_the_page_did_not_offer(officer: User) -> None:
    officer.role_assignments.create(role=Role.COUNCIL_SECRETARY)
    staff_preferences_save(
        actor=User.objects.get(pk=officer.pk),
        email_kinds=[SECRETARIES_ONLY.key],
        sms_kinds=[],
        sms_phone="",
    )
    officer.role_assignments.filter(role=Role.COUNCIL_SECRETARY).delete()

    signed_in(Client(), officer).post(reverse("notices:preferences"), {"sms_phone": ""})

    officer.notification_preference.refresh_from_db()
    assert officer.notification_preference.email[SECRETARIES_ONLY.key]
    assert not officer.notification_preference.email[HELLO.key]


def test_sms_without_a_phone_number_is_refused(officer: User) -> None:
    response = signed_in(Client(), officer).post(
        reverse("notices:preferences"), {"sms_kinds": [HELLO.key], "sms_phone": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["sms_phone"]


def test_a_phone_number_that_cannot_be_dialled_is_refused(officer: User) -> None:
    response = signed_in(Client(), officer).post(
        reverse("notices:preferences"), {"sms_kinds": [HELLO.key], "sms_phone": "12"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["sms_phone"]
