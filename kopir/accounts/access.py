"""Who may do what with accounts. The one place these decisions are made."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from kopir.accounts.models import Role

# Roles that work with personal data and therefore must pass two-factor login.
STAFF_ROLES = frozenset(Role.values)


def is_administrator(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ADMINISTRATOR))


def require_administrator(user: Any) -> None:
    """Account administration is for administrators only; anyone else gets 403.

    Anonymous visitors never get this far: LoginRequiredMiddleware sends them to sign in first.
    """
    if not is_administrator(user):
        raise PermissionDenied


def requires_two_factor(user: Any) -> bool:
    """Every staff account (any role) and every superuser signs in with a second factor."""
    return bool(user.is_authenticated and (user.is_superuser or user.role_set & STAFF_ROLES))


def second_factor_pending(user: Any) -> bool:
    """True while a signed-in user still owes their second factor in this session.

    Only the demo switches two-factor login off (KOPIR_REQUIRE_2FA), and then visibly.
    """
    if not settings.KOPIR_REQUIRE_2FA or not requires_two_factor(user):
        return False
    return not user.is_verified()
