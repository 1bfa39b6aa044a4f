"""Step one of signing in: username and password, lockout, sign-out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.accounts.tests.helpers import confirmed_authenticator
from kopir.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

LOGIN_URL = "accounts:login"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(reverse(LOGIN_URL), {"username": username, "password": password, **extra})


def signed_in_as(client: Client) -> str | None:
    """The id of the account the client's session is signed in as (None: nobody)."""
    return client.session.get(SESSION_KEY)


def five_wrong_passwords(client: Client, username: str):
    """Five failed sign-ins (the lockout limit) as `username`; the answer to the last."""
    for _attempt in range(5):
        response = sign_in(client, username, "wrong-password")
    return response


def test_the_sign_in_page_is_open_to_anonymous_visitors(client: Client) -> None:
    response = client.get(reverse(LOGIN_URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert 'autocomplete="username"' in body
    assert 'autocomplete="current-password"' in body
    assert '<label class="label" for="id_username">' in body


def test_a_correct_password_signs_in_and_opens_the_start_page_in_the_preferred_language(
    client: Client,
) -> None:
    user = UserFactory(preferred_language="ru")  # no roles: no second factor owed
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/ru/"
    assert client.get("/ru/").status_code == 200
    assert response.cookies["django_language"].value == "ru"


def test_signing_in_is_recorded_in_the_audit_log(client: Client) -> None:
    user = UserFactory()
    sign_in(client, user.username)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == user
    assert event.target_id == str(user.pk)


def test_sign_in_follows_a_next_address_on_this_site(client: Client) -> None:
    user = UserFactory()
    profile = reverse("accounts:profile")
    response = sign_in(client, user.username, next=profile)
    assert response["Location"] == profile


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/path", "javascript:alert(1)"]
)
def test_sign_in_ignores_a_next_address_elsewhere(client: Client, next_url: str) -> None:
    user = UserFactory(preferred_language="en")
    response = sign_in(client, user.username, next=next_url)
    assert response["Location"] == "/en/"


@pytest.mark.usefixtures("english")
def test_a_wrong_password_shows_an_error_and_signs_nobody_in(client: Client) -> None:
    user = UserFactory()
    response = sign_in(client, user.username, "not the password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The username or password is not right" in body
    assert 'class="error-summary"' in body
    assert signed_in_as(client) is None


def test_a_failed_sign_in_is_recorded_without_the_password_or_the_username(
    client: Client,
) -> None:
    user = UserFactory(username="aigul.test")
    sign_in(client, user.username, "Secret-Guess-123")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_username == ""
    assert event.target_type == "accounts.user"
    assert event.target_id == str(user.pk)
    recorded = f"{event.detail} {event.fields}"
    assert "Secret-Guess-123" not in recorded
    assert "aigul" not in recorded


def test_a_failed_sign_in_with_an_unknown_username_points_at_no_account(client: Client) -> None:
    sign_in(client, "nobody-here", "whatever-it-is")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.target_id == ""


def test_an_inactive_account_cannot_sign_in(client: Client) -> None:
    user = UserFactory(is_active=False)
    response = sign_in(client, user.username)
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_five_wrong_passwords_lock_the_account_and_show_the_locked_page(client: Client) -> None:
    user = UserFactory()
    for _attempt in range(4):
        assert sign_in(client, user.username, "wrong-password").status_code == 200
    response = sign_in(client, user.username, "wrong-password")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    # Locked means locked: even the right password is refused now.
    response = sign_in(client, user.username)
    assert response.status_code == 429
    assert signed_in_as(client) is None
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, detail="locked out").exists()


@pytest.mark.usefixtures("english")
def test_the_locked_page_says_the_account_is_locked_and_when_to_try_again(
    client: Client, settings: pytest.FixtureRequest
) -> None:
    settings.AXES_COOLOFF_TIME = 0.5  # type: ignore[attr-defined]  # 30 minutes, in hours
    user = UserFactory()
    response = five_wrong_passwords(client, user.username)
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "Sign-in temporarily locked" in body
    assert "You can try again 30 minutes after the attempt that locked sign-in" in body


def test_one_persons_wrong_passwords_never_lock_out_a_colleague_at_the_same_address(
    client: Client,
) -> None:
    # Colleagues in one office share an address; a lockout keys on the account and the address.
    for number in range(5):
        response = sign_in(client, f"guess{number}", "wrong-password")
    assert response.status_code == 200
    typist, colleague = UserFactory(), UserFactory()
    assert five_wrong_passwords(client, typist.username).status_code == 429
    assert sign_in(client, colleague.username).status_code == 302


def test_attempts_made_while_locked_do_not_extend_the_lock(
    client: Client, settings: pytest.FixtureRequest
) -> None:
    from axes.models import AccessAttempt

    settings.AXES_COOLOFF_TIME = 0.5  # type: ignore[attr-defined]  # 30 minutes, in hours
    user = UserFactory()
    five_wrong_passwords(client, user.username)
    # The lock began 29 minutes ago; another wrong attempt now must not start it again.
    locked_at = timezone.now() - dt.timedelta(minutes=29)
    AccessAttempt.objects.update(attempt_time=locked_at)
    assert sign_in(client, user.username, "wrong-password").status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_at
    # Thirty minutes after the lock began, the right password opens the account again.
    AccessAttempt.objects.update(attempt_time=locked_at - dt.timedelta(minutes=2))
    assert sign_in(client, user.username).status_code == 302


def test_the_demo_signs_its_own_accounts_in_with_the_password_alone(
    client: Client, demo_mode: None
) -> None:
    user = UserFactory(username="clinician", roles=[Role.CLINICIAN], preferred_language="kk")
    response = sign_in(client, user.username)
    assert response["Location"] == "/kk/"
    assert client.get("/kk/").status_code == 200


def test_the_demo_asks_any_other_account_to_set_up_its_second_factor(
    client: Client, demo_mode: None
) -> None:
    user = UserFactory(roles=[Role.CLINICIAN], preferred_language="kk")
    response = sign_in(client, user.username)
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert client.get("/kk/")["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_demo_asks_another_account_with_an_authenticator_for_its_code(
    client: Client, demo_mode: None
) -> None:
    user = UserFactory(roles=[Role.CLINICIAN], preferred_language="kk")
    confirmed_authenticator(user)
    response = sign_in(client, user.username)
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert client.get("/kk/")["Location"].startswith(reverse("accounts:verify"))


def test_the_demo_asks_even_a_demo_account_with_an_authenticator_for_its_code(
    client: Client, demo_mode: None
) -> None:
    user = UserFactory(username="clinician", roles=[Role.CLINICIAN])
    confirmed_authenticator(user)
    response = sign_in(client, user.username)
    assert response["Location"].startswith(reverse("accounts:verify"))


def test_the_demo_banner_says_whose_second_factor_is_off(
    client: Client, demo_mode: None, settings
) -> None:
    page = client.get("/en/accounts/login/").content.decode()
    assert "Two-factor login is switched off for the demo accounts." in page
    settings.KOPIR_REQUIRE_2FA = False
    page = client.get("/en/accounts/login/").content.decode()
    assert "Two-factor login is switched off for every account." in page


def test_the_demo_sign_in_page_lists_the_demo_accounts(client: Client, demo_mode: None) -> None:
    body = client.get(reverse(LOGIN_URL)).content.decode()
    assert "kopir-demo-2026" in body
    assert "clinician" in body


def test_the_demo_list_names_the_chair_as_the_chair_not_a_member(
    client: Client, demo_mode: None
) -> None:
    body = client.get("/kk/accounts/login/").content.decode()
    assert "<kbd>chair</kbd> — Кеңес төрағасы" in body
    assert "<kbd>member</kbd> — Кеңес мүшесі" in body


def test_the_demo_list_tells_the_agency_officers_apart_by_their_organisation(
    client: Client, demo_mode: None
) -> None:
    from kopir.directory import demo as directory_demo

    directory_demo.load()
    body = client.get("/kk/accounts/login/").content.decode()
    officers = re.findall(
        r"<li><kbd>([\w-]+)</kbd> — Мемлекеттік орган қызметкері, ([^<]+)</li>", body
    )
    assert {"agency", "health", "education", "career", "akimat"} <= {name for name, _ in officers}
    assert len({organisation for _, organisation in officers}) == len(officers), officers


def test_the_demo_accounts_are_not_listed_outside_the_demo(client: Client) -> None:
    assert "kopir-demo-2026" not in client.get(reverse(LOGIN_URL)).content.decode()


def test_signing_out_needs_a_post(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert signed_in_as(client) == str(user.pk)


@pytest.mark.usefixtures("english")
def test_signing_out_ends_the_session_and_returns_to_the_sign_in_page(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(LOGIN_URL)
    assert "You have signed out." in response.content.decode()
    assert signed_in_as(client) is None
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=user).exists()


def test_a_signed_in_visitor_opening_the_sign_in_page_goes_to_the_start_page(
    client: Client,
) -> None:
    user: User = UserFactory(preferred_language="en")
    client.force_login(user)
    assert client.get(reverse(LOGIN_URL))["Location"] == "/en/"
