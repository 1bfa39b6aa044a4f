"""Who may see or do what in rehabilitation.

The measure catalogue, its suggestion rules and the routing rules are the administrators'. A
person's programme (IRP) is the MSE division's that issued it: its head and its MSE specialists
draft, edit and approve it; another division is told it does not exist (404); other roles are
refused (403). Executing organisations reach the measures routed to them, never the programme.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kopir.accounts.models import Role
from kopir.assessment.access import is_division_head, may_see_identity
from kopir.rehabilitation.models import Programme

PROGRAMME_ROLES = (Role.MSE_SPECIALIST, Role.MSE_HEAD)


def can_manage_catalogue(user: Any) -> bool:
    """The measure catalogue, suggestion rules and routing rules: administrators only."""
    return bool(user.is_authenticated and user.has_role(Role.ADMINISTRATOR))


def is_programme_user(user: Any) -> bool:
    """Staff of an MSE division, who draft and approve their division's programmes."""
    return bool(
        user.is_authenticated
        and user.organisation_id is not None
        and user.has_role(*PROGRAMME_ROLES)
    )


def programmes_for_user(user: Any) -> QuerySet[Programme]:
    if not is_programme_user(user):
        return Programme.objects.none()
    return Programme.objects.filter(division_id=user.organisation_id)


def programme_for_user(user: Any, pk: int) -> Programme:
    """The programme, for its division's staff; 404 for another division's, 403 for other roles."""
    if not is_programme_user(user):
        raise PermissionDenied(
            _("Only the MSE division's staff work on rehabilitation programmes.")
        )
    try:
        return programmes_for_user(user).select_related("person", "referral", "division").get(pk=pk)
    except Programme.DoesNotExist as missing:
        raise Http404 from missing


def may_see_person(user: Any, programme: Programme) -> bool:
    """Whether the programme's pages and documents show who the person is. As for the MSE case
    (assessment's `may_see_identity`): the division's head, and in person the examining expert;
    an expert of a depersonalised in-absentia case works on the programme without the name."""
    return may_see_identity(user, programme.referral)


def may_see_names_in_list(user: Any) -> bool:
    """The programme list names persons for the division's head only (per row it would take a
    query each to know which in-person cases are an expert's own)."""
    return is_division_head(user)


def programme_document_for_user(user: Any, pk: int) -> Programme:
    """The programme for its documents, which name the person: 403 to staff who may not."""
    programme = programme_for_user(user, pk)
    if not may_see_person(user, programme):
        raise PermissionDenied(_("Only the division's head gives the person their programme."))
    return programme
