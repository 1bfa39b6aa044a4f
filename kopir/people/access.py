"""Who may see which person. The one place these decisions are made.

Least privilege, role by role:

| role | reaches a person | registers, corrects |
|---|---|---|
| clinician | through a `PersonLink` of their organisation (registered, attached, referral) | yes |
| head of an MSE division | through a `PersonLink` of the division (in-person referrals, persons the division registered); the identity in an in-absentia case only on that case's page | yes |
| MSE specialist (the expert) | only through an IN-PERSON case assigned to them personally, never through the division's links | no |
| agency officer | through a `PersonLink` of their agency (a measure of the IRP) | no |
| council member, secretary, administrator | nobody (aggregates, accounts, the audit log) | no |

Why the expert is different: an in-absentia case is depersonalised so that its three experts
cannot be swayed by who the person is (docs/domain/mse.md §3). An expert who could open the
division's persons could match the age and sex shown on the case to one of them. Kopir has no
separate intake role: intake (accept or return) works on the referral, which shows no identity,
so the division's specialists need no person to do it. The division head assigns the experts and
answers for the case, and is the one member of the division who sees who the person is.

People depends on no app that knows about cases, so the reach an expert's own cases give is
registered here by the app that owns them (`register_personal_reach`, from its `AppConfig.ready`);
while nothing is registered, an expert reaches nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role
from kopir.core.selectors import first_or_404
from kopir.people.models import Person, PersonLink

# Roles whose work is with individual persons. Council members and secretaries see aggregates only.
PERSON_ROLES = (Role.CLINICIAN, Role.MSE_SPECIALIST, Role.MSE_HEAD, Role.AGENCY_OFFICER)
# Roles that register persons and correct their records: the polyclinic (which refers a person
# to MSE) and the head of the MSE division. Agencies executing a measure and the experts read the
# records they reach but do not edit them.
PERSON_EDITOR_ROLES = (Role.CLINICIAN, Role.MSE_HEAD)
# Roles that reach a person through their own work only, never through their organisation's
# links: the condition each gives is registered by the app that owns that work.
PERSONAL_REACH_ROLES = (Role.MSE_SPECIALIST,)
# Roles whose organisation's links open a person to them.
ORGANISATION_REACH_ROLES = tuple(role for role in PERSON_ROLES if role not in PERSONAL_REACH_ROLES)

# A condition on Person for one user (e.g. "an in-person case assigned to this expert").
PersonalReach = Callable[[Any], Q]
_personal_reach: list[PersonalReach] = []


def register_personal_reach(condition: PersonalReach) -> None:
    """Let the persons matching `condition(user)` be reached by a user of a personal-reach role."""
    if condition not in _personal_reach:
        _personal_reach.append(condition)


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
    """The persons this user may see: those linked to the user's organisation, and for the
    personal-reach roles those their own work opens (none otherwise).

    `Exists` rather than a join, so a person linked on several bases is still one row and no
    DISTINCT is needed (which would also break ordering by name on PostgreSQL).
    """
    if not can_search_people(user):
        return Person.objects.none()
    reach = Q(pk__in=[])
    if user.has_role(*ORGANISATION_REACH_ROLES):
        links = PersonLink.objects.filter(
            person=OuterRef("pk"), organisation_id=user.organisation_id
        )
        reach |= Q(Exists(links))
    if user.has_role(*PERSONAL_REACH_ROLES):
        for condition in _personal_reach:
            reach |= condition(user)
    return Person.objects.filter(reach)


def person_for_user(user: Any, pk: int) -> Person:
    """The person with this id if the user may see them.

    Raises PermissionDenied for a role that never sees persons, and Http404 for a person the
    user's organisation has no link to: a 403 there would confirm that the person exists.
    """
    if not can_search_people(user):
        raise PermissionDenied(_("Your role does not give access to persons' records."))
    return first_or_404(
        persons_for_user(user)
        .select_related("territory", "legal_representative", "registered_by")
        .filter(pk=pk),
        _("No such person among those your organisation works with."),
    )


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
