"""Reads for accounts: the administrator's list, one account, the state of a second factor.

What an administrator reads of staff accounts (names, e-mail addresses, roles) is personal data:
the list and the account page leave an audit record in the same transaction as the read.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kopir.accounts.access import require_administrator
from kopir.accounts.models import User, fold_for_search
from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record, audited
from kopir.directory.models import Organisation

USER_TARGET_TYPE = "accounts.user"
USERS_PER_PAGE = 25


def _locking_attempts(now: dt.datetime | None = None) -> QuerySet[AccessAttempt]:
    """The sign-in attempts that lock an account now: as many failures as the lockout allows,
    the last one within the lockout period (`AXES_FAILURE_LIMIT`, `AXES_COOLOFF_TIME`)."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=(now or timezone.now()) - _lockout_period(),
    ).exclude(username=None)


def _lockout_period() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def locked_usernames(now: dt.datetime | None = None) -> QuerySet[Any]:
    """The usernames locked out now (indexed by username and attempt time)."""
    return _locking_attempts(now).values("username")


@dataclass(frozen=True)
class Lockout:
    """One lock on an account's sign-in: from the attempt that set it (later attempts while it
    holds are not recorded) until it lifts by itself, and the network it was set from."""

    since: dt.datetime
    until: dt.datetime
    network: str


def _network_of(address: str | None) -> str:
    """The network an address belongs to (IPv4 /24, IPv6 /48), never the address itself.

    Enough for an administrator to tell the person's own office from somewhere unknown (someone
    guessing the password), without the client address, which is personal data.
    """
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def account_lockouts(user: User) -> list[Lockout]:
    """The locks on this account's sign-in now, the latest first (one per address it is locked
    from: the lockout counts an account and an address together)."""
    attempts = _locking_attempts().filter(username=user.username).order_by("-attempt_time")
    return [
        Lockout(
            since=attempt.attempt_time,
            until=attempt.attempt_time + _lockout_period(),
            network=_network_of(attempt.ip_address),
        )
        for attempt in attempts
    ]


def locked_count() -> int:
    """How many accounts are locked out now (the administrators' home page)."""
    return User.objects.filter(username__in=locked_usernames()).count()


def user_search(
    *,
    query: str = "",
    organisation: Organisation | None = None,
    role: str = "",
    locked: bool = False,
) -> QuerySet[User]:
    """Accounts matching every word of `query` (in username, first or last name) and the filters,
    each telling whether its sign-in is locked out now (`is_locked`).

    Organisation, roles and the lock come with the rows, so a page of results costs the same few queries
    however many rows it shows.
    """
    users = (
        User.objects.select_related("organisation")
        .prefetch_related("role_assignments")
        .annotate(is_locked=Exists(_locking_attempts().filter(username=OuterRef("username"))))
    )
    for word in fold_for_search(query).split():
        users = users.filter(search_text__contains=word)
    if organisation is not None:
        users = users.filter(organisation=organisation)
    if role:
        users = users.filter(role_assignments__role=role)
    if locked:
        users = users.filter(username__in=locked_usernames())
    return users.order_by("username")


def user_search_page(
    viewer: Any,
    *,
    query: str = "",
    organisation: Organisation | None = None,
    role: str = "",
    locked: bool = False,
    page: int | str | None = 1,
    request: HttpRequest | None = None,
) -> Page[User]:
    """One page of `user_search` for an administrator, with the search recorded.

    Like a search of persons, the record says what kind of search it was, never the words
    searched for: they may be a name. Anyone but an administrator is refused (403) first.
    """
    require_administrator(viewer)
    users = user_search(query=query, organisation=organisation, role=role, locked=locked)
    kinds = [
        kind
        for kind, used in (
            ("by_name", bool(query.strip())),
            ("by_organisation", organisation is not None),
            ("by_role", bool(role)),
            ("locked", locked),
        )
        if used
    ]
    with transaction.atomic():
        result = Paginator(users, USERS_PER_PAGE).get_page(page)
        # Read the page's rows now, inside the transaction that records the read.
        list(result.object_list)
        audit_record(
            actor=viewer,
            action=AuditAction.SEARCH,
            target_type=USER_TARGET_TYPE,
            request=request,
            detail=", ".join(kinds) or "all",
        )
    return result


def user_get(pk: int) -> User:
    """One account, not audited: for writes, whose services record what they do."""
    return get_object_or_404(User.objects.select_related("organisation"), pk=pk)


def user_for_view(
    viewer: Any, pk: int, *, request: HttpRequest | None = None, detail: str = ""
) -> User:
    """One account for an administrator to read, with the read recorded.

    A viewer who is not an administrator is refused (403), and an unknown id is not found
    (404), before anything is recorded.
    """
    require_administrator(viewer)
    with transaction.atomic():
        account = user_get(pk)
        audited(account, AuditAction.VIEW, actor=viewer, request=request, detail=detail)
    return account


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
