"""Helpers other apps' tests may use to sign in the way Kopir's staff do (with a second factor),
and what an account's edit takes and a locked-out account, for the accounts tests."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from kopir.accounts.models import User


def confirmed_authenticator(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app would show right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in_verified(client: Client, user: Any) -> TOTPDevice:
    """Sign `user` in as if they had passed both steps: password and authenticator code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = confirmed_authenticator(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def update_values(user: User, **overrides: Any) -> dict[str, Any]:
    """What user_update takes to leave `user` as it is, with `overrides` changed."""
    values: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation,
        "roles": sorted(user.role_set),
        "is_active": user.is_active,
        "preferred_language": user.preferred_language,
    }
    values.update(overrides)
    return values


def edit_data(account: User, **overrides: Any) -> dict[str, Any]:
    """The edit form as the page fills it for `account`, with `overrides` typed in."""
    data: dict[str, Any] = {
        **update_values(account),
        "organisation": account.organisation_id,
        "is_active": "on" if account.is_active else "",
        "password1": "",
        "password2": "",
        "version": account.version,
    }
    data.update(overrides)
    return data


def failed_sign_ins(
    username: str, failures: int, *, minutes_ago: int = 1, address: str = "192.0.2.1"
) -> None:
    """What django-axes keeps of `failures` wrong passwords typed for `username` from `address`,
    the last one `minutes_ago` minutes ago: at the failure limit, within the cool-off, a lock."""
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address=address,
        user_agent="test",
        http_accept="*/*",
        path_info="/kk/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=failures,
    )
    # attempt_time is set on creation; move it back.
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
