"""Writes to the registry of persons. The only code that creates or changes a Person.

Each service validates (`full_clean`), writes and records an audit entry in one transaction, so a
change without its audit record cannot exist. Audit entries name the changed fields, never their
values: the audit log must not become a second copy of personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditAction
from kopir.audit.services import audited, save_audited
from kopir.core.errors import AccessDenied, ConflictError
from kopir.core.text import fold_for_search
from kopir.core.versioning import update_if_current
from kopir.directory.models import Territory
from kopir.people.access import can_edit_person, can_register_people, is_accessible
from kopir.people.models import (
    AccessibilityNeed,
    LinkBasis,
    Person,
    PersonLink,
    name_search_key,
)

DUPLICATE_IIN = _("A person with this IIN is already in the registry.")
# The one answer when an IIN is given with names or a birth date that are not the registry's: it
# says the details disagree, never that the IIN is registered, so no form or API tells anybody
# whether a person is in the registry.
IDENTITY_MISMATCH = _(
    "The IIN, surname, first name and date of birth do not fit together. Check them against the "
    "person's identity document."
)
CONFLICT = _(
    "This record was changed by someone else after you opened it. Nothing was saved. "
    "Your changes are still in the form: open the record again to see the current version, "
    "then make your changes there."
)
_NAME_FIELDS = frozenset({"last_name", "first_name", "patronymic"})
# Field name -> column attribute ("territory" -> "territory_id"), for comparisons and update().
_ATTNAMES = {f.name: f.attname for f in Person._meta.concrete_fields}


class PersonData(TypedDict, total=False):
    """The fields of a person that staff enter. Services accept any subset as keywords."""

    iin: str
    last_name: str
    first_name: str
    patronymic: str
    birth_date: dt.date
    sex: str
    territory: Territory
    address: str
    phone: str
    email: str
    preferred_language: str
    accessibility_needs: Iterable[str]
    legal_representative: Person | None
    representative_relation: str
    consent_to_processing: bool


def normalise_needs(codes: Iterable[str]) -> list[str]:
    """Accessibility needs as a list of codes without repeats, in the order of the choices.

    Unknown codes are kept (at the end) so that validation can name them rather than drop them.
    """
    given = list(dict.fromkeys(codes))
    known = [code for code in AccessibilityNeed.values if code in given]
    return known + [code for code in given if code not in AccessibilityNeed.values]


def _apply(person: Person, data: PersonData) -> list[str]:
    """Copy the given values onto the person; return the names of the fields that changed."""
    changed: list[str] = []
    values: dict[str, Any] = dict(data)
    for name, value in values.items():
        if name not in PersonData.__annotations__:
            raise TypeError(f"Person has no editable field {name!r}")
        if name == "accessibility_needs":
            value = normalise_needs(value)
        if name in {"legal_representative", "territory"}:
            # Compare foreign keys by id: reading the related object would cost a query.
            if getattr(person, _ATTNAMES[name]) != (value.pk if value is not None else None):
                changed.append(name)
                setattr(person, name, value)
            continue
        if getattr(person, name) != value:
            changed.append(name)
            setattr(person, name, value)
    if _NAME_FIELDS.intersection(changed) or not person.search_name:
        person.search_name = name_search_key(person.last_name, person.first_name, person.patronymic)
    if "consent_to_processing" in changed:
        # The time consent was recorded is evidence of it; withdrawing consent clears it.
        person.consent_recorded_at = timezone.now() if person.consent_to_processing else None
    return changed


def _check_rules(*, actor: Any, person: Person, changed: Iterable[str]) -> None:
    """Rules that involve other records or the actor (field formats are the model's job)."""
    errors: dict[str, list[Any]] = {}
    representative = person.legal_representative
    if representative is not None:
        if person.pk is not None and representative.pk == person.pk:
            errors.setdefault("legal_representative", []).append(
                _("A person cannot be their own legal representative.")
            )
        elif person.pk is not None and representative.legal_representative_id == person.pk:
            errors.setdefault("legal_representative", []).append(
                _("This person is the legal representative of the chosen representative.")
            )
        elif "legal_representative" in changed and not is_accessible(actor, representative):
            # Choosing a representative discloses their record on this person's page, so only
            # persons the actor may already see can be chosen.
            errors.setdefault("legal_representative", []).append(
                _("No person with this IIN among those your organisation works with.")
            )
        if not person.representative_relation:
            errors.setdefault("representative_relation", []).append(
                _("Choose how the representative is related to the person.")
            )
    elif person.representative_relation:
        errors.setdefault("representative_relation", []).append(
            _("Enter the representative's IIN, or leave the relation empty.")
        )
    unknown = [code for code in person.accessibility_needs if code not in AccessibilityNeed.values]
    if unknown:
        errors.setdefault("accessibility_needs", []).append(
            _("Choose accessibility needs from the list.")
        )
    if errors:
        raise ValidationError(errors)


def identity_matches(
    person: Person, *, last_name: str, first_name: str, birth_date: dt.date | None
) -> bool:
    """Whether a sender's names and birth date are this registered person's (case, ё/е and
    spacing aside): the proof asked before an IIN opens a record that is already there."""
    return (
        fold_for_search(last_name) == fold_for_search(person.last_name)
        and fold_for_search(first_name) == fold_for_search(person.first_name)
        and birth_date == person.birth_date
    )


@dataclass(frozen=True)
class Registration:
    person: Person
    already_registered: bool  # the person was in the registry; the organisation is now linked


def person_register_or_link(
    *, actor: Any, request: HttpRequest | None = None, **data: Unpack[PersonData]
) -> Registration:
    """Register a person, or link one already in the registry whose names and birth date match.

    Someone registering a person holds their identity document, so a person who is already in
    the registry (registered by another organisation) is linked to the actor's organisation when
    the details agree. When they do not, the answer is IDENTITY_MISMATCH on the IIN: it does not
    say that the IIN is registered.
    """
    if not can_register_people(actor):
        raise AccessDenied(_("Your role may not register persons."))
    existing = Person.objects.filter(iin=data.get("iin", "")).first()
    if existing is None:
        return Registration(person_register(actor=actor, request=request, **data), False)
    if not identity_matches(
        existing,
        last_name=data.get("last_name", ""),
        first_name=data.get("first_name", ""),
        birth_date=data.get("birth_date"),
    ):
        raise ValidationError({"iin": [IDENTITY_MISMATCH]})
    with transaction.atomic():
        _link, created = PersonLink.objects.get_or_create(
            person=existing, organisation_id=actor.organisation_id, basis=LinkBasis.REGISTERED
        )
        if created:
            audited(
                existing,
                AuditAction.UPDATE,
                ["links"],
                actor=actor,
                request=request,
                detail="linked on registration",
            )
    return Registration(existing, True)


def person_register(
    *, actor: Any, request: HttpRequest | None = None, **data: Unpack[PersonData]
) -> Person:
    """Register a person and link them to the actor's organisation (basis: registered).

    The link is what lets the registering organisation see the person afterwards, so it is created
    in the same transaction as the person.
    """
    if not can_register_people(actor):
        raise AccessDenied(_("Your role may not register persons."))
    person = Person(registered_by_id=actor.organisation_id)
    changed = _apply(person, data)
    try:
        with transaction.atomic():
            _check_rules(actor=actor, person=person, changed=changed)
            save_audited(person, AuditAction.CREATE, changed, actor=actor, request=request)
            PersonLink.objects.create(
                person=person, organisation_id=actor.organisation_id, basis=LinkBasis.REGISTERED
            )
    except IntegrityError as error:
        # Two registrations of the same IIN at once: full_clean passed for both, the unique
        # index refused the second.
        if Person.objects.filter(iin=person.iin).exists():
            raise ValidationError({"iin": [DUPLICATE_IIN]}) from error
        raise
    return person


def person_update(
    *,
    actor: Any,
    person: Person,
    expected_version: int,
    request: HttpRequest | None = None,
    **data: Unpack[PersonData],
) -> Person:
    """Change a person's record if nobody else saved it since the actor read `expected_version`.

    Raises ConflictError (and writes nothing) when the record moved on. The stored row is read
    afresh, so a caller's half-edited instance (a bound ModelForm changes its instance) is never
    what the changes are measured against.
    """
    if not can_edit_person(actor, person):
        raise AccessDenied(_("Your role may not change persons' records."))
    with transaction.atomic():
        current = Person.objects.get(pk=person.pk)
        if current.version != expected_version:
            raise ConflictError(CONFLICT)
        changed = _apply(current, data)
        if not changed:
            return current
        _check_rules(actor=actor, person=current, changed=changed)
        current.full_clean()
        written = set(changed) | {"search_name", "consent_recorded_at"}
        values = {_ATTNAMES[name]: getattr(current, _ATTNAMES[name]) for name in written}
        current.updated_at = timezone.now()
        # The version in the WHERE clause is what makes this safe: if another save slipped in
        # between the read above and this write, no row matches and nothing is overwritten.
        try:
            update_if_current(
                current, expected_version, CONFLICT, **values, updated_at=current.updated_at
            )
        except IntegrityError as error:
            raise ValidationError({"iin": [DUPLICATE_IIN]}) from error
        audited(current, AuditAction.UPDATE, changed, actor=actor, request=request)
    return current
