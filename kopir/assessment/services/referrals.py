"""Writing referrals: create, change a draft, send (and send again after a return).

Every intake channel — the web form, the JSON API, FHIR bundles, bulk files — calls these same
functions, so a referral is checked the same way whichever way it came. Each write is one
transaction with its audit record; status changes go through `workflow.referral_transition`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any, NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.assessment.access import may_refer_from
from kopir.assessment.exchange_events import publish_referral_sent, publish_referrals_sent
from kopir.assessment.models import (
    Finding,
    IntakeChannel,
    LifeLimitation,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Route,
    SecondaryDiagnosis,
)
from kopir.assessment.services import staff_alerts
from kopir.assessment.services.attachments import attachment_add
from kopir.assessment.services.completeness import IncompleteReferral, completeness_check
from kopir.assessment.services.division_notices import (
    notify_people_of_sending,
    notify_person_of_sending,
)
from kopir.assessment.services.referral_inputs import (
    Errors,
    FindingInput,
    LimitationInput,
    check_date,
    check_findings,
    check_limitations,
    finding_unit,
    resolve_codes,
)
from kopir.assessment.services.referral_routing import (
    audit_channel,
    next_referral_number,
    route_to_division,
)
from kopir.assessment.workflow import (
    TRANSITIONS,
    InvalidTransition,
    referral_transition,
    referral_transition_many,
    status_label,
)
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record
from kopir.core.actors import is_signed_in, signed_in_user
from kopir.core.errors import AccessDenied, ConflictError
from kopir.directory.models import Organisation, OrganisationKind
from kopir.people.access import persons_for_user
from kopir.people.models import LinkBasis, Person, PersonLink

__all__ = [
    "FindingInput",
    "IncompleteReferral",
    "LimitationInput",
    "attachment_add",
    "referral_content_check",
    "referral_create",
    "referral_send",
    "referral_send_many",
    "referral_update",
    "route_to_division",
]

CONFLICT = _(
    "Someone else changed this referral after you opened it. Nothing was saved: your changes are "
    "still in the form. Open the referral again to see the current version."
)
DUPLICATE_EXTERNAL_ID = _("Your organisation already sent a referral with this identifier.")
_SCALAR_FIELDS = (
    "person",
    "purpose",
    "route",
    "primary_diagnosis",
    "commission_protocol_number",
    "commission_date",
    "commission_conclusion",
    "treatment_history",
    "rehabilitation_history",
)


# What a new referral's audit record names.
CREATED_FIELDS = [*_SCALAR_FIELDS, "secondary_diagnoses", "findings", "limitations"]
# Validated by referral_create without a query: read just before, or checked on their own.
CHECKED_ON_CREATE = [
    "person",
    "medical_organisation",
    "mse_division",
    "primary_diagnosis",
    "created_by",
]


class ReferralContent(TypedDict):
    """What a clinic writes in a referral, as referral_create and referral_update receive it
    (keywords, decision 8). Left out: no secondary codes, findings or limitations, empty texts."""

    purpose: str
    route: str
    primary_code: str
    secondary_codes: NotRequired[Sequence[str]]
    commission_protocol_number: NotRequired[str]
    commission_date: NotRequired[dt.date | None]
    commission_conclusion: NotRequired[str]
    treatment_history: NotRequired[str]
    rehabilitation_history: NotRequired[str]
    findings: NotRequired[Sequence[FindingInput]]
    limitations: NotRequired[Sequence[LimitationInput]]


def _check_content(errors: Errors, content: ReferralContent) -> tuple[Any, Any]:
    """Check the codes, the date, the findings and the limitations; return the diagnoses."""
    primary, secondary = resolve_codes(
        errors, content["primary_code"], content.get("secondary_codes", ())
    )
    check_date(errors, "commission_date", content.get("commission_date"), required=False)
    check_findings(errors, content.get("findings", ()))
    check_limitations(errors, content.get("limitations", ()))
    return primary, secondary


def referral_content_check(
    *, routed: Person | None = None, **content: Unpack[ReferralContent]
) -> None:
    """The checks referral_create and referral_update make of what a clinic wrote, with nothing
    written: the codes, the dates, the findings, the limitations and, for `routed`, that an MSE
    division serves the person. Raises one ValidationError keyed by field path.

    A form whose own checks already refused runs these too, so its page names every problem in
    one round instead of the service's after the next submit.
    """
    errors = Errors()
    _check_content(errors, content)
    if routed is not None:
        try:
            route_to_division(routed)
        except ValidationError as error:
            errors.absorb(error)
    errors.raise_if_any()


def scalar_values(person: Person, primary: Any, content: ReferralContent) -> dict[str, Any]:
    """The referral's own columns (_SCALAR_FIELDS) as the content gives them, texts trimmed."""
    return {
        "person": person,
        "purpose": content["purpose"],
        "route": content["route"],
        "primary_diagnosis": primary,
        "commission_protocol_number": content.get("commission_protocol_number", "").strip(),
        "commission_date": content.get("commission_date"),
        "commission_conclusion": content.get("commission_conclusion", "").strip(),
        "treatment_history": content.get("treatment_history", "").strip(),
        "rehabilitation_history": content.get("rehabilitation_history", "").strip(),
    }


def _check_actor(actor: Any, organisation: Organisation, channel: str) -> None:
    if is_signed_in(actor):
        if not may_refer_from(actor, organisation.pk):
            raise AccessDenied(_("You may write referrals only for your own medical organisation."))
    elif channel == IntakeChannel.WEB:
        raise AccessDenied(_("Sign in to write a referral."))


def _check_person(errors: Errors, actor: Any, person: Person) -> None:
    # A system (API, bulk) has registered or linked the person itself; a clinician may only
    # refer a person their clinic already works with.
    if is_signed_in(actor) and not persons_for_user(actor).filter(pk=person.pk).exists():
        errors.add("person", _("No person with this IIN among those your clinic works with."))


def finding_values(finding: FindingInput) -> dict[str, Any]:
    """A finding's columns as the clinic gave it, texts trimmed and its unit filled in."""
    return {
        "kind": finding.kind,
        "side": finding.side,
        "name": finding.name.strip(),
        "value": finding.value,
        "unit": finding_unit(finding),
        "text": finding.text.strip(),
        "measured_on": finding.measured_on,
    }


def referral_children(
    referral: Referral,
    secondary: Sequence[Any],
    findings: Sequence[FindingInput],
    limitations: Sequence[LimitationInput],
) -> tuple[list[SecondaryDiagnosis], list[Finding], list[LifeLimitation]]:
    """The referral's further diagnoses, findings and limitations as unsaved rows."""
    return (
        [
            SecondaryDiagnosis(referral=referral, code=code, position=index)
            for index, code in enumerate(secondary)
        ],
        [Finding(referral=referral, **finding_values(finding)) for finding in findings],
        [
            LifeLimitation(referral=referral, category=item.category, degree=item.degree)
            for item in limitations
        ],
    )


def _write_children(
    referral: Referral,
    secondary: Sequence[Any],
    findings: Sequence[FindingInput],
    limitations: Sequence[LimitationInput],
) -> None:
    diagnoses, found, limited = referral_children(referral, secondary, findings, limitations)
    SecondaryDiagnosis.objects.bulk_create(diagnoses)
    Finding.objects.bulk_create(found)
    LifeLimitation.objects.bulk_create(limited)


def created_event(referral: Referral, *, actor: Any, label: str) -> ReferralEvent:
    """The timeline's first event of a new referral, unsaved."""
    return ReferralEvent(
        referral=referral,
        actor=signed_in_user(actor),
        actor_label=label,
        from_status="",
        to_status=ReferralStatus.DRAFT,
    )


def referral_create(
    *,
    actor: Any,
    person: Person,
    medical_organisation: Organisation,
    channel: str = IntakeChannel.WEB,
    external_id: str = "",
    request: Any = None,
    actor_label: str = "",
    received: bool = False,
    **content: Unpack[ReferralContent],
) -> Referral:
    """A new referral in DRAFT, numbered "MSE-<year>-<nnnnnn>", routed to the person's division.

    Raises ValidationError (keys name the field path: "primary_code", "findings.0.value", …)
    and AccessDenied; writes nothing then. Completeness is not required for a draft: that is
    `referral_send`'s check.

    `received`: the caller (`referral_intake`, in its transaction) has just looked the external
    id up and linked the person to the clinic, so neither is asked again (the external id's
    unique index still stands behind a race).
    """
    _check_actor(actor, medical_organisation, channel)
    errors = Errors()
    if medical_organisation.kind != OrganisationKind.MEDICAL:
        errors.add("medical_organisation", _("Only a medical organisation can refer to MSE."))
    if not received:
        # Received: the caller has just linked the person to this clinic, which the actor may
        # refer from (checked above), so the person is among those it works with.
        _check_person(errors, actor, person)
    primary, secondary = _check_content(errors, content)
    external_id = (external_id or "").strip()
    if (
        external_id
        and not received
        and Referral.objects.filter(
            medical_organisation=medical_organisation, external_id=external_id
        ).exists()
    ):
        errors.add("external_id", DUPLICATE_EXTERNAL_ID)
    division = None
    try:
        division = route_to_division(person)
    except ValidationError as error:
        errors.absorb(error)
    if errors.by_field or primary is None or division is None:
        raise ValidationError(errors.by_field)

    label = actor_label or str(medical_organisation.short_name)
    try:
        with transaction.atomic():
            referral = Referral(
                number=next_referral_number(timezone.localdate().year),
                medical_organisation=medical_organisation,
                mse_division=division,
                status=ReferralStatus.DRAFT,
                **scalar_values(person, primary, content),
                channel=channel,
                external_id=external_id,
                created_by=signed_in_user(actor),
            )
            # The related rows were just read and the number is new; the external id was
            # checked above and its unique index stands behind a race: only the fields' own
            # rules are left to check, without a query each.
            referral.full_clean(exclude=CHECKED_ON_CREATE, validate_unique=False)
            referral.save()
            _write_children(
                referral, secondary, content.get("findings", ()), content.get("limitations", ())
            )
            # The clinic keeps access to the person through the referral itself.
            if not received:
                PersonLink.objects.get_or_create(
                    person=person, organisation=medical_organisation, basis=LinkBasis.REFERRAL
                )
            created_event(referral, actor=actor, label=label).save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                target=referral,
                request=request,
                channel=audit_channel(channel),
                fields=CREATED_FIELDS,
                detail=f"channel={channel}",
            )
    except IntegrityError as error:
        # Two submissions with the same external id at once: the unique index refused one.
        if (
            external_id
            and Referral.objects.filter(
                medical_organisation=medical_organisation, external_id=external_id
            ).exists()
        ):
            raise ValidationError({"external_id": [DUPLICATE_EXTERNAL_ID]}) from error
        raise
    return referral


def _stored(referral: Referral, name: str) -> Any:
    # Foreign keys compare by id: reading the related row would cost a query.
    field = Referral._meta.get_field(name)
    return getattr(referral, getattr(field, "attname", name))


def _given(value: Any) -> Any:
    return value.pk if hasattr(value, "_meta") else value


def referral_update(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    person: Person,
    request: Any = None,
    **content: Unpack[ReferralContent],
) -> Referral:
    """Replace a draft's (or a returned referral's) contents with what the clinic gives now.

    The person can change only in a draft: once the MSE division has seen a referral, it stays
    about the same person. Raises ConflictError when someone saved in between.
    """
    if not (is_signed_in(actor) and may_refer_from(actor, referral.medical_organisation_id)):
        raise AccessDenied(_("You may change only your own organisation's referrals."))
    if referral.status not in (ReferralStatus.DRAFT, ReferralStatus.RETURNED):
        raise InvalidTransition(
            _("A referral that is “%(status)s” can no longer be changed.")
            % {"status": status_label(referral.status)}
        )
    errors = Errors()
    if person.pk != referral.person_id:
        if referral.status != ReferralStatus.DRAFT:
            errors.add("person", _("A returned referral stays about the same person."))
        else:
            _check_person(errors, actor, person)
    primary, secondary = _check_content(errors, content)
    if errors.by_field or primary is None:
        raise ValidationError(errors.by_field)

    values = scalar_values(person, primary, content)
    changed = [name for name, value in values.items() if _stored(referral, name) != _given(value)]
    candidate = Referral.objects.get(pk=referral.pk)
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["number"])
    with transaction.atomic():
        if person.pk != referral.person_id:
            values["mse_division"] = route_to_division(person)
        rows = Referral.objects.filter(
            pk=referral.pk, version=expected_version, status=referral.status
        ).update(**values, version=expected_version + 1)
        if rows != 1:
            raise ConflictError(CONFLICT)
        referral.secondary_diagnoses.all().delete()
        referral.findings.all().delete()
        referral.limitations.all().delete()
        _write_children(
            referral, secondary, content.get("findings", ()), content.get("limitations", ())
        )
        if "person" in changed:
            PersonLink.objects.get_or_create(
                person=person,
                organisation_id=referral.medical_organisation_id,
                basis=LinkBasis.REFERRAL,
            )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=referral,
            request=request,
            fields=[*changed, "secondary_diagnoses", "findings", "limitations"],
        )
    referral.refresh_from_db()
    return referral


def referral_send(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    request: Any = None,
    channel: str = AuditChannel.WEB,
    actor_label: str = "",
) -> Referral:
    """Send a draft (or a returned referral, completed) to its MSE division.

    The completeness check runs inside the transaction, on the row as locked, so what was
    checked is what is sent; anything missing raises IncompleteReferral with the precise list and
    nothing changes. An in-person referral gives the division access to the person's record; an
    in-absentia one does not (the experts must not be able to find the person in the registry).
    """
    if is_signed_in(actor):
        if not may_refer_from(actor, referral.medical_organisation_id):
            raise AccessDenied(_("You may send only your own organisation's referrals."))
    elif channel == AuditChannel.WEB:
        raise AccessDenied(_("Sign in to send a referral."))
    with transaction.atomic():
        current = (
            Referral.objects.select_for_update()
            .select_related("person", "primary_diagnosis", "medical_organisation")
            .get(pk=referral.pk)
        )
        if current.version != expected_version:
            raise ConflictError(CONFLICT)
        if ReferralStatus.SENT not in TRANSITIONS.get(current.status, frozenset()):
            raise InvalidTransition(
                _("A referral that is “%(status)s” cannot be sent.")
                % {"status": status_label(current.status)}
            )
        missing = completeness_check(current)
        if missing:
            raise IncompleteReferral(missing)
        resent = current.status == ReferralStatus.RETURNED
        changes: dict[str, Any] = {}
        if current.first_sent_at is None:
            changes["first_sent_at"] = timezone.now()
        sent = referral_transition(
            referral=current,
            to_status=ReferralStatus.SENT,
            actor=actor,
            expected_version=expected_version,
            actor_label=actor_label or str(current.medical_organisation.short_name),
            request=request,
            channel=audit_channel(channel),
            changes=changes,
        )
        if sent.route == Route.IN_PERSON:
            PersonLink.objects.get_or_create(
                person_id=sent.person_id,
                organisation_id=sent.mse_division_id,
                basis=LinkBasis.REFERRAL,
            )
        notify_person_of_sending(referral=sent, resent=resent, actor=actor, request=request)
        staff_alerts.referral_received(sent, actor=actor, request=request)
        publish_referral_sent(sent, resent=resent)
    return sent


def referral_send_many(
    *,
    actor: Any,
    referrals: Sequence[Referral],
    request: Any = None,
    channel: str = AuditChannel.WEB,
    actor_label: str = "",
) -> list[Referral]:
    """Send many referrals of one clinic at once, in the caller's transaction, with the same
    end state per referral as `referral_send` one by one: its status, step dates and version,
    its timeline event and audit record (`referral_transition_many`), the MSE division's link to
    the person of an in-person referral, the person's notice (`notify_people_of_sending`) and the
    `referral.sent` event (`publish_referrals_sent`), each kind written in bulk.

    The caller has checked every referral complete by the rules in force, on the values it
    holds (a bulk file's batch runs `missing_under` on each row before writing it), and holds
    each referral as stored: a referral moved meanwhile raises ConflictError, one the table does
    not let be sent InvalidTransition, for the whole batch, and nothing is written.
    """
    if not referrals:
        return []
    clinics = {referral.medical_organisation_id for referral in referrals}
    if len(clinics) != 1:
        raise ValueError("referral_send_many sends the referrals of one clinic")
    if is_signed_in(actor):
        if not may_refer_from(actor, referrals[0].medical_organisation_id):
            raise AccessDenied(_("You may send only your own organisation's referrals."))
    elif channel == AuditChannel.WEB:
        raise AccessDenied(_("Sign in to send a referral."))
    # Inside a caller's transaction, no savepoint: a refusal of the move leaves that transaction
    # as it was (nothing is written before every referral is checked); a failure after the
    # first write marks it for rollback.
    in_transaction = transaction.get_connection().in_atomic_block
    with nullcontext() if in_transaction else transaction.atomic():
        now = timezone.now()
        moves = referral_transition_many(
            referrals,
            to_status=ReferralStatus.SENT,
            actor=actor,
            actor_label=actor_label or str(referrals[0].medical_organisation.short_name),
            request=request,
            channel=audit_channel(channel),
            changes={
                referral.pk: {"first_sent_at": now}
                for referral in referrals
                if referral.first_sent_at is None
            },
        )
        resent = {move.record.pk: move.source == ReferralStatus.RETURNED for move in moves}
        _sent_many(referrals, resent=resent, actor=actor, request=request)
    return list(referrals)


def _sent_many(
    referrals: Sequence[Referral], *, resent: dict[int, bool], actor: Any, request: Any
) -> None:
    """What follows the move of referrals just sent: the division's links to the in-person
    referrals' persons, the persons' notices and the outbox events."""
    with transaction.atomic(savepoint=False):
        PersonLink.objects.bulk_create(
            [
                PersonLink(
                    person_id=referral.person_id,
                    organisation_id=referral.mse_division_id,
                    basis=LinkBasis.REFERRAL,
                )
                for referral in referrals
                if referral.route == Route.IN_PERSON
            ],
            ignore_conflicts=True,
        )
        notify_people_of_sending(referrals=referrals, resent=resent, actor=actor, request=request)
        staff_alerts.referrals_received(referrals, actor=actor, request=request)
        publish_referrals_sent(referrals, resent=resent)
