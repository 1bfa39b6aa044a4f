"""Reads for accounts: the administrator's list, one account, the state of a second factor."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kopir.accounts.models import User, fold_for_search
from kopir.directory.models import Organisation


def user_search(
    *, query: str = "", organisation: Organisation | None = None, role: str = ""
) -> QuerySet[User]:
    """Accounts matching every word of `query` (in username, first or last name) and the filters.

    Organisation and roles come with the rows, so a page of results costs the same few queries
    however many rows it shows.
    """
    users = User.objects.select_related("organisation").prefetch_related("role_assignments")
    for word in fold_for_search(query).split():
        users = users.filter(search_text__contains=word)
    if organisation is not None:
        users = users.filter(organisation=organisation)
    if role:
        users = users.filter(role_assignments__role=role)
    return users.order_by("username")


def user_get(pk: int) -> User:
    return get_object_or_404(User.objects.select_related("organisation"), pk=pk)


def user_id_for_username(username: str) -> int | None:
    """The id of the account with this exact username, if there is one (for sign-in records)."""
    return User.objects.filter(username=username).values_list("pk", flat=True).first()


@dataclass(frozen=True)
class TwoFactorStatus:
    has_authenticator: bool
    backup_codes_left: int
    has_any_device: bool


def two_factor_status(user: User) -> TwoFactorStatus:
    has_authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    codes_left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    has_backup_device = StaticDevice.objects.filter(user=user, confirmed=True).exists()
    return TwoFactorStatus(
        has_authenticator=has_authenticator,
        backup_codes_left=codes_left,
        has_any_device=has_authenticator or has_backup_device,
    )
