"""The password rules and their refusals read in the page's language, never in English."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from kopir.accounts.forms import password_rules_text
from kopir.accounts.models import User

pytestmark = pytest.mark.django_db

# Each refused: too short, too common and all digits; too similar to the username.
PASSWORDS = {"1234": None, "aigerim.kasymova": "aigerim.kasymova"}

EXPECTED = {
    "kk": ["Бұл құпиясөз тым қысқа. Онда кемінде 12 таңба болуы тиіс."],
    "ru": ["Пароль слишком короткий. Он должен содержать не менее 12 символов."],
}


def _refusals(password: str, username: str | None) -> list[str]:
    user = User(username=username or "someone", first_name="Әйгерім")
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        return list(error.messages)
    return []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_password_validators_refuse_in_the_readers_language(language: str) -> None:
    with translation.override(language):
        messages = [
            message
            for password, username in PASSWORDS.items()
            for message in _refusals(password, username)
        ]
        rules = password_rules_text()
    assert len(messages) == 4, messages
    for text in [*messages, rules]:
        assert "password" not in text.lower(), text
        assert "%" not in text, text
    for expected in EXPECTED[language]:
        assert expected in messages


def test_an_empty_initial_password_is_only_said_to_be_required(admin_client: Client) -> None:
    response = admin_client.post(
        "/kk/accounts/users/new/",
        {"username": "new.one", "first_name": "Ә", "last_name": "Қ", "roles": []},
    )
    errors = response.context["form"].errors
    assert errors["password1"] == ["Бұл өрісті толтыру міндетті."]
