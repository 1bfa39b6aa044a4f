"""Sessions end after 30 idle minutes; every request starts the 30 minutes again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import User
from kopir.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def move_clock(monkeypatch: pytest.MonkeyPatch, start: dt.datetime, minutes: int) -> None:
    later = start + dt.timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: later)


def still_signed_in(client: Client, user: User) -> bool:
    """The start page answers and greets the user by name: the session is still theirs."""
    response = client.get(reverse("core:home"))
    return response.status_code == 200 and user.get_full_name() in response.content.decode()


def sign_in_with_password(client: Client, user: User):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def signed_in_with_password(client: Client) -> User:
    """A new account, signed in through the sign-in page (the session starts now)."""
    user = UserFactory()
    sign_in_with_password(client, user)
    return user


def test_the_configured_idle_limit_is_thirty_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_a_session_idle_for_more_than_thirty_minutes_has_ended(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = timezone.now()
    user = signed_in_with_password(client)
    assert client.session.get_expiry_age() == 30 * 60
    move_clock(monkeypatch, start, 29)
    assert still_signed_in(client, user)
    move_clock(monkeypatch, start, 29 + 31)
    # A staff page sends the visitor to sign in; the home page is the public front door again.
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    front_door = client.get(reverse("core:home")).content.decode()
    assert user.get_full_name() not in front_door


def test_activity_keeps_the_session_alive_beyond_thirty_minutes(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = timezone.now()
    user = signed_in_with_password(client)
    for minutes in (20, 40, 60):
        move_clock(monkeypatch, start, minutes)
        assert still_signed_in(client, user)


def test_the_session_cookie_is_not_kept_after_the_browser_closes(client: Client) -> None:
    response = sign_in_with_password(client, UserFactory())
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True


ENDED = {
    "en": "Your session ended after 30 minutes without activity, so what you sent was not saved.",
    "kk": "Сеансыңыз 30 минут әрекетсіз тұрғаннан кейін аяқталды, сондықтан жіберген деректеріңіз сақталмады.",
    "ru": "Ваш сеанс завершился после 30 минут бездействия, поэтому отправленные данные не сохранены.",
}


def _idle_too_long(client: Client, monkeypatch: pytest.MonkeyPatch) -> User:
    start = timezone.now()
    user = signed_in_with_password(client)
    move_clock(monkeypatch, start, 31)
    return user


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_form_sent_after_the_session_ended_says_so_and_comes_back_after_sign_in(
    client: Client, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    user = _idle_too_long(client, monkeypatch)
    page = f"/{language}/accounts/profile/"
    response = client.post(
        page, {"preferred_language": "ru"}, HTTP_REFERER=f"http://testserver{page}"
    )
    assert response.status_code == 302
    login_page = client.get(response["Location"])
    text = login_page.content.decode()
    assert ENDED[language] in text
    user.refresh_from_db()
    assert user.preferred_language == "kk"  # nothing was saved
    signed_in = client.post(response["Location"], {"username": user.username, "password": PASSWORD})
    assert signed_in["Location"] == page


def test_a_page_asked_for_after_the_session_ended_says_so(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _idle_too_long(client, monkeypatch)
    response = client.get("/en/accounts/profile/", follow=True)
    text = response.content.decode()
    assert "Your session ended after 30 minutes without activity. Sign in again" in text
    assert "what you sent was not saved" not in text


def test_an_htmx_request_after_the_session_ended_opens_the_sign_in_page(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _idle_too_long(client, monkeypatch)
    response = client.get("/en/accounts/users/?q=a", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/en/accounts/login/?next=")


def test_after_signing_out_a_page_asks_to_sign_in_without_saying_the_session_ended(
    client: Client,
) -> None:
    signed_in_with_password(client)
    client.post(reverse("accounts:logout"))
    response = client.get("/en/accounts/profile/", follow=True)
    assert "Your session ended" not in response.content.decode()


def test_a_first_visit_is_not_told_a_session_ended(client: Client) -> None:
    response = client.get("/en/accounts/profile/", follow=True)
    assert "Your session ended" not in response.content.decode()


@pytest.mark.parametrize(
    ("minutes", "language", "said"),
    [
        (1, "en", "Your session ended after 1 minute without activity. Sign in again"),
        (45, "en", "Your session ended after 45 minutes without activity. Sign in again"),
        (1, "ru", "Ваш сеанс завершился после 1 минуты бездействия. Чтобы продолжить"),
        (21, "ru", "Ваш сеанс завершился после 21 минуты бездействия. Чтобы продолжить"),
        (45, "ru", "Ваш сеанс завершился после 45 минут бездействия. Чтобы продолжить"),
        (45, "kk", "Сеансыңыз 45 минут әрекетсіз тұрғаннан кейін аяқталды. Жалғастыру"),
    ],
    ids=lambda value: str(value) if len(str(value)) <= 2 else "",
)
def test_the_sign_in_page_says_the_idle_limit_in_force_not_thirty_minutes(
    client: Client, monkeypatch: pytest.MonkeyPatch, minutes: int, language: str, said: str
) -> None:
    """A deployment sets its own limit (KOPIR_SESSION_IDLE_SECONDS, SESSION_COOKIE_AGE): the
    page says that one, in the plural form its number takes."""
    with override_settings(SESSION_COOKIE_AGE=minutes * 60):
        start = timezone.now()
        signed_in_with_password(client)
        move_clock(monkeypatch, start, minutes + 1)
        text = client.get(f"/{language}/accounts/profile/", follow=True).content.decode()

    assert said in text
