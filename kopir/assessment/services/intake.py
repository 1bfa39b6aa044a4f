"""Referrals that arrive from other systems: the JSON API, FHIR bundles and bulk files.

Each channel turns what it received into one `ReferralInput` and calls `referral_intake`, which
finds or registers the person, creates the referral through `referral_create`, attaches the
documents and, when asked, sends it through `referral_send_many` (a batch of one) — all in one transaction, so a
referral is never half-received. Every problem is reported with the path of the field it is
about ("person.iin", "findings.1.value", "attachments.0.file"); each channel translates those
paths into its own (a JSON pointer, a FHIR expression, a CSV column).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import (
    DocumentType,
    IntakeChannel,
    Referral,
    ReferralPurpose,
    Route,
)
from kopir.assessment.services.attachments import attachment_add
from kopir.assessment.services.completeness import MissingItem, missing_under, rules_in_force
from kopir.assessment.services.referral_inputs import FindingInput, LimitationInput
from kopir.assessment.services.referral_routing import TERRITORY_CHAIN
from kopir.assessment.services.referrals import (
    referral_children,
    referral_content_check,
    referral_create,
    referral_send_many,
)
from kopir.audit.models import AuditChannel
from kopir.audit.services import audit_deferred
from kopir.core.errors import DomainError
from kopir.core.identifiers import normalise_identifier, validate_iin, validate_kato
from kopir.core.uploads import DOCUMENT_EXTENSIONS, KINDS, check_upload
from kopir.directory.models import Organisation, Territory
from kopir.people.models import ContactLanguage, LinkBasis, Person, PersonLink, Sex
from kopir.people.services import IDENTITY_MISMATCH, identity_matches, person_register
from kopir.people.validators import validate_birth_date

# --- What a channel hands over -----------------------------------------------------------------


@dataclass(frozen=True)
class PersonInput:
    """The person as the sender knows them: the IIN, names, date of birth, sex and territory are
    always needed; for a person already in the registry the names and date of birth must match."""

    iin: str
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    territory_kato: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    preferred_language: str = ""
    consent_to_processing: bool = False


@dataclass(frozen=True)
class AttachmentInput:
    document_type: str
    issued_on: dt.date | None
    file_name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ReferralInput:
    person: PersonInput
    purpose: str
    route: str
    primary_code: str
    secondary_codes: Sequence[str] = ()
    commission_protocol_number: str = ""
    commission_date: dt.date | None = None
    commission_conclusion: str = ""
    treatment_history: str = ""
    rehabilitation_history: str = ""
    findings: Sequence[FindingInput] = ()
    limitations: Sequence[LimitationInput] = ()
    attachments: Sequence[AttachmentInput] = ()
    external_id: str = ""
    send: bool = False


@dataclass(frozen=True)
class FieldProblem:
    field: str  # the path inside ReferralInput: "person.iin", "findings.0.value"
    reason: str


class IntakeInvalid(DomainError):
    """What the sender gave cannot become a referral; `problems` names every field and why."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))


@dataclass
class IntakeResult:
    referral: Referral
    # False when the sender's external id had already been received: nothing new was written.
    created: bool
    sent: bool = False
    missing: list[MissingItem] = field(default_factory=list)


def problems_of(error: ValidationError, prefix: str = "") -> list[FieldProblem]:
    """Flatten a ValidationError into field problems, with `prefix` before each field path."""
    problems = []
    for name, messages in error.message_dict.items():
        path = prefix if name == "__all__" else f"{prefix}{name}"
        for message in messages:
            problems.append(FieldProblem(path.rstrip(".") or "referral", str(message)))
    return problems


# --- The person ------------------------------------------------------------------------------

PERSON_FIELD_PATHS = {"territory": "person.territory_kato"}


def _check_choice(problems: list[FieldProblem], path: str, value: str, allowed: Any) -> None:
    if value not in allowed:
        problems.append(
            FieldProblem(path, str(_("Use one of: %(values)s.") % {"values": ", ".join(allowed)}))
        )


# Every sender names the person in full, whether or not Kopir knows them yet. What is required,
# and every refusal, is the same for a known and an unknown IIN: otherwise a system holding a
# token could learn from the answer whether a person is in the registry, or get a stranger's
# record linked to its clinic by the IIN alone.
PERSON_REQUIRED = ("last_name", "first_name", "birth_date", "sex", "territory_kato")


def problems_about(problems: list[FieldProblem], path: str) -> bool:
    return any(problem.field == path for problem in problems)


def person_problems(given: PersonInput) -> tuple[list[FieldProblem], str, str]:
    """What is wrong with the person as given, without asking the registry; and the IIN and the
    KATO code normalised. The territory's existence is the caller's to check."""
    # Every channel (JSON, FHIR, bulk file) arrives here: full-width digits become ASCII, other
    # scripts' digits are refused, so one person never gets a second record by a lookalike IIN.
    iin = normalise_identifier(given.iin)
    problems: list[FieldProblem] = []
    try:
        validate_iin(iin)
    except ValidationError as error:
        problems.extend(FieldProblem("person.iin", str(m)) for m in error.messages)
    problems.extend(
        FieldProblem(f"person.{name}", str(_("Required to identify the person.")))
        for name in PERSON_REQUIRED
        if not getattr(given, name)
    )
    if given.birth_date is not None:
        # Checked before the registry is asked, so a known and an unknown IIN get the same answer.
        try:
            validate_birth_date(given.birth_date)
        except ValidationError as error:
            problems.extend(FieldProblem("person.birth_date", str(m)) for m in error.messages)
    if given.sex:
        _check_choice(problems, "person.sex", given.sex, Sex.values)
    if given.preferred_language:
        _check_choice(
            problems, "person.preferred_language", given.preferred_language, ContactLanguage.values
        )
    kato = normalise_identifier(given.territory_kato)
    if kato:
        try:
            validate_kato(kato)
        except ValidationError as error:
            problems.extend(FieldProblem("person.territory_kato", str(m)) for m in error.messages)
    return problems, iin, kato


def _person(actor: Any, organisation: Organisation, given: PersonInput) -> Person:
    """The registered person with this IIN, or a newly registered one; linked to the clinic.

    A known person is linked only when the surname, first name and date of birth agree with the
    registry: a typo in an IIN can hit another real person, and an IIN alone proves nothing.
    """
    problems, iin, kato = person_problems(given)
    territory = None
    if kato and not problems_about(problems, "person.territory_kato"):
        territory = Territory.objects.filter(kato=kato).first()
        if territory is None:
            problems.append(
                FieldProblem("person.territory_kato", str(_("No territory has this KATO code.")))
            )
    if problems:
        raise IntakeInvalid(problems)
    assert territory is not None  # required above
    # With the chain of territories above the person's, which routing walks up.
    person = Person.objects.select_related(TERRITORY_CHAIN).filter(iin=iin).first()
    if person is None:
        # Registered, linked to the clinic as its registrant; and as its referrer below.
        person = _register(actor, given, iin, territory)
    elif not identity_matches(
        person,
        last_name=given.last_name,
        first_name=given.first_name,
        birth_date=given.birth_date,
    ):
        raise IntakeInvalid([FieldProblem("person.iin", str(IDENTITY_MISMATCH))])
    # The clinic may refer a person it had no link to yet (they have just come to it); the
    # link is what lets its staff open the person's record and the referral. One statement,
    # whether or not the link is there (get_or_create takes up to four).
    PersonLink.objects.bulk_create(
        [PersonLink(person=person, organisation=organisation, basis=LinkBasis.REFERRAL)],
        ignore_conflicts=True,
    )
    return person


def _register(actor: Any, given: PersonInput, iin: str, territory: Territory) -> Person:
    # Checked in _person; the assertion tells the type checker.
    assert given.birth_date is not None
    try:
        return person_register(
            actor=actor,
            iin=iin,
            last_name=given.last_name.strip(),
            first_name=given.first_name.strip(),
            patronymic=given.patronymic.strip(),
            birth_date=given.birth_date,
            sex=given.sex,
            territory=territory,
            address=given.address.strip(),
            phone=given.phone.strip(),
            email=given.email.strip(),
            preferred_language=given.preferred_language or ContactLanguage.KAZAKH,
            consent_to_processing=given.consent_to_processing,
        )
    except ValidationError as error:
        raise IntakeInvalid(
            [
                FieldProblem(PERSON_FIELD_PATHS.get(p.field, f"person.{p.field}"), p.reason)
                for p in problems_of(error)
            ]
        ) from error


# --- Documents -------------------------------------------------------------------------------

_EXTENSION_OF_TYPE = {KINDS[ext].content_type: ext for ext in DOCUMENT_EXTENSIONS}


def _upload(given: AttachmentInput) -> ContentFile[bytes]:
    """The document as an uploaded file, named so its extension matches its declared type."""
    name = PurePath(given.file_name or "document").name
    extension = _EXTENSION_OF_TYPE.get(given.content_type) or mimetypes.guess_extension(
        given.content_type or ""
    )
    if extension and PurePath(name).suffix.lower() not in DOCUMENT_EXTENSIONS:
        name = f"{PurePath(name).stem or 'document'}{extension}"
    return ContentFile(given.data, name=name)


def _check_attachments(attachments: Sequence[AttachmentInput]) -> list[ContentFile[bytes]]:
    """Check every document before anything is written, so a bad second file leaves no first."""
    problems: list[FieldProblem] = []
    uploads = []
    for index, given in enumerate(attachments):
        path = f"attachments.{index}"
        if given.document_type not in DocumentType.values:
            problems.append(
                FieldProblem(f"{path}.document_type", str(_("Choose the kind of document.")))
            )
        upload = _upload(given)
        try:
            detected = check_upload(upload)
        except ValidationError as error:
            problems.extend(FieldProblem(f"{path}.file", str(m)) for m in error.messages)
        else:
            if given.content_type and given.content_type != detected:
                problems.append(
                    FieldProblem(
                        f"{path}.content_type",
                        str(
                            _("The file is %(detected)s, not %(declared)s.")
                            % {"detected": detected, "declared": given.content_type}
                        ),
                    )
                )
        uploads.append(upload)
    if problems:
        raise IntakeInvalid(problems)
    return uploads


# --- The referral ----------------------------------------------------------------------------


def _referral_problems(data: ReferralInput) -> list[FieldProblem]:
    """The referral's own checks (diagnoses, dates, findings), without a person to refer."""
    # The same checks referral_create makes, so the problems named here are the ones it would.
    try:
        referral_content_check(
            purpose=data.purpose,
            route=data.route,
            primary_code=data.primary_code,
            secondary_codes=list(data.secondary_codes),
            commission_date=data.commission_date,
            findings=list(data.findings),
            limitations=list(data.limitations),
        )
    except ValidationError as error:
        return problems_of(error)
    return []


def existing_referral(organisation: Organisation, external_id: str) -> Referral | None:
    external_id = (external_id or "").strip()
    if not external_id:
        return None
    return Referral.objects.filter(
        medical_organisation=organisation, external_id=external_id
    ).first()


def referral_intake(
    *,
    actor: Any,
    organisation: Organisation,
    data: ReferralInput,
    channel: str,
    actor_label: str = "",
    request: Any = None,
    savepoint: bool = True,
) -> IntakeResult:
    """Receive one referral from a system. One transaction: all of it, or nothing.

    A referral whose external id this clinic already sent is returned as it is (created=False),
    so a retried row or message never makes a second referral. Raises IntakeInvalid naming every
    field that is wrong, or AccessDenied.

    `savepoint=False`: inside a caller's transaction that is undone whenever this raises (the
    API's request with its idempotency record), no savepoint of its own — two statements fewer.
    """
    existing = existing_referral(organisation, data.external_id)
    if existing is not None:
        return IntakeResult(referral=existing, created=False)
    problems: list[FieldProblem] = []
    _check_choice(problems, "purpose", data.purpose, ReferralPurpose.values)
    _check_choice(problems, "route", data.route, Route.values)
    if problems:
        raise IntakeInvalid(problems)
    uploads = _check_attachments(data.attachments)
    audit_channel = (
        AuditChannel.API if channel in (IntakeChannel.API, IntakeChannel.FHIR) else AuditChannel.WEB
    )
    # The audit records go in last, so the audit chain's lock is held only for the commit.
    with transaction.atomic(savepoint=savepoint), audit_deferred():
        try:
            person = _person(actor, organisation, data.person)
        except IntakeInvalid as invalid:
            # Report the rest of the referral's problems too, so the sender corrects all at once.
            raise IntakeInvalid(invalid.problems + _referral_problems(data)) from invalid
        try:
            referral = referral_create(
                actor=actor,
                person=person,
                medical_organisation=organisation,
                purpose=data.purpose,
                route=data.route,
                primary_code=data.primary_code,
                secondary_codes=list(data.secondary_codes),
                commission_protocol_number=data.commission_protocol_number,
                commission_date=data.commission_date,
                commission_conclusion=data.commission_conclusion,
                treatment_history=data.treatment_history,
                rehabilitation_history=data.rehabilitation_history,
                findings=list(data.findings),
                limitations=list(data.limitations),
                channel=channel,
                external_id=data.external_id,
                request=request,
                actor_label=actor_label,
                # The external id was looked up above, the person linked by _person.
                received=True,
            )
            for index, (given, upload) in enumerate(zip(data.attachments, uploads, strict=True)):
                try:
                    attachment_add(
                        actor=actor,
                        referral=referral,
                        document_type=given.document_type,
                        issued_on=given.issued_on,
                        uploaded_file=upload,
                        request=request,
                    )
                except ValidationError as error:
                    raise IntakeInvalid(problems_of(error, f"attachments.{index}.")) from error
        except ValidationError as error:
            raise IntakeInvalid(problems_of(error)) from error
        result = IntakeResult(referral=referral, created=True)
        if data.send:
            send_received(
                result,
                data,
                actor=actor,
                channel=audit_channel,
                request=request,
                actor_label=actor_label,
            )
    return result


def missing_as_received(referral: Referral, data: ReferralInput) -> list[MissingItem]:
    """`completeness_check` of a referral just written from `data`, judged from `data` rather
    than read back: its findings built by the same `referral_children` that wrote them, its
    documents and limitations as given (a new referral has no others). Only further diagnoses,
    normalised when they were looked up, are read again, when there are any."""
    today = timezone.localdate()
    rules = rules_in_force(today)
    if not rules:
        return []
    secondary = (
        list(referral.secondary_diagnoses.values_list("code__code", flat=True))
        if data.secondary_codes
        else []
    )
    _diagnoses, findings, _limitations = referral_children(
        referral, (), data.findings, data.limitations
    )
    return missing_under(
        rules,
        referral=referral,
        primary=referral.primary_diagnosis.code,
        secondary=secondary,
        birth_date=referral.person.birth_date,
        findings=findings,
        documents=[(given.document_type, given.issued_on) for given in data.attachments],
        has_limitations=bool(data.limitations),
        today=today,
    )


def send_received(
    result: IntakeResult,
    data: ReferralInput,
    *,
    actor: Any,
    channel: str,
    request: Any = None,
    actor_label: str = "",
) -> None:
    """Send the referral just received from `data`, inside the caller's transaction, through
    the batched sending (`referral_send_many`, a batch of one) after the same completeness check
    `referral_send` runs. One that is not complete stays a draft: nothing valid is lost, and
    `result.missing` says what it lacks."""
    missing = missing_as_received(result.referral, data)
    if missing:
        result.missing = missing
        return
    with audit_deferred():
        referral_send_many(
            actor=actor,
            referrals=[result.referral],
            request=request,
            channel=channel,
            actor_label=actor_label,
        )
    result.sent = True
