"""Who may see which person. The one place these decisions are made.

Least privilege: a member of staff sees a person only while their organisation has a `PersonLink`
to that person (it registered them, is their polyclinic, handles their referral or a measure of
their IRP). Council members and secretaries work with aggregates and see no person at all;
administrators manage accounts and the audit log, not personal data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role
from kopir.people.models import Person, PersonLink

# Roles whose work is with individual persons. Council members and secretaries see aggregates only.
PERSON_ROLES = (Role.CLINICIAN, Role.MSE_SPECIALIST, Role.MSE_HEAD, Role.AGENCY_OFFICER)
# Roles that register persons and correct their records: the polyclinic (which refers a person
# to MSE) and the MSE division. Agencies executing a measure read the record but do not edit it.
PERSON_EDITOR_ROLES = (Role.CLINICIAN, Role.MSE_SPECIALIST, Role.MSE_HEAD)


def can_search_people(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.organisation_id is not None and user.has_role(*PERSON_ROLES)
    )


def can_register_people(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.organisation_id is not None
        and user.has_role(*PERSON_EDITOR_ROLES)
    )


def persons_for_user(user: Any) -> QuerySet[Person]:
    """The persons this user may see: those linked to the user's organisation (none otherwise).

    `Exists` rather than a join, so a person linked on several bases is still one row and no
    DISTINCT is needed (which would also break ordering by name on PostgreSQL).
    """
    if not can_search_people(user):
        return Person.objects.none()
    links = PersonLink.objects.filter(person=OuterRef("pk"), organisation_id=user.organisation_id)
    return Person.objects.filter(Exists(links))


def person_for_user(user: Any, pk: int) -> Person:
    """The person with this id if the user may see them.

    Raises PermissionDenied for a role that never sees persons, and Http404 for a person the
    user's organisation has no link to: a 403 there would confirm that the person exists.
    """
    if not can_search_people(user):
        raise PermissionDenied(_("Your role does not give access to persons' records."))
    person = (
        persons_for_user(user)
        .select_related("territory", "legal_representative", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404(_("No such person among those your organisation works with."))
    return person


def can_edit_person(user: Any, person: Person) -> bool:
    """Editors may change a person their organisation is linked to (`person` came from
    `person_for_user`, so the link is already established)."""
    return can_register_people(user)


def person_for_editor(user: Any, pk: int) -> Person:
    """The person with this id if the user may edit them.

    The role is checked first (403), then the link (404), so a refusal never tells an editor-less
    role whether the person exists.
    """
    if not can_register_people(user):
        raise PermissionDenied(_("Your role may read persons' records but not change them."))
    person = person_for_user(user, pk)
    if not can_edit_person(user, person):
        raise PermissionDenied(_("Your role may read persons' records but not change them."))
    return person


def is_accessible(user: Any, person: Person | None) -> bool:
    """Whether the user may open this person's page (for links such as the legal representative)."""
    if person is None:
        return False
    return persons_for_user(user).filter(pk=person.pk).exists()
