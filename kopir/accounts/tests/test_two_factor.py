"""Step two of signing in: the authenticator code or a backup code, and setting one up."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.accounts.tests.helpers import confirmed_authenticator, current_code, sign_in_verified
from kopir.accounts.two_factor import secret_key_for_display
from kopir.accounts.views import SETUP_KEY_SESSION_KEY
from kopir.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    return UserFactory(roles=[Role.MSE_SPECIALIST], preferred_language="kk")


def password_step(client: Client, user: User, **extra: str):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD, **extra}
    )


def backup_codes_of(user: User) -> list[str]:
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_after_the_password_staff_with_an_app_are_asked_for_a_code(
    client: Client, staff: User
) -> None:
    confirmed_authenticator(staff)
    response = password_step(client, staff)
    assert response["Location"] == reverse("accounts:verify")


def test_staff_cannot_reach_the_start_page_before_the_second_factor(
    client: Client, staff: User
) -> None:
    confirmed_authenticator(staff)
    password_step(client, staff)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))


def test_the_address_asked_for_is_kept_through_the_second_factor(
    client: Client, staff: User
) -> None:
    device = confirmed_authenticator(staff)
    password_step(client, staff)
    profile = reverse("accounts:profile")
    response = client.get(profile)
    assert (
        response["Location"] == f"{reverse('accounts:verify')}?next=%2Fkk%2Faccounts%2Fprofile%2F"
    )
    response = client.post(response["Location"], {"code": current_code(device), "next": profile})
    assert response["Location"] == profile


def test_the_right_code_completes_the_sign_in(client: Client, staff: User) -> None:
    device = confirmed_authenticator(staff)
    password_step(client, staff)
    response = client.post(reverse("accounts:verify"), {"code": current_code(device)})
    assert response["Location"] == "/kk/"
    assert client.get("/kk/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN).first()
    assert event is not None
    assert event.detail == "second factor: authenticator"


@pytest.mark.usefixtures("english")
def test_a_wrong_code_is_refused_with_an_error_on_the_code_field(
    client: Client, staff: User
) -> None:
    device = confirmed_authenticator(staff)
    password_step(client, staff)
    wrong = f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(reverse("accounts:verify"), {"code": wrong})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Code: This code is not right" in body  # the error summary names the field
    assert 'aria-invalid="true"' in body
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, actor=staff, detail="second factor refused"
    ).exists()


def test_the_code_field_is_made_for_one_time_codes(client: Client, staff: User) -> None:
    confirmed_authenticator(staff)
    password_step(client, staff)
    body = client.get(reverse("accounts:verify")).content.decode()
    assert 'autocomplete="one-time-code"' in body
    assert 'inputmode="numeric"' in body


def test_a_code_already_used_cannot_sign_in_again(client: Client, staff: User) -> None:
    device = confirmed_authenticator(staff)
    code = current_code(device)
    password_step(client, staff)
    client.post(reverse("accounts:verify"), {"code": code})
    client.post(reverse("accounts:logout"))
    password_step(client, staff)
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.usefixtures("english")
def test_after_a_wrong_code_the_page_says_when_to_try_again(client: Client, staff: User) -> None:
    device = confirmed_authenticator(staff)
    password_step(client, staff)
    client.post(reverse("accounts:verify"), {"code": "000000"})
    client.post(reverse("accounts:verify"), {"code": "111111"})
    response = client.post(reverse("accounts:verify"), {"code": current_code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_backup_code_works_once(client: Client, staff: User) -> None:
    confirmed_authenticator(staff)
    device = StaticDevice.objects.create(user=staff, name="Backup codes", confirmed=True)
    device.token_set.create(token="1234567890")
    password_step(client, staff)
    response = client.post(reverse("accounts:verify"), {"code": "12345 67890"})
    assert response["Location"] == "/kk/"
    client.post(reverse("accounts:logout"))
    password_step(client, staff)
    response = client.post(reverse("accounts:verify"), {"code": "1234567890"})
    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_anonymous_visitors_are_sent_to_sign_in_from_the_code_page(client: Client) -> None:
    response = client.get(reverse("accounts:verify"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_without_an_app_are_sent_to_set_one_up(client: Client, staff: User) -> None:
    response = password_step(client, staff)
    assert response["Location"] == reverse("accounts:two_factor_setup")
    assert client.get(reverse("core:home"))["Location"].startswith(
        reverse("accounts:two_factor_setup")
    )


def test_the_set_up_page_shows_the_key_as_text_and_as_a_qr_code(
    client: Client, staff: User
) -> None:
    password_step(client, staff)
    response = client.get(reverse("accounts:two_factor_setup"))
    body = response.content.decode()
    key = client.session[SETUP_KEY_SESSION_KEY]
    assert secret_key_for_display(key) in body
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"]+">', body)
    assert "style=" not in body
    assert body.count("<h1") == 1


def test_confirming_the_app_turns_on_two_factor_and_shows_backup_codes_once(
    client: Client, staff: User
) -> None:
    password_step(client, staff)
    client.get(reverse("accounts:two_factor_setup"))
    key = client.session[SETUP_KEY_SESSION_KEY]
    code = f"{TOTP(bytes.fromhex(key)).token():06d}"
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code})
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    assert device.key == key
    codes = backup_codes_of(staff)
    assert len(codes) == 10
    body = response.content.decode()
    for stored in codes:
        assert f"{stored[:5]} {stored[5:]}" in body
    assert response["Cache-Control"].startswith("max-age=0")
    # Verified by the set-up itself, and the page with the codes is not shown again.
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("accounts:two_factor_setup"))["Location"] == reverse(
        "accounts:profile"
    )
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR, actor=staff).exists()


@pytest.mark.usefixtures("english")
def test_a_wrong_set_up_code_creates_no_device(client: Client, staff: User) -> None:
    password_step(client, staff)
    client.get(reverse("accounts:two_factor_setup"))
    key = client.session[SETUP_KEY_SESSION_KEY]
    wrong = f"{(TOTP(bytes.fromhex(key)).token() + 500_000) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_setup"), {"code": wrong})
    assert "Code from the app: This code does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    # The same key is offered again, so the app the user just set up still works.
    assert client.session[SETUP_KEY_SESSION_KEY] == key


def test_someone_with_only_the_password_cannot_add_a_second_app(
    client: Client, staff: User
) -> None:
    confirmed_authenticator(staff)
    password_step(client, staff)
    response = client.get(reverse("accounts:two_factor_setup"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_backup_codes_alone_must_be_used_before_setting_up_an_app(
    client: Client, staff: User
) -> None:
    StaticDevice.objects.create(user=staff, name="Backup codes", confirmed=True)
    password_step(client, staff)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response["Location"] == reverse("accounts:verify")


def test_new_backup_codes_replace_the_old_ones(client: Client, staff: User) -> None:
    sign_in_verified(client, staff)
    device = StaticDevice.objects.create(user=staff, name="Backup codes", confirmed=True)
    device.token_set.create(token="1111122222")
    response = client.post(reverse("accounts:backup_codes_regenerate"))
    assert response.status_code == 200
    codes = backup_codes_of(staff)
    assert len(codes) == 10
    assert "1111122222" not in codes
    assert f"{codes[0][:5]} {codes[0][5:]}" in response.content.decode()


def test_backup_codes_cannot_be_regenerated_by_a_get(client: Client, staff: User) -> None:
    sign_in_verified(client, staff)
    assert client.get(reverse("accounts:backup_codes_regenerate")).status_code == 405


# --- The demo's shared accounts -----------------------------------------------------------------

SHARED = "every visitor of the demo signs in to it with the same published password"


@pytest.fixture
def demo_account(db: None) -> User:
    """A published demo account: its username is on the demo's sign-in page."""
    return UserFactory(username="clinician", roles=[Role.CLINICIAN], preferred_language="en")


@pytest.mark.usefixtures("demo_mode")
def test_a_shared_demo_account_is_refused_an_authenticator_and_told_why(
    client: Client, demo_account: User
) -> None:
    """One visitor's app on a shared account made every later visitor need its code."""
    password_step(client, demo_account)
    response = client.get("/en/accounts/two-factor/")
    assert response.status_code == 403
    body = response.content.decode()
    assert SHARED in body
    assert "every later visitor would need the code from your phone" in body
    assert "<img" not in body
    assert SETUP_KEY_SESSION_KEY not in client.session
    # A code for a key of the visitor's own, posted all the same, sets up nothing.
    session = client.session
    session[SETUP_KEY_SESSION_KEY] = "3132333435363738393031323334353637383930"
    session.save()
    code = f"{TOTP(bytes.fromhex(session[SETUP_KEY_SESSION_KEY])).token():06d}"
    assert client.post("/en/accounts/two-factor/", {"code": code}).status_code == 403
    assert not TOTPDevice.objects.filter(user=demo_account).exists()
    assert not StaticDevice.objects.filter(user=demo_account).exists()
    # Nor can backup codes be made, and the next visitor still signs in with the password alone.
    client.post(reverse("accounts:backup_codes_regenerate"))
    assert not StaticDevice.objects.filter(user=demo_account).exists()
    client.post(reverse("accounts:logout"))
    assert password_step(Client(), demo_account)["Location"] == "/en/"


@pytest.mark.usefixtures("demo_mode")
def test_the_service_refuses_a_shared_demo_account_an_authenticator(demo_account: User) -> None:
    from django.core.exceptions import ValidationError
    from django.test import RequestFactory

    from kopir.accounts.services import two_factor_setup_confirm

    key = "3132333435363738393031323334353637383930"
    with translation.override("en"), pytest.raises(ValidationError, match=SHARED):
        two_factor_setup_confirm(
            user=demo_account,
            key=key,
            code=f"{TOTP(bytes.fromhex(key)).token():06d}",
            request=RequestFactory().post("/"),
        )
    assert not TOTPDevice.objects.filter(user=demo_account).exists()


@pytest.mark.usefixtures("demo_mode")
def test_a_shared_demo_accounts_profile_says_why_it_has_no_set_up(
    client: Client, demo_account: User
) -> None:
    password_step(client, demo_account)
    body = client.get("/en/accounts/profile/").content.decode()
    assert SHARED in body
    assert reverse("accounts:two_factor_setup") not in body


@pytest.mark.usefixtures("demo_mode")
def test_in_the_demo_an_account_of_ones_own_still_sets_up_its_authenticator(
    client: Client, staff: User
) -> None:
    password_step(client, staff)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 200
    assert SHARED not in response.content.decode()
    key = client.session[SETUP_KEY_SESSION_KEY]
    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": f"{TOTP(bytes.fromhex(key)).token():06d}"}
    )
    assert response.status_code == 200
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert len(backup_codes_of(staff)) == 10


def test_outside_the_demo_a_demo_username_is_an_account_like_any_other(
    client: Client, demo_account: User
) -> None:
    password_step(client, demo_account)
    response = client.get("/en/accounts/two-factor/")
    assert response.status_code == 200
    assert SHARED not in response.content.decode()
    assert SETUP_KEY_SESSION_KEY in client.session
