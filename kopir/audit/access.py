"""Who may read the audit log: administrators only. Nobody may change it (see models)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


def may_read_audit_log(user: Any) -> bool:
    # The user model (accounts) answers `is_administrator`; audit sits below accounts and does not
    # import it.
    return bool(user.is_authenticated and user.is_administrator)


def require_audit_reader(user: Any) -> None:
    if not may_read_audit_log(user):
        raise PermissionDenied
