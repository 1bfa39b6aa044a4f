"""Who may see or do what in rehabilitation. The one place these decisions are made.

The measure catalogue, its suggestion rules and the routing rules are the administrators'. A
person's programme (IRP) is the MSE division's that issued it: its head and its MSE specialists
draft, edit and approve it; another division is told it does not exist (404); other roles are
refused (403). Executing organisations reach the measures routed to them, never the programme.

Each area keeps its predicates in clearly named functions:

- the timeline (`timeline_*`): the MSE division that issued a programme (its specialists and its
  head) reads the programme's timeline; staff of another division get 404; every other role is
  refused (403): an executing organisation sees its measures, never the MSE steps; a council
  member sees no person;
- employment (`quota_*`, `placement_*`): the career centres and the offices for employment and
  social programmes keep the quota register of their territory; the organisation executing a
  job-placement measure records its placement; another organisation gets 404. The quota's share
  per size of employer (`QuotaBand`) is reference data that administrators keep.

The executing organisations:

| who | sees |
|---|---|
| an executing organisation's staff (agency officer) | the measures assigned to their organisation now, with the person's name, IIN, contacts and accessibility needs (the handoff gave it a `PersonLink`); never the diagnosis or the MSE documents. A measure it redirected leaves its list and is "not found" to it (404) |
| an agency system (API token) | the same measures as its organisation's staff |
| council members and secretaries | no person, no measure (403) |
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kopir.accounts.access import is_administrator, is_agency_officer
from kopir.accounts.models import Role
from kopir.assessment.access import is_division_head, may_see_identity
from kopir.core.selectors import first_or_404
from kopir.directory.models import OrganisationKind, Territory
from kopir.rehabilitation.models import EmployerQuota, EvidenceItem, Measure, Programme

PROGRAMME_ROLES = (Role.MSE_SPECIALIST, Role.MSE_HEAD)


def can_manage_catalogue(user: Any) -> bool:
    """The measure catalogue, suggestion rules and routing rules: administrators only."""
    return is_administrator(user)


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


def approves_programmes(user: Any) -> bool:
    """The division's head, who approves its draft programmes (the home page counts them)."""
    return is_programme_user(user) and is_division_head(user)


def programme_document_for_user(user: Any, pk: int) -> Programme:
    """The programme for its documents, which name the person: 403 to staff who may not."""
    programme = programme_for_user(user, pk)
    if not may_see_person(user, programme):
        raise PermissionDenied(_("Only the division's head gives the person their programme."))
    return programme


TIMELINE_ROLES = (Role.MSE_SPECIALIST, Role.MSE_HEAD)
QUOTA_KEEPER_KINDS = (OrganisationKind.CAREER_CENTRE, OrganisationKind.EMPLOYMENT_SOCIAL)


def _staff_of_organisation(user: Any) -> bool:
    return bool(user.is_authenticated and user.organisation_id is not None)


def can_read_timelines(user: Any) -> bool:
    return _staff_of_organisation(user) and user.has_role(*TIMELINE_ROLES)


def timeline_programme_for_user(user: Any, programme_id: int) -> Programme:
    """The programme whose timeline `user` may read, or 403 / 404."""
    if not can_read_timelines(user):
        raise PermissionDenied
    return first_or_404(
        Programme.objects.select_related("division", "person").filter(
            pk=programme_id, division_id=user.organisation_id
        )
    )


def timeline_programmes_of_person(user: Any, programme: Programme) -> QuerySet[Programme]:
    """Every programme of the same person the user's division issued: one timeline per person."""
    return Programme.objects.filter(
        person_id=programme.person_id, division_id=user.organisation_id
    ).order_by("created_at", "id")


def can_keep_quota_register(user: Any) -> bool:
    return bool(is_agency_officer(user) and user.organisation.kind in QUOTA_KEEPER_KINDS)


def quota_territories(user: Any) -> QuerySet[Territory]:
    """The territories whose register the user's organisation keeps: its own and those in it."""
    home = user.organisation.territory_id
    return Territory.objects.filter(Q(pk=home) | Q(parent_id=home) | Q(parent__parent_id=home))


def quotas_for_user(user: Any) -> QuerySet[EmployerQuota]:
    if not can_keep_quota_register(user):
        raise PermissionDenied
    return EmployerQuota.objects.filter(territory__in=quota_territories(user))


def quota_for_user(user: Any, quota_id: int) -> EmployerQuota:
    return first_or_404(quotas_for_user(user).select_related("territory").filter(pk=quota_id))


def can_edit_quota_bands(user: Any) -> bool:
    """The quota's shares per size of employer are reference data: administrators keep them."""
    return is_administrator(user)


def require_quota_band_editor(user: Any) -> None:
    if not can_edit_quota_bands(user):
        raise PermissionDenied


def placement_measure_for_user(user: Any, measure_id: int) -> Measure:
    """A job-placement measure the user's organisation executes, or 403 / 404."""
    if not is_agency_officer(user):
        raise PermissionDenied
    measure = (
        Measure.objects.select_related(
            "measure_type", "territory", "line__programme_version", "organisation"
        )
        .filter(pk=measure_id, organisation_id=user.organisation_id)
        .first()
    )
    if measure is None or EvidenceItem.EMPLOYER not in (
        measure.measure_type.evidence_required or []
    ):
        raise Http404
    return measure


# --- The executing organisation (agency work list, measure page, API) ----------------------------


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
    return first_or_404(
        agency_measures_for_user(user)
        .select_related("measure_type", "person", "territory", "line", "programme", "officer")
        .filter(pk=pk),
        _("Your organisation holds no such measure."),
    )
