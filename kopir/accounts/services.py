"""Writes to accounts: sign-in records, second factor, account administration.

Every function here is the only way Kopir makes its change, runs in one transaction and writes
its audit record inside that transaction. Audit records name fields, never their values: no
names, e-mail addresses or passwords reach the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NotRequired, TypedDict, Unpack

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kopir.accounts import two_factor
from kopir.accounts.access import may_set_up_second_factor
from kopir.accounts.models import Role, RoleAssignment, User
from kopir.accounts.selectors import USER_TARGET_TYPE, user_id_for_username
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record, audited, save_audited
from kopir.core.errors import ConflictError
from kopir.core.versioning import assign_changes, require_current, update_if_current
from kopir.directory.models import Organisation

# The sentence the people registry's conflict panel already uses, so it is translated already.
# Why a published demo account cannot have an authenticator (access.may_set_up_second_factor).
SHARED_DEMO_ACCOUNT = _(
    "This is one of the demo's shared accounts: every visitor of the demo signs in to it with "
    "the same published password. Two-factor sign-in cannot be set up on it, or every later "
    "visitor would need the code from your phone. To try two-factor sign-in, sign in with an "
    "account of your own (the demo's administrator can create one)."
)
CONFLICT = _(
    "Someone saved this record while you were editing it. Your changes below were not saved."
)
# The account fields an administrator edits; the audit record lists those that changed.
ACCOUNT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "organisation",
    "preferred_language",
    "is_active",
)


class AccountData(TypedDict):
    """The account fields an administrator enters, received as keywords (decision 8).

    `is_active` and `preferred_language` may be left out: a new account is then active and in
    the default language, an updated one keeps what it has.
    """

    username: str
    first_name: str
    last_name: str
    email: str
    organisation: Organisation | None
    roles: Iterable[str]
    is_active: NotRequired[bool]
    preferred_language: NotRequired[str]


# --- Signing in and out ------------------------------------------------------------------------


def login_record_success(*, user: User, request: HttpRequest, second_factor_pending: bool) -> None:
    """Record a correct password. When a second factor is still owed, the record says so."""
    detail = "password accepted; second factor pending" if second_factor_pending else "password"
    with transaction.atomic():
        audited(user, AuditAction.LOGIN, actor=user, request=request, detail=detail)


def login_record_failure(*, username: str, request: HttpRequest, locked_out: bool) -> None:
    """Record a refused sign-in.

    Nobody is signed in, so there is no actor. The record points at the account when the
    username exists, so an administrator can see guessing against one account; the username
    itself (and certainly the password) stays out of the record.
    """
    user_id = user_id_for_username(username)
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            target_type=USER_TARGET_TYPE,
            target_id=user_id or "",
            request=request,
            detail="locked out" if locked_out else "wrong username or password",
        )


def logout_record(*, user: User, request: HttpRequest) -> None:
    with transaction.atomic():
        audited(user, AuditAction.LOGOUT, actor=user, request=request)


# --- Second factor -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyOutcome:
    """The result of checking a second-factor code.

    `device` is the device that accepted the code. When none did and `retry_at` is set, the
    devices refused to check at all because of earlier wrong codes (django-otp's exponential
    back-off); the user must wait until then.
    """

    device: Device | None
    retry_at: dt.datetime | None = None


def two_factor_verify(*, user: User, code: str, request: HttpRequest) -> VerifyOutcome:
    """Check a code from the authenticator app or a backup code, and record the result.

    A 6-digit code is checked against the authenticator only, and a backup code against the
    backup codes only, so a mistyped code of one kind never counts against the other's back-off.
    The devices are locked for the check so that one code cannot be used twice at once.
    """
    code = two_factor.normalise_code(code)
    model: type[TOTPDevice] | type[StaticDevice] = (
        TOTPDevice if two_factor.looks_like_totp(code) else StaticDevice
    )
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
        retry_at: dt.datetime | None = None
        for device in devices:
            allowed, data = device.verify_is_allowed()
            if not allowed:
                locked_until = (data or {}).get("locked_until")
                if locked_until is not None:
                    retry_at = max(retry_at or locked_until, locked_until)
                continue
            # A failed check is saved by the device itself (its back-off counter), inside this
            # transaction; nothing below raises, so the counter is kept.
            if device.verify_token(code):
                kind = "backup code" if isinstance(device, StaticDevice) else "authenticator"
                audited(
                    user,
                    AuditAction.LOGIN,
                    actor=user,
                    request=request,
                    detail=f"second factor: {kind}",
                )
                return VerifyOutcome(device=device)
        audited(
            user,
            AuditAction.LOGIN_FAILED,
            actor=user,
            request=request,
            detail="second factor refused",
        )
    return VerifyOutcome(device=None, retry_at=retry_at)


def _replace_backup_codes(user: User) -> list[str]:
    """Throw away the user's backup codes and issue a new set. Call inside a transaction."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=two_factor.BACKUP_CODES_NAME, defaults={"confirmed": True}
    )
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [two_factor.new_backup_code() for _ in range(two_factor.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_setup_confirm(
    *, user: User, key: str, code: str, request: HttpRequest
) -> tuple[TOTPDevice, list[str]]:
    """Turn the secret shown during set-up into the user's authenticator, once they prove it works.

    Returns the device and a fresh set of backup codes (to be shown once, never again).
    Raises ValidationError on `code` when the code does not match the secret, and for a shared
    demo account (`access.may_set_up_second_factor`).
    """
    if not may_set_up_second_factor(user):
        raise ValidationError(SHARED_DEMO_ACCOUNT)
    check = two_factor.check_totp(key, two_factor.normalise_code(code))
    if not check.accepted:
        raise ValidationError(
            {
                "code": _(
                    "This code does not match. Check that the app shows Kopir and enter the "
                    "6-digit code it shows now."
                )
            }
        )
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update().exists():
            raise ValidationError(_("Two-factor sign-in is already set up for this account."))
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice(
            user=user,
            name=two_factor.AUTHENTICATOR_NAME,
            key=key,
            confirmed=True,
            # The code just used cannot be used again to sign in.
            last_t=check.time_step,
            drift=check.drift,
        )
        device.full_clean()
        device.save()
        codes = _replace_backup_codes(user)
        _record_two_factor(
            user, user, request, ["authenticator", "backup_codes"], "authenticator set up"
        )
    return device, codes


def _record_two_factor(
    actor: User | None, user: User, request: HttpRequest | None, fields: list[str], detail: str
) -> None:
    audited(user, AuditAction.TWO_FACTOR, fields, actor=actor, request=request, detail=detail)


def two_factor_backup_codes_regenerate(*, user: User, request: HttpRequest) -> list[str]:
    """Replace the user's backup codes; the old ones stop working at once."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(_("Set up an authenticator app before creating backup codes."))
        codes = _replace_backup_codes(user)
        _record_two_factor(user, user, request, ["backup_codes"], "backup codes replaced")
    return codes


def user_reset_two_factor(
    *,
    actor: User | None,
    user: User,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    why: str = "reset by administrator",
) -> int:
    """Remove an account's authenticator and backup codes (a lost phone).

    The account must set up two-factor sign-in again at its next sign-in; a session it has open
    loses its verified state too, because the device it was verified with no longer exists.
    Given the `expected_version` its confirmation page was read at, a reset from a page read
    before the account changed is refused (ConflictError). Returns how many devices were removed.
    """
    with transaction.atomic():
        if expected_version is not None:
            require_current(user, expected_version, CONFLICT)
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            count, _per_model = model.objects.filter(user=user).delete()
            removed += count
        if removed:
            # The account page shows the two-factor state beside the form: a form opened before
            # the reset was read from an account that has changed since.
            _raise_version(user)
        _record_two_factor(actor, user, request, ["authenticator", "backup_codes"], why)
    return removed


def _lockouts_lift(usernames: set[str]) -> int:
    """Forget the failed sign-ins counted against these usernames, from every address, so a
    lock on them lifts at once. Returns how many records of attempts were removed."""
    removed, _per_model = AccessAttempt.objects.filter(username__in=usernames).delete()
    return removed


def user_unlock(
    *, actor: User, user: User, expected_version: int, request: HttpRequest | None = None
) -> int:
    """Lift the lockout on an account's sign-in, from every address, before it lifts by itself
    (the person is known and has their password again). The failed attempts counted are
    forgotten; the audit log keeps each of them. Returns how many records of attempts were
    removed: none when the lock had already lifted.
    """
    with transaction.atomic():
        require_current(user, expected_version, CONFLICT)
        removed = _lockouts_lift({user.username})
        if removed:
            # The account page shows the lock beside the form.
            _raise_version(user)
        audited(
            user, AuditAction.UPDATE, ["lockout"], actor=actor, request=request, detail="unlocked"
        )
    return removed


# --- Accounts ----------------------------------------------------------------------------------


def _raise_version(user: User) -> None:
    """Count one more change to the account. Call inside the transaction of the change.

    The database adds the one, so two changes at once both count; the instance then carries the
    stored number.
    """
    User.objects.filter(pk=user.pk).update(version=F("version") + 1)
    user.refresh_from_db(fields=["version"])


def _check_username_free(username: str, *, exclude_pk: int | None = None) -> None:
    # Django's unique constraint is case-sensitive; "Aigul" and "aigul" would be two accounts
    # that people cannot tell apart when they say them aloud.
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"username": _("An account with this username already exists.")})


def _set_roles(user: User, roles: Iterable[str]) -> bool:
    """Make the account hold exactly these roles. Returns whether anything changed."""
    wanted = {Role(role).value for role in roles}
    current = set(user.role_assignments.values_list("role", flat=True))
    if wanted == current:
        return False
    user.role_assignments.filter(role__in=current - wanted).delete()
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=role) for role in sorted(wanted - current)
    )
    # The roles were read once per request; read them again next time they are asked for.
    user.__dict__.pop("role_set", None)
    return True


def user_create(
    *,
    actor: User | None,
    password: str,
    request: HttpRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
    **data: Unpack[AccountData],
) -> User:
    """Create a staff account with an initial password the administrator hands over.

    The password is checked against Django's validators by the form that collects it; the
    account sets up its authenticator at its first sign-in.
    """
    with transaction.atomic():
        _check_username_free(data["username"])
        user = User(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            organisation=data["organisation"],
            is_active=data.get("is_active", True),
            preferred_language=data.get("preferred_language", settings.LANGUAGE_CODE),
        )
        user.set_password(password)
        user.search_text = user.compute_search_text()
        save_audited(
            user,
            AuditAction.CREATE,
            [*ACCOUNT_FIELDS, "password", "roles"],
            actor=actor,
            request=request,
            channel=channel,
        )
        _set_roles(user, data["roles"])
    return user


def user_update(
    *,
    actor: User | None,
    user: User,
    expected_version: int,
    password: str = "",
    request: HttpRequest | None = None,
    channel: AuditChannel = AuditChannel.WEB,
    **data: Unpack[AccountData],
) -> User:
    """Change an account if nobody changed it since it was read at `expected_version`.

    Returns `user`, refreshed from the database; its version is still `expected_version` when
    nothing differed (nothing was written). Raises ConflictError, writing nothing, when the account was changed in between. The stored
    row is read afresh, so the changes are measured against it and not against `user`, which is
    brought up to date afterwards.

    An administrator cannot take away their own administrator role or deactivate themselves:
    the last administrator locking everyone out is a mistake nobody could undo from the web.
    A non-empty `password` replaces the account's password, which also ends its open sessions.
    """
    roles = list(data["roles"])
    username = data["username"]
    with transaction.atomic():
        # The row lock (PostgreSQL) or the IMMEDIATE write lock (SQLite) keeps the version from
        # moving between this read and the writes below.
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.version != expected_version:
            raise ConflictError(CONFLICT)
        # What the caller left out stays as stored.
        new_values = {name: data.get(name, getattr(current, name)) for name in ACCOUNT_FIELDS}
        is_active = new_values["is_active"]
        if actor is not None and actor.pk == current.pk:
            errors = {}
            if Role.ADMINISTRATOR in current.role_set and Role.ADMINISTRATOR not in roles:
                errors["roles"] = _("You cannot remove your own administrator role.")
            if not is_active:
                errors["is_active"] = _("You cannot deactivate your own account.")
            if errors:
                raise ValidationError(errors)
        if username != current.username:
            _check_username_free(username, exclude_pk=current.pk)
        changed = assign_changes(current, new_values)
        if password:
            current.set_password(password)
            changed.append("password")
        save_fields = ["organisation_id" if name == "organisation" else name for name in changed]
        if set(changed) & set(User.SEARCH_FIELDS):
            current.search_text = current.compute_search_text()
            save_fields.append("search_text")
        current.full_clean()
        if save_fields:
            current.save(update_fields=save_fields)
        if _set_roles(current, roles):
            changed.append("roles")
        # A new password from the administrator is what the lockout page tells a locked-out
        # person to ask for: it lifts the lock too (under the old username and the new).
        if password and _lockouts_lift({current.username, user.username}):
            changed.append("lockout")
        if changed:
            _record_update(actor, current, expected_version, changed, request, channel)
    user.refresh_from_db()
    user.__dict__.pop("role_set", None)
    return user


def _record_update(
    actor: User | None,
    current: User,
    expected_version: int,
    changed: list[str],
    request: HttpRequest | None,
    channel: AuditChannel,
) -> None:
    # The version in the WHERE clause is the last guard: should a change slip in despite the
    # lock, no row matches, and raising here undoes the writes before it in the transaction.
    update_if_current(current, expected_version, CONFLICT)
    audited(current, AuditAction.UPDATE, changed, actor=actor, request=request, channel=channel)


def user_update_preferences(
    *, user: User, preferred_language: str, request: HttpRequest | None = None
) -> User:
    """The account holder's own settings. Returns `user`, saved (its version unchanged if the
    language was already the chosen one)."""
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Choose one of the languages offered.")})
    if user.preferred_language == preferred_language:
        return user
    user.preferred_language = preferred_language
    _save_own_change(user, "preferred_language", request)
    return user


def user_change_password(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """The account holder replaces their own password (checked by the form that collected it)."""
    user.set_password(password)
    _save_own_change(user, "password", request)


def _save_own_change(user: User, field: str, request: HttpRequest | None) -> None:
    """Save one field the account holder changed on their own account; count and record it."""
    with transaction.atomic():
        user.save(update_fields=[field])
        _raise_version(user)
        audited(user, AuditAction.UPDATE, [field], actor=user, request=request)
