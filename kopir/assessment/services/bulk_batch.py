"""A bulk file's rows received a batch at a time: one read of the reference data, bulk writes.

`bulk.py` reads the file; each batch of parsed rows comes here. The reference data is read once
per batch (the clinic's referrals by external id, the persons by IIN, the territories by KATO
code, the ICD-10 codes, the completeness rules, the clinic's links to the persons) and each row
is checked in memory with the same checks `referral_intake` runs. A row that passes every check
— a person already in the registry, named as the registry names them — is written with the
batch: numbers drawn at once, the referrals, their diagnoses, findings, limitations, first
events and audit records each in one statement. Every other row — one with any problem, or a
person to register — goes through `referral_intake` on its own, which reports its problems field
by field exactly as it always has. The rows that ask to be sent and are complete by the rules
are then sent together, in the batch's transaction, by `referral_send_many` (the transition
engine's `transition_many`, the persons' notices rendered once per group and filled per row,
the exchange events in bulk); an incomplete one stays a draft with the list of what is missing,
as one by one.

If the batch's writes fail (another worker received one of its external ids a moment before),
nothing of the batch stays and its rows go one by one: nothing is lost and nothing doubles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from kopir.assessment.access import may_refer_from
from kopir.assessment.models import (
    Finding,
    Icd10Code,
    LifeLimitation,
    Referral,
    ReferralEvent,
    ReferralPurpose,
    ReferralStatus,
    Route,
    SecondaryDiagnosis,
)
from kopir.assessment.services.completeness import (
    MissingItem,
    missing_under,
    rules_in_force,
)
from kopir.assessment.services.icd10 import normalise_code
from kopir.assessment.services.intake import (
    FieldProblem,
    IntakeResult,
    ReferralInput,
    person_problems,
)
from kopir.assessment.services.referral_inputs import (
    Errors,
    check_date,
    check_findings,
    check_limitations,
)
from kopir.assessment.services.referral_routing import (
    TERRITORY_CHAIN,
    audit_channel,
    referral_numbers,
    route_to_division,
)
from kopir.assessment.services.referrals import (
    CHECKED_ON_CREATE,
    CREATED_FIELDS,
    created_event,
    finding_values,
    referral_send_many,
    scalar_values,
)
from kopir.audit.models import AuditAction
from kopir.audit.services import audit_deferred, audit_record_many
from kopir.core.actors import is_signed_in
from kopir.core.bulk import append_rows, field_checks, insert_instances
from kopir.core.errors import DomainError
from kopir.directory.models import Organisation, OrganisationKind, Territory
from kopir.people.access import persons_for_user
from kopir.people.models import LinkBasis, Person, PersonLink
from kopir.people.services import identity_matches


@dataclass
class BatchRow:
    """A row of the file and, once its batch is done, what became of it: a result, or the
    problems that refused it (a row that could not even be read comes with them)."""

    number: int  # the row's line in the file
    external_id: str
    data: ReferralInput | None
    problems: list[FieldProblem] = field(default_factory=list)
    result: IntakeResult | None = None
    # Rows the batch does not take as they are go through referral_intake one by one.
    one_by_one: bool = False

    @property
    def given(self) -> ReferralInput:
        assert self.data is not None  # only rows that were read reach the batch
        return self.data


class _Finding(NamedTuple):
    """A finding of a row as `referral_children` would write it, as plain values."""

    kind: str
    side: str
    name: str
    value: Any
    unit: str
    text: str
    measured_on: dt.date


# The columns of each child table the batch appends, in the order of its plain rows (after the
# referral's id).
_FINDING_COLUMNS = ("referral_id", *_Finding._fields)
_DIAGNOSIS_COLUMNS = ("referral_id", "code_id", "position")
_LIMITATION_COLUMNS = ("referral_id", "category", "degree")
# The referral's columns that referral_create's full_clean checks, and that check without an
# instance's full_clean per row (`core.bulk.field_checks`).
_CHECKED_COLUMNS = [
    field.attname
    for field in Referral._meta.concrete_fields
    if not field.primary_key and not field.generated and field.name not in CHECKED_ON_CREATE
]
_referral_passes = field_checks(Referral, _CHECKED_COLUMNS)
_CREATED_EVENT_COLUMNS = ("referral_id", "actor_id", "actor_label", "from_status", "to_status")


@dataclass
class _Plan:
    """What the batch writes for one row that passed every check: the referral, and its
    further diagnoses (code, position), findings and limitations (category, degree) as plain
    values, written without a model instance each (`core.bulk.append_rows`)."""

    row: BatchRow
    referral: Referral
    diagnoses: list[tuple[Any, int]]
    findings: list[_Finding]
    limitations: list[tuple[str, int]]
    missing: list[MissingItem] = field(default_factory=list)


class _BatchRefused(Exception):
    """Something only the database could tell stops the batch: its rows go one by one."""


@dataclass
class DivisionCache:
    """The MSE division of each territory, asked once per file rather than once per row."""

    divisions: dict[int, Organisation | None] = field(default_factory=dict)

    def of(self, person: Person) -> Organisation | None:
        if person.territory_id not in self.divisions:
            try:
                self.divisions[person.territory_id] = route_to_division(person)
            except ValidationError:
                self.divisions[person.territory_id] = None
        return self.divisions[person.territory_id]


def _codes(rows: Sequence[BatchRow]) -> dict[str, Icd10Code]:
    wanted = {
        normalise_code(code)
        for row in rows
        for code in [row.given.primary_code, *row.given.secondary_codes]
        if code.strip()
    }
    return {code.code: code for code in Icd10Code.objects.filter(code__in=wanted)}


def _diagnoses(
    data: ReferralInput, codes: dict[str, Icd10Code]
) -> tuple[Icd10Code, list[Icd10Code]] | None:
    """The row's diagnoses if `resolve_codes` would accept them as they are, else None."""
    primary = codes.get(normalise_code(data.primary_code))
    if primary is None or not primary.is_leaf:
        return None
    secondary = []
    for typed in dict.fromkeys(code for code in data.secondary_codes if code.strip()):
        code = codes.get(normalise_code(typed))
        if code is None or not code.is_leaf or code.code == primary.code:
            return None
        secondary.append(code)
    return primary, secondary


_PURPOSES = frozenset(ReferralPurpose.values)
_ROUTES = frozenset(Route.values)


def _content_is_clean(data: ReferralInput) -> bool:
    """The referral's own checks that need no database (dates, findings, limitations, choices)."""
    if data.purpose not in _PURPOSES or data.route not in _ROUTES:
        return False
    if data.attachments:
        return False
    errors = Errors()
    check_date(errors, "commission_date", data.commission_date, required=False)
    check_findings(errors, list(data.findings))
    check_limitations(errors, list(data.limitations))
    return not errors.by_field


def _content(data: ReferralInput) -> dict[str, Any]:
    """The ReferralInput as referral_create's content (the same keywords referral_intake gives)."""
    return {
        "purpose": data.purpose,
        "route": data.route,
        "primary_code": data.primary_code,
        "secondary_codes": list(data.secondary_codes),
        "commission_protocol_number": data.commission_protocol_number,
        "commission_date": data.commission_date,
        "commission_conclusion": data.commission_conclusion,
        "treatment_history": data.treatment_history,
        "rehabilitation_history": data.rehabilitation_history,
        "findings": list(data.findings),
        "limitations": list(data.limitations),
    }


def receive_batch(
    rows: Sequence[BatchRow],
    *,
    actor: Any,
    organisation: Organisation,
    channel: str,
    divisions: DivisionCache,
    one_by_one: Callable[[BatchRow], None],
    actor_label: str = "",
    request: Any = None,
) -> None:
    """Receive `rows` (each distinct by external id): the clean ones together, the others
    through `one_by_one`, in the order of the file. Sets each row's `result` or `one_by_one`.

    `actor_label` names the sender on the timelines (the clinic's short name by default; the
    API names its system); `request` is the audit records' (an API call's address)."""
    existing = {
        referral.external_id: referral
        # "Not empty" said again, so that PostgreSQL can use the partial unique index on
        # (clinic, external id) however many ids the batch holds: from 100 ids in the list it
        # no longer proves the index's condition from them, and reads every referral of the
        # clinic instead (92 ms for 200 ids at 43,000 referrals, 0.3 ms with the index).
        for referral in Referral.objects.filter(
            medical_organisation=organisation,
            external_id__in=[row.external_id for row in rows if row.external_id],
        ).exclude(external_id="")
    }
    fresh = []
    for row in rows:
        if row.external_id and row.external_id in existing:
            row.result = IntakeResult(referral=existing[row.external_id], created=False)
        else:
            fresh.append(row)
    plans = _plans(
        fresh, actor=actor, organisation=organisation, channel=channel, divisions=divisions
    )
    if plans:
        try:
            _write(
                plans,
                actor=actor,
                organisation=organisation,
                channel=channel,
                label=actor_label or str(organisation.short_name),
                request=request,
            )
        except (_BatchRefused, DatabaseError, ValidationError):
            for plan in plans:
                plan.row.one_by_one = True
                plan.row.result = None
    for row in rows:
        if row.one_by_one:
            one_by_one(row)


def _plans(
    rows: Sequence[BatchRow],
    *,
    actor: Any,
    organisation: Organisation,
    channel: str,
    divisions: DivisionCache,
) -> list[_Plan]:
    """Check each row in memory; the clean ones as plans, the others marked one by one."""
    if organisation.kind != OrganisationKind.MEDICAL or not (
        is_signed_in(actor) and may_refer_from(actor, organisation.pk)
    ):
        for row in rows:
            row.one_by_one = True
        return []
    checked = []
    for row in rows:
        problems, iin, kato = person_problems(row.given.person)
        if problems or not _content_is_clean(row.given):
            row.one_by_one = True
        else:
            checked.append((row, iin, kato))
    persons = {
        person.iin: person
        for person in Person.objects.select_related(TERRITORY_CHAIN).filter(
            iin__in=[iin for _row, iin, _kato in checked]
        )
    }
    katos = set(
        Territory.objects.filter(kato__in={kato for _r, _i, kato in checked}).values_list(
            "kato", flat=True
        )
    )
    codes = _codes([row for row, _iin, _kato in checked])
    today = timezone.localdate()
    rules = rules_in_force(today) if any(row.given.send for row, _i, _k in checked) else []
    plans = []
    for row, iin, kato in checked:
        given = row.given.person
        person = persons.get(iin)
        diagnoses = _diagnoses(row.given, codes)
        if (
            person is None  # registered one by one, by person_register
            or kato not in katos
            or diagnoses is None
            or not identity_matches(
                person,
                last_name=given.last_name,
                first_name=given.first_name,
                birth_date=given.birth_date,
            )
        ):
            row.one_by_one = True
            continue
        division = divisions.of(person)
        if division is None:
            row.one_by_one = True
            continue
        primary, secondary = diagnoses
        content = _content(row.given)
        referral = Referral(
            number="",
            medical_organisation=organisation,
            mse_division=division,
            status=ReferralStatus.DRAFT,
            **scalar_values(person, primary, content),  # type: ignore[arg-type]
            channel=channel,
            external_id=row.given.external_id.strip(),
            created_by=actor,
        )
        # What referral_children writes, as plain values.
        plan = _Plan(
            row=row,
            referral=referral,
            diagnoses=[(code.pk, index) for index, code in enumerate(secondary)],
            findings=[_Finding(**finding_values(finding)) for finding in row.given.findings],
            limitations=[(item.category, item.degree) for item in row.given.limitations],
        )
        if row.given.send and rules:
            plan.missing = missing_under(
                rules,
                referral=referral,
                primary=primary.code,
                secondary=[code.code for code in secondary],
                birth_date=person.birth_date,
                findings=plan.findings,
                documents=[],
                has_limitations=bool(plan.limitations),
                today=today,
            )
        plans.append(plan)
    return plans


def _write_children(plans: list[_Plan], *, actor: Any, label: str) -> None:
    """The referrals' further diagnoses, findings, limitations and first timeline events (what
    `referral_children` and `created_event` give one by one), as plain rows."""
    append_rows(
        SecondaryDiagnosis,
        _DIAGNOSIS_COLUMNS,
        [(plan.referral.pk, *diagnosis) for plan in plans for diagnosis in plan.diagnoses],
    )
    append_rows(
        Finding,
        _FINDING_COLUMNS,
        [(plan.referral.pk, *finding) for plan in plans for finding in plan.findings],
    )
    append_rows(
        LifeLimitation,
        _LIMITATION_COLUMNS,
        [(plan.referral.pk, *limitation) for plan in plans for limitation in plan.limitations],
    )
    event = created_event(Referral(), actor=actor, label=label)
    append_rows(
        ReferralEvent,
        _CREATED_EVENT_COLUMNS,
        [
            (
                plan.referral.pk,
                event.actor_id,
                event.actor_label,
                event.from_status,
                event.to_status,
            )
            for plan in plans
        ],
    )


def _write(
    plans: list[_Plan],
    *,
    actor: Any,
    organisation: Organisation,
    channel: str,
    label: str,
    request: Any,
) -> None:
    """Write the batch's clean rows in one transaction, then send those that asked to be sent."""
    with transaction.atomic(), audit_deferred():
        numbers = referral_numbers(timezone.localdate().year, len(plans))
        for plan, number in zip(plans, numbers, strict=True):
            plan.referral.number = number
            if not _referral_passes([getattr(plan.referral, name) for name in _CHECKED_COLUMNS]):
                # full_clean's own refusal (what referral_create would report one by one).
                try:
                    plan.referral.full_clean(exclude=CHECKED_ON_CREATE, validate_unique=False)
                except ValidationError as error:
                    raise _BatchRefused from error
                raise _BatchRefused
        person_ids = {plan.referral.person_id for plan in plans}
        # The clinic keeps access to the person through the referral (get_or_create, at once).
        PersonLink.objects.bulk_create(
            [
                PersonLink(person_id=pk, organisation=organisation, basis=LinkBasis.REFERRAL)
                for pk in sorted(person_ids)
            ],
            ignore_conflicts=True,
        )
        visible = set(
            persons_for_user(actor).filter(pk__in=person_ids).values_list("pk", flat=True)
        )
        if visible != person_ids:
            raise _BatchRefused
        insert_instances(Referral, [plan.referral for plan in plans])
        _write_children(plans, actor=actor, label=label)
        audit_record_many(
            actor=actor,
            action=AuditAction.CREATE,
            entries=[(plan.referral, f"channel={channel}") for plan in plans],
            request=request,
            channel=audit_channel(channel),
            fields=CREATED_FIELDS,
        )
        to_send = []
        for plan in plans:
            plan.row.result = IntakeResult(referral=plan.referral, created=True)
            if plan.row.given.send:
                if plan.missing:
                    # What referral_send would refuse, found without asking it: the draft stays.
                    plan.row.result.missing = plan.missing
                else:
                    to_send.append(plan)
        if to_send:
            try:
                referral_send_many(
                    actor=actor,
                    referrals=[plan.referral for plan in to_send],
                    channel=audit_channel(channel),
                    actor_label=label,
                    request=request,
                )
            except DomainError as refused:
                raise _BatchRefused from refused
            for plan in to_send:
                assert plan.row.result is not None
                plan.row.result.sent = True
