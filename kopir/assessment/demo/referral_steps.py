"""Building blocks of the MSE demo (referrals.py): what each nosology's referral carries,
the experts' conclusions, and moving a finished walk's dates back in working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kopir.assessment.models import (
    Appeal,
    AppealStatus,
    Attachment,
    Category,
    Cause,
    Decision,
    DocumentType,
    ExpertAssignment,
    FindingKind,
    LimitationCategory,
    Outcome,
    Referral,
    ReferralPurpose,
    ReferralStatus,
    Term,
)
from kopir.assessment.selectors.deadlines import WorkingDayIndex
from kopir.assessment.services.appeal import appeal_step_due_on
from kopir.assessment.services.outcome_rules import (
    ADULT,
    CHILD_LT7,
    OutcomeInput,
    age_band,
    valid_until,
)
from kopir.assessment.workflow import step_due_on
from kopir.core import sample_files

FindingsBuilder = Callable[[dt.date], list[Any]]
PDF = sample_files.pdf("Kopir demo document: synthetic, no real person")
EVENT_STEPS = {
    "create": ReferralStatus.DRAFT,
    "send": ReferralStatus.SENT,
    "return": ReferralStatus.RETURNED,
    "accept": ReferralStatus.ACCEPTED,
    "assign": ReferralStatus.ASSIGNED,
    "decide": ReferralStatus.DECIDED,
    "notify": ReferralStatus.NOTIFIED,
    "withdraw": ReferralStatus.WITHDRAWN,
}


def _finding(kind: str, day: dt.date, **values: Any) -> Any:
    from kopir.assessment.services.referrals import FindingInput

    return FindingInput(kind, day, **values)


def _limitations(*pairs: tuple[str, int]) -> list[Any]:
    from kopir.assessment.services.referrals import LimitationInput

    return [LimitationInput(category, degree) for category, degree in pairs]


@dataclass(frozen=True)
class Profile:
    code: str
    conclusion: str
    findings: FindingsBuilder
    limitations: tuple[tuple[str, int], ...]
    documents: tuple[str, ...] = ()
    child: bool = False
    treatment: str = ""
    secondary: tuple[str, ...] = field(default=())


PROFILES: dict[str, Profile] = {
    "vision": Profile(
        code="H54.0",
        conclusion="Стойкие выраженные нарушения зрительных функций обоих глаз.",
        findings=lambda day: [
            _finding(FindingKind.VISUAL_ACUITY, day, side="right", value=Decimal("0.04")),
            _finding(FindingKind.VISUAL_ACUITY, day, side="left", value=Decimal("0.02")),
            _finding(FindingKind.VISUAL_FIELD, day, side="right", value=Decimal("8")),
            _finding(FindingKind.VISUAL_FIELD, day, side="left", value=Decimal("6")),
        ],
        limitations=((LimitationCategory.ORIENTATION, 2), (LimitationCategory.MOBILITY, 1)),
        documents=(DocumentType.OPHTHALMOLOGIST_REPORT,),
        treatment="Оперативное лечение глаукомы (2023), консервативная терапия.",
    ),
    "hearing": Profile(
        code="H90.3",
        conclusion="Двусторонняя нейросенсорная тугоухость IV степени.",
        findings=lambda day: [
            _finding(FindingKind.HEARING_THRESHOLD, day, side="right", value=Decimal("85")),
            _finding(FindingKind.HEARING_THRESHOLD, day, side="left", value=Decimal("90")),
        ],
        limitations=((LimitationCategory.COMMUNICATION, 2),),
        documents=(DocumentType.AUDIOGRAM,),
    ),
    "amputation": Profile(
        code="Z89.5",
        conclusion="Культя левой голени после травматической ампутации, протезирована.",
        findings=lambda day: [
            _finding(
                FindingKind.LIMB_FUNCTION,
                day,
                side="left",
                text="Культя голени на уровне средней трети, опороспособна.",
            )
        ],
        limitations=((LimitationCategory.MOBILITY, 2), (LimitationCategory.WORK, 1)),
        documents=(DocumentType.SURGEON_REPORT,),
    ),
    "oncology": Profile(
        code="C50.9",
        conclusion="Рак молочной железы, состояние после комбинированного лечения.",
        findings=lambda day: [
            _finding(FindingKind.HISTOLOGY, day, text="Инвазивная протоковая карцинома, G2.")
        ],
        limitations=((LimitationCategory.SELF_CARE, 1), (LimitationCategory.WORK, 2)),
        documents=(DocumentType.ONCOLOGIST_CONCLUSION,),
        treatment="Мастэктомия, 6 курсов химиотерапии, лучевая терапия.",
    ),
    "mental": Profile(
        code="F20.0",
        conclusion="Параноидная шизофрения, непрерывное течение, выраженный дефект.",
        findings=lambda day: [],
        limitations=((LimitationCategory.BEHAVIOUR, 2), (LimitationCategory.WORK, 2)),
        documents=(DocumentType.PSYCHIATRIST_REPORT, DocumentType.PSYCHOLOGICAL_ASSESSMENT),
    ),
    "diabetes_child": Profile(
        code="E10.9",
        conclusion="Сахарный диабет 1 типа, лабильное течение, инсулинотерапия.",
        findings=lambda day: [_finding(FindingKind.HBA1C, day, value=Decimal("9.4"))],
        limitations=((LimitationCategory.SELF_CARE, 1), (LimitationCategory.LEARNING, 1)),
        documents=(DocumentType.ENDOCRINOLOGIST_REPORT,),
        child=True,
    ),
}


class StepClock:
    """Dates so many working days before today, and a time of day for each step."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.index = WorkingDayIndex(today - dt.timedelta(days=120), today)

    def day(self, working_days_ago: int) -> dt.date:
        if working_days_ago <= 0:
            return self.today
        earlier = [day for day in self.index.working if day < self.today]
        return earlier[-working_days_ago]

    def moment(self, working_days_ago: int, order: int) -> dt.datetime:
        day = self.day(working_days_ago)
        naive = dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=17 * order)
        return timezone.make_aware(naive)


def create_referral(
    *,
    case_key: str,
    clinic: Any,
    person: Any,
    profile: Profile,
    route: str,
    channel: str,
    actor: Any,
    created_on: dt.date,
) -> Referral:
    """A draft with the profile's findings and documents, dated a few days before it was made."""
    from kopir.assessment.services.completeness import completeness_check
    from kopir.assessment.services.referrals import attachment_add, referral_create

    measured = created_on - dt.timedelta(days=3)
    referral = referral_create(
        actor=actor,
        person=person,
        medical_organisation=clinic,
        purpose=ReferralPurpose.PRIMARY,
        route=route,
        primary_code=profile.code,
        secondary_codes=profile.secondary,
        commission_protocol_number=f"ВКК-{case_key[-5:].upper()}",
        commission_date=created_on - dt.timedelta(days=1),
        commission_conclusion=profile.conclusion,
        treatment_history=profile.treatment,
        findings=profile.findings(measured),
        limitations=_limitations(*profile.limitations),
        channel=channel,
        external_id=case_key,
    )
    for document_type in profile.documents:
        attachment_add(
            actor=actor,
            referral=referral,
            document_type=document_type,
            issued_on=measured,
            uploaded_file=SimpleUploadedFile(
                f"{document_type}.pdf",
                PDF + f"{case_key} {document_type}".encode(),
                content_type="application/pdf",
            ),
        )
    referral.refresh_from_db()
    missing = completeness_check(referral)
    if missing:
        raise ImproperlyConfigured(
            f"Demo referral {case_key} does not meet the rules: "
            + ", ".join(item.code for item in missing)
        )
    return referral


def conclusion_for(code: str, birth_date: dt.date) -> OutcomeInput:
    """An expert's conclusion: "none" (not established) or a group for the person's age band."""
    if code == "none":
        return OutcomeInput(
            outcome=Outcome.NOT_ESTABLISHED,
            reasons="Нарушения функций незначительные, ограничений жизнедеятельности нет.",
        )
    band = age_band(birth_date, timezone.localdate())
    number = code[-1]
    if band == ADULT:
        category = Category(f"ADULT_G{number}")
        cause = Cause.GENERAL_DISEASE
        term = Term.TWO_YEARS if number == "1" else Term.ONE_YEAR
    elif band == CHILD_LT7:
        category, cause, term = Category.CHILD_LT7, Cause.CHILD_UNDER_7, Term.UNTIL_7
    else:
        category, cause, term = Category(f"CHILD_7_18_G{number}"), Cause.CHILD_7_18, Term.UNTIL_18
    return OutcomeInput(
        outcome=Outcome.ESTABLISHED,
        category_code=category,
        cause=cause,
        term=term,
        reasons="Стойкие нарушения функций, ограничения жизнедеятельности подтверждены.",
    )


def backdate(referral: Referral, path: Sequence[tuple[str, int]], clock: StepClock) -> None:
    """Move every date of a walked case to when its steps happened, consistently."""
    moments = [clock.moment(days, order) for order, (_step, days) in enumerate(path)]
    event_moments = [m for (step, _d), m in zip(path, moments, strict=True) if step in EVENT_STEPS]
    events = list(referral.events.order_by("id"))
    if len(events) != len(event_moments):
        raise ImproperlyConfigured(f"Demo referral {referral.external_id}: steps and events differ")
    at_status: dict[str, dt.datetime] = {}
    last_due: dt.date | None = None
    for event, moment in zip(events, event_moments, strict=True):
        last_due = step_due_on(event.to_status, timezone.localdate(moment))
        type(event).objects.filter(pk=event.pk).update(at=moment, step_due_on=last_due)
        at_status.setdefault(event.to_status, moment)
        at_status[f"last:{event.to_status}"] = moment
    last = event_moments[-1]
    Referral.objects.filter(pk=referral.pk).update(
        created_at=event_moments[0],
        first_sent_at=at_status.get(ReferralStatus.SENT),
        step_started_on=timezone.localdate(last),
        step_due_on=last_due,
        decided_at=at_status.get(ReferralStatus.DECIDED),
    )
    steps = {step.split(":")[0]: moment for (step, _d), moment in zip(path, moments, strict=True)}
    if "assign" in steps:
        ExpertAssignment.objects.filter(referral=referral).update(assigned_at=steps["assign"])
        # The head released the documents just before assigning the experts.
        Attachment.objects.filter(referral=referral, released_to_experts_at__isnull=False).update(
            released_to_experts_at=steps["assign"] - dt.timedelta(minutes=5)
        )
    if "conclude" in steps:
        for offset, assignment in enumerate(referral.assignments.exclude(submitted_at=None)):
            ExpertAssignment.objects.filter(pk=assignment.pk).update(
                submitted_at=steps["conclude"] + dt.timedelta(minutes=3 * offset)
            )
    decision = Decision.objects.filter(referral=referral).first()
    if decision is not None and "decide" in steps:
        decided_on = timezone.localdate(steps["decide"])
        birth_date = (
            type(referral.person)
            .objects.values_list("birth_date", flat=True)
            .get(pk=referral.person_id)
        )
        end = valid_until(decision.term, start=decided_on, birth_date=birth_date)
        Decision.objects.filter(pk=decision.pk).update(
            decided_at=steps["decide"],
            valid_until=end,
            reexamination_on=(end - dt.timedelta(days=30)) if end else None,
        )
    appeal = Appeal.objects.filter(referral=referral).first()
    if appeal is not None and "appeal" in steps:
        filed_on = timezone.localdate(steps["appeal"])
        values: dict[str, Any] = {
            "filed_on": filed_on,
            "recorded_at": steps["appeal"],
            "step_started_on": filed_on,
            "due_on": appeal_step_due_on(AppealStatus.FILED, filed_on),
        }
        if "review" in steps:
            reviewed_on = timezone.localdate(steps["review"])
            values.update(
                review_started_at=steps["review"],
                step_started_on=reviewed_on,
                due_on=appeal_step_due_on(AppealStatus.UNDER_REVIEW, reviewed_on),
            )
        Appeal.objects.filter(pk=appeal.pk).update(**values)
