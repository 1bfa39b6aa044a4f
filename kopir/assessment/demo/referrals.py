"""The MSE demo: referrals in every state from five polyclinics of the West Kazakhstan region —
drafts, sent, returned incomplete with their missing lists, accepted, with the experts, decided,
notified, withdrawn — some overdue, one under appeal. Synthetic persons from the people demo.
The documents of every in-absentia case given to the experts are released to them by the head.

Every referral is made and moved by the real services (the clinic's `referral_create` and
`referral_send`, the division's accept / return / assign / conclude / decide / notify, the appeal
services), so the demo obeys the same rules as real work. The walk happens "now"; afterwards the
dates are moved back consistently (timeline events, step deadlines, conclusions, decisions,
appeal), counted in Kazakhstan's working days, so some steps are overdue today.

Idempotent: each case is keyed by its clinic and external id; a case that exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from kopir.accounts.models import User
from kopir.assessment.demo.referral_steps import (
    PROFILES,
    StepClock,
    backdate,
    conclusion_for,
    create_referral,
)
from kopir.assessment.models import AppealFiledBy, IntakeChannel, Referral, ReferralStatus, Route
from kopir.assessment.services.appeal import appeal_file, appeal_start_review
from kopir.assessment.services.attachments import attachment_release
from kopir.assessment.services.decision import conclusions_stamp, referral_decide, referral_notify
from kopir.assessment.services.division import referral_accept, referral_return
from kopir.assessment.services.outcome_rules import valid_until
from kopir.assessment.services.referrals import referral_send
from kopir.assessment.services.review import conclusion_submit, referral_assign_experts
from kopir.assessment.workflow import referral_transition
from kopir.audit.models import AuditChannel
from kopir.directory.models import Organisation
from kopir.people.models import LinkBasis, Person

DIVISION = "wko-mse-division-oral"
DEPARTMENT = "wko-mse-department"
# The clinics and how each sends: the web form (the demo clinician's), its information system
# through the API, or a bulk file.
CLINICS = {
    "oral-polyclinic-1": IntakeChannel.WEB,
    "oral-polyclinic-3": IntakeChannel.API,
    "oral-polyclinic-5": IntakeChannel.API,
    "terekti-district-hospital": IntakeChannel.BULK,
    "karatobe-district-hospital": IntakeChannel.BULK,
}
# The demo experts an in-absentia case needs (three) and the appeals reviewer: accounts.demo
# creates them with the other demo accounts, so `make demo` prints them and the sign-in page
# lists them.
EXPERTS = ("mse", "mse-expert-2", "mse-expert-3")
RETURN_ITEMS = {
    "vision": ["Екі көздің периметрия картасы (тек мәндердің өзі жеткіліксіз)"],
    "hearing": [
        "Тимпанометрия нәтижесі",
        "Есту аппаратын таңдау туралы оториноларинголог қорытындысы",
    ],
    "mental": ["Оқу немесе жұмыс орнынан мінездеме"],
    "amputation": ["Протездеу маманының протезді таңдау туралы қорытындысы"],
}


@dataclass(frozen=True)
class DemoCase:
    key: str
    clinic: str
    profile: str
    # The steps taken, oldest first, each with how many working days ago it happened:
    # "create 14, send 12, return 9". "conclude:2" means only the first two experts concluded.
    steps: str
    route: str = Route.IN_ABSENTIA
    # The experts' conclusions: "G1".."G3" (the group for the person's age) or "none".
    conclusions: tuple[str, ...] = ("G2", "G2", "G2")

    @property
    def path(self) -> tuple[tuple[str, int], ...]:
        pairs = (part.split() for part in self.steps.split(","))
        return tuple((step, int(days)) for step, days in pairs)


P1, P3, P5 = "oral-polyclinic-1", "oral-polyclinic-3", "oral-polyclinic-5"
TEREKTI, KARATOBE = "terekti-district-hospital", "karatobe-district-hospital"
DECIDED_STEPS = "create {0}, send {1}, accept {2}, assign {3}, conclude {4}, decide {5}"
CASES: tuple[DemoCase, ...] = (
    DemoCase("demo-p1-01", P1, "vision", "create 1"),
    DemoCase("demo-p1-02", P1, "hearing", "create 3, send 0"),
    # Returned nine working days ago and not yet completed: overdue at the clinic.
    DemoCase("demo-p1-03", P1, "vision", "create 14, send 12, return 9"),
    DemoCase("demo-p1-04", P1, "oncology", "create 12, send 11, accept 10, assign 9, conclude:2 4"),
    # Decided, notified, appealed by the representative and under review at the department.
    DemoCase(
        "demo-p1-05",
        P1,
        "vision",
        DECIDED_STEPS.format(30, 29, 28, 27, 22, 20) + ", notify 19, appeal 8, review 6",
        conclusions=("G3", "G3", "G2"),
    ),
    # Sent five working days ago and not yet accepted or returned: overdue at the division.
    DemoCase("demo-p3-01", P3, "amputation", "create 7, send 5"),
    DemoCase("demo-p3-02", P3, "mental", "create 8, send 6, accept 3"),
    DemoCase(
        "demo-p3-03",
        P3,
        "oncology",
        DECIDED_STEPS.format(14, 13, 12, 11, 3, 1),
        conclusions=("G1", "G1", "G1"),
    ),
    # Returned once, completed and sent again.
    DemoCase("demo-p3-04", P3, "hearing", "create 12, send 11, return 9, send 1"),
    # Not established by the majority; one expert dissented.
    DemoCase(
        "demo-p5-01",
        P5,
        "vision",
        DECIDED_STEPS.format(25, 24, 23, 22, 15, 14) + ", notify 14",
        conclusions=("none", "none", "G3"),
    ),
    # With the experts for thirteen working days, one conclusion in: overdue.
    DemoCase(
        "demo-p5-02", P5, "diabetes_child", "create 16, send 15, accept 14, assign 13, conclude:1 5"
    ),
    DemoCase("demo-p5-03", P5, "hearing", "create 6, withdraw 4"),
    DemoCase("demo-p5-04", P5, "amputation", "create 4, send 3, accept 1", Route.IN_PERSON),
    # Returned twice: the clinic's second attempt also lacked something.
    DemoCase("demo-ter-01", TEREKTI, "mental", "create 20, send 19, return 17, send 12, return 10"),
    DemoCase("demo-ter-02", TEREKTI, "vision", "create 2, send 1"),
    DemoCase(
        "demo-ter-03",
        TEREKTI,
        "oncology",
        DECIDED_STEPS.format(15, 14, 13, 12, 6, 4),
        conclusions=("G2", "G1", "G2"),
    ),
    DemoCase(
        "demo-kar-01",
        KARATOBE,
        "diabetes_child",
        DECIDED_STEPS.format(24, 23, 22, 21, 12, 11) + ", notify 10",
    ),
    DemoCase(
        "demo-kar-02",
        KARATOBE,
        "amputation",
        "create 9, send 8, accept 7, assign 6",
        Route.IN_PERSON,
    ),
    DemoCase("demo-kar-03", KARATOBE, "hearing", "create 6, send 5, return 2"),
    DemoCase("demo-kar-04", KARATOBE, "mental", "create 3, send 2"),
)


def _organisations() -> dict[str, Organisation]:
    codes = {DIVISION, DEPARTMENT, *CLINICS}
    found = Organisation.objects.in_bulk(list(codes), field_name="code")
    missing = sorted(codes - set(found))
    if missing:
        raise ImproperlyConfigured(
            "The MSE demo needs the directory demo; missing: " + ", ".join(missing)
        )
    return found


def _accounts() -> dict[str, User]:
    names = ["clinician", "mse-head", *EXPERTS, "mse-appeals"]
    users = User.objects.in_bulk(names, field_name="username")
    missing = sorted(set(names) - set(users))
    if missing:
        raise ImproperlyConfigured(
            "The MSE demo needs the demo accounts; missing: " + ", ".join(missing)
        )
    return users


def _reference_data() -> None:
    """The ICD-10 codes and the completeness rules the referrals are checked against."""
    from kopir.assessment.demo.rules import rules_load_demo
    from kopir.assessment.models import Icd10Code
    from kopir.assessment.services.icd10 import icd10_load

    codes = {profile.code for profile in PROFILES.values()}
    if Icd10Code.objects.filter(code__in=codes).count() < len(codes):
        icd10_load()
    rules_load_demo()


def _pick_person(clinic: Organisation, key: str, *, child: bool, used: set[int]) -> Person:
    """A person attached to the clinic, of the right age, not used by another demo case. Chosen
    by the case's key among the candidates in IIN order: the same person on every run, and
    persons of varied ages rather than the first few IINs."""
    today = timezone.localdate()
    persons = Person.objects.filter(
        links__organisation=clinic, links__basis=LinkBasis.ATTACHED
    ).order_by("iin")
    if child:
        # Aged 8 to 16: a child's category, with room before the band ends.
        persons = persons.filter(
            birth_date__lte=today.replace(year=today.year - 8),
            birth_date__gt=today.replace(year=today.year - 16),
        )
    else:
        persons = persons.filter(birth_date__lte=today.replace(year=today.year - 20))
    candidates = list(persons.exclude(pk__in=used).values_list("pk", flat=True))
    if not candidates:
        raise ImproperlyConfigured(f"The people demo has no suitable person at {clinic.code}.")
    chosen = candidates[zlib.crc32(key.encode()) % len(candidates)]
    used.add(chosen)
    return Person.objects.get(pk=chosen)


def _walk(case: DemoCase, referral: Referral, users: dict[str, User], clock: StepClock) -> None:
    """Take the case's steps through the services, in order."""
    division_staff = users["mse"]
    head = users["mse-head"]
    experts = [users[name] for name in EXPERTS]
    channel = CLINICS[case.clinic]
    sender = users["clinician"] if channel == IntakeChannel.WEB else None
    for step, _days_ago in case.path[1:]:
        referral.refresh_from_db()
        version = referral.version
        if step == "send":
            referral_send(
                actor=sender,
                referral=referral,
                expected_version=version,
                channel=AuditChannel.WEB if sender else AuditChannel.API,
            )
        elif step == "withdraw":
            referral_transition(
                referral=referral,
                to_status=ReferralStatus.WITHDRAWN,
                actor=sender,
                expected_version=version,
                actor_label=str(referral.medical_organisation.short_name),
                note="Кері қайтарылды: адам басқа өңірге көшті.",
            )
        elif step == "return":
            referral_return(
                actor=division_staff,
                referral=referral,
                expected_version=version,
                added_items=RETURN_ITEMS.get(case.profile, ["Стационардан шығару эпикризі"]),
                note="Толықтырып, қайта жіберіңіз.",
            )
        elif step == "accept":
            referral_accept(actor=division_staff, referral=referral, expected_version=version)
        elif step == "assign":
            count = 3 if case.route == Route.IN_ABSENTIA else 1
            if case.route == Route.IN_ABSENTIA:
                # The head has checked the demo's synthetic documents: the experts may read them.
                for attachment in referral.attachments.all():
                    attachment_release(actor=head, attachment=attachment)
            referral_assign_experts(
                actor=head, referral=referral, expected_version=version, experts=experts[:count]
            )
        elif step.startswith("conclude"):
            _conclude(case, referral, experts, step)
        elif step == "decide":
            _decide(case, referral, head)
        elif step == "notify":
            referral_notify(actor=division_staff, referral=referral, expected_version=version)
        elif step == "appeal":
            appeal_file(
                actor=division_staff,
                referral=referral,
                filed_on=timezone.localdate(),
                filed_by=AppealFiledBy.REPRESENTATIVE,
                grounds="Адам III топ көру қабілетінің жоғалуын көрсетпейді деп санайды.",
            )
        elif step == "review":
            appeal = referral.appeals.get()
            appeal_start_review(
                actor=users["mse-appeals"], appeal=appeal, expected_version=appeal.version
            )


def _conclude(case: DemoCase, referral: Referral, experts: list[User], step: str) -> None:
    limit = int(step.split(":")[1]) if ":" in step else None
    birth_date = Person.objects.values_list("birth_date", flat=True).get(pk=referral.person_id)
    for index, assignment in enumerate(referral.assignments.order_by("position")):
        if limit is not None and index >= limit:
            break
        conclusion_submit(
            actor=next(e for e in experts if e.pk == assignment.expert_id),
            assignment=assignment,
            expected_version=assignment.version,
            conclusion=conclusion_for(case.conclusions[index], birth_date),
        )


def _decide(case: DemoCase, referral: Referral, head: User) -> None:
    from collections import Counter

    majority = Counter(case.conclusions[: referral.assignments.count()]).most_common(1)[0][0]
    birth_date = Person.objects.values_list("birth_date", flat=True).get(pk=referral.person_id)
    decision = conclusion_for(majority, birth_date)
    today = timezone.localdate()
    end = valid_until(decision.term, start=today, birth_date=birth_date)
    referral_decide(
        actor=head,
        referral=referral,
        expected_version=referral.version,
        expected_conclusions=conclusions_stamp(list(referral.assignments.all())),
        decision=decision,
        reexamination_on=(end - dt.timedelta(days=30)) if end else None,
    )


def load() -> str:
    """Create the demo referrals that do not exist yet. Returns a summary."""
    organisations = _organisations()
    with transaction.atomic():
        users = _accounts()
        _reference_data()
        existing = set(
            Referral.objects.filter(external_id__in=[case.key for case in CASES]).values_list(
                "medical_organisation__code", "external_id"
            )
        )
        used = set(
            Referral.objects.filter(external_id__startswith="demo-").values_list(
                "person_id", flat=True
            )
        )
        clock = StepClock(timezone.localdate())
        created = 0
        for case in CASES:
            if (case.clinic, case.key) in existing:
                continue
            clinic = organisations[case.clinic]
            profile = PROFILES[case.profile]
            person = _pick_person(clinic, case.key, child=profile.child, used=used)
            referral = create_referral(
                case_key=case.key,
                clinic=clinic,
                person=person,
                profile=profile,
                route=case.route,
                channel=CLINICS[case.clinic],
                actor=users["clinician"] if CLINICS[case.clinic] == IntakeChannel.WEB else None,
                created_on=clock.day(case.path[0][1]),
            )
            _walk(case, referral, users, clock)
            backdate(referral, case.path, clock)
            created += 1
    return f"{len(CASES)} demo referrals ({created} created)"
