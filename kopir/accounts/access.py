"""Who may do what with accounts. The one place these decisions are made."""

from __future__ import annotations

from typing import Any

from kopir.accounts.models import Role

# Roles that work with personal data and therefore must pass two-factor login.
STAFF_ROLES = frozenset(Role.values)


def is_administrator(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ADMINISTRATOR))


def requires_two_factor(user: Any) -> bool:
    """Every staff account (any role) and every superuser signs in with a second factor."""
    return bool(user.is_authenticated and (user.is_superuser or user.role_set & STAFF_ROLES))
