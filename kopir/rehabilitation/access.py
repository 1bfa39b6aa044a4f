"""Who may see or do what in rehabilitation. The one place these decisions are made.

| who | sees |
|---|---|
| an executing organisation's staff (agency officer) | the measures assigned to their organisation now, with the person's name, IIN, contacts and accessibility needs (the handoff gave it a `PersonLink`); never the diagnosis or the MSE documents. A measure it redirected leaves its list and is "not found" to it (404) |
| an agency system (API token) | the same measures as its organisation's staff |
| council members and secretaries | no person, no measure (403) |
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role
from kopir.rehabilitation.models import Measure

# --- The executing organisation (agency work list, measure page, API) ----------------------------


def is_agency_officer(user: Any) -> bool:
    """Staff of an executing organisation, who work the measures assigned to it."""
    return bool(
        user.is_authenticated
        and user.organisation_id is not None
        and user.has_role(Role.AGENCY_OFFICER)
    )


def agency_measures(organisation_id: int) -> QuerySet[Measure]:
    """Every measure an organisation holds now (a redirected one belongs to its new owner)."""
    return Measure.objects.filter(organisation_id=organisation_id)


def agency_measures_for_user(user: Any) -> QuerySet[Measure]:
    """The measures of the user's organisation: 403 for a role that executes no measure."""
    if not is_agency_officer(user):
        raise PermissionDenied(_("The measures are for the staff of executing organisations."))
    return agency_measures(int(user.organisation_id))


def agency_measure_for_user(user: Any, pk: int) -> Measure:
    """One measure of the user's organisation; another organisation's is "not found" (404), so
    its existence is not told."""
    measure = (
        agency_measures_for_user(user)
        .select_related("measure_type", "person", "territory", "line", "programme", "officer")
        .filter(pk=pk)
        .first()
    )
    if measure is None:
        raise Http404(_("Your organisation holds no such measure."))
    return measure
