"""Who may read the audit log: administrators only. Nobody may change it (see models)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from kopir.accounts.access import is_administrator


def require_audit_reader(user: Any) -> None:
    if not is_administrator(user):
        raise PermissionDenied
