"""Who may do what with accounts. The one place these decisions are made."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django_otp import user_has_device

from kopir.accounts.models import Role

# Roles that work with personal data and therefore must pass two-factor login.
STAFF_ROLES = frozenset(Role.values)


def is_administrator(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ADMINISTRATOR))


def is_agency_officer(user: Any) -> bool:
    """Staff of a state body with the agency officer's role: the measures assigned to their
    organisation are theirs to work (rehabilitation), the council's recommendations addressed to
    it theirs to answer (council)."""
    return bool(
        user.is_authenticated
        and user.organisation_id is not None
        and user.has_role(Role.AGENCY_OFFICER)
    )


def require_administrator(user: Any) -> None:
    """Account administration is for administrators only; anyone else gets 403.

    Anonymous visitors never get this far: LoginRequiredMiddleware sends them to sign in first.
    """
    if not is_administrator(user):
        raise PermissionDenied


def requires_two_factor(user: Any) -> bool:
    """Every staff account (any role) and every superuser signs in with a second factor."""
    return bool(user.is_authenticated and (user.is_superuser or user.role_set & STAFF_ROLES))


def is_demo_account(user: Any) -> bool:
    """One of the demo's published accounts (its username and password are on the demo's
    sign-in page), and only while Kopir runs as the demo."""
    if not settings.KOPIR_DEMO:
        return False
    # Imported here: the demo's module imports the services, which import this module.
    from kopir.accounts.demo import DEMO_USERNAMES

    return user.username in DEMO_USERNAMES


def may_set_up_second_factor(user: Any) -> bool:
    """Whether this user may add an authenticator app to their account: not a published demo
    account while Kopir runs as the demo. Every visitor signs in to it with the same password,
    so the app one visitor set up would make every later visitor need that visitor's code."""
    return not is_demo_account(user)


def owes_second_factor(user: Any) -> bool:
    """Whether this signed-in user must pass a second factor to use Kopir.

    Every staff account does (`requires_two_factor`), with two exceptions: KOPIR_REQUIRE_2FA
    switched off (refused in production by a system check), and the demo's published accounts,
    which a visitor signs in to with the password alone, as every demo page says. An account
    that has a second factor is asked for it all the same: whoever set it up expects it.
    """
    if not settings.KOPIR_REQUIRE_2FA or not requires_two_factor(user):
        return False
    if is_demo_account(user):
        return user_has_device(user, confirmed=True)
    return True


def second_factor_pending(user: Any) -> bool:
    """True while a signed-in user still owes their second factor in this session."""
    return owes_second_factor(user) and not user.is_verified()
