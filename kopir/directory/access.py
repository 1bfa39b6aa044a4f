"""Who may do what in the directory. The one place these decisions are made.

The directory (territories, organisations, their BINs and contacts) is public-sector reference data,
not personal data: every signed-in account may read it. Only administrators change it. The names of
an organisation's staff are personal data of those staff, so other readers see only their number.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kopir.directory.models import Organisation
from kopir.directory.selectors import organisation_queryset


def can_read_directory(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_organisations(user: Any) -> bool:
    # The user model (accounts) answers `is_administrator`; directory sits below accounts.
    return bool(can_read_directory(user) and user.is_administrator)


def can_see_staff_names(user: Any) -> bool:
    return can_manage_organisations(user)


def require_directory_reader(user: Any) -> None:
    if not can_read_directory(user):
        raise PermissionDenied


def require_organisation_manager(user: Any) -> None:
    if not can_manage_organisations(user):
        raise PermissionDenied


def organisation_for_user(user: Any, pk: int) -> Organisation:
    """The organisation a reader asked for (404 if there is none, 403 if they may not read)."""
    require_directory_reader(user)
    return get_object_or_404(organisation_queryset(), pk=pk)


def organisation_for_manager(user: Any, pk: int) -> Organisation:
    """The organisation an administrator is about to change (403 for anyone else)."""
    require_organisation_manager(user)
    return get_object_or_404(organisation_queryset(), pk=pk)
