"""The rehabilitation demo (the IRP part): the executing bodies of West Kazakhstan routed by rule,
and approved programmes, with their measures routed, for the seed's blind person (the vision case
decided in assessment's demo) and a hearing-impaired person (a hearing case decided here through
assessment's own demo helpers and services). Idempotent: a second run changes nothing.

The employment office's measures are then worked through the agencies' own services into every
state (`_measures_in_every_state`): accepted, scheduled, delivered, not delivered, redirected to a
district department, disputed by the person, and one overdue and escalated; and so are the other
bodies' (`_measures_across_bodies`), each by its own demo officer: the health office (delivered
with its document; one overdue and escalated, left for its officer), the education office
(scheduled), the career centre (disputed, accepted, not delivered) and the city akimat (accepted,
and one redirected to the Karatobe district akimat).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from kopir.audit.models import AuditChannel
from kopir.directory.models import NoticeLanguage, Organisation, OrganisationKind, Territory
from kopir.directory.services import organisation_sync
from kopir.rehabilitation.models import (
    Programme,
    ProgrammeVersion,
    ProgrammeVersionStatus,
    RoutingRule,
)

REGION, ORAL, TEREKTI, KARATOBE = "270000000", "271010000", "276200000", "275000000"
K = OrganisationKind


@dataclass(frozen=True)
class DistrictDepartment:
    """A district department of the regional employment and social programmes office."""

    code: str
    territory: str
    names: tuple[str, str, str]


DISTRICT_DEPARTMENTS = (
    DistrictDepartment(
        "terekti-employment-department",
        TEREKTI,
        (
            "Теректі ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
            "Отдел занятости и социальных программ Теректинского района",
            "Terekti District Employment and Social Programs Department",
        ),
    ),
    DistrictDepartment(
        "karatobe-employment-department",
        KARATOBE,
        (
            "Қаратөбе ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
            "Отдел занятости и социальных программ Каратобинского района",
            "Karatobe District Employment and Social Programs Department",
        ),
    ),
)

# (kind, measure code or "", territory KATO, organisation code): region-wide rules first, then
# the districts that have a body of their own (the most specific rule wins).
ROUTING = (
    (K.EMPLOYMENT_SOCIAL, "", REGION, "wko-employment-office"),
    (K.EMPLOYMENT_SOCIAL, "", TEREKTI, "terekti-employment-department"),
    (K.EMPLOYMENT_SOCIAL, "", KARATOBE, "karatobe-employment-department"),
    (K.HEALTH_OFFICE, "", REGION, "wko-health-office"),
    (K.EDUCATION_OFFICE, "", REGION, "wko-education-office"),
    (K.CAREER_CENTRE, "", REGION, "oral-career-centre"),
    (K.AKIMAT, "", ORAL, "oral-akimat"),
    (K.AKIMAT, "", TEREKTI, "terekti-akimat"),
    (K.AKIMAT, "", KARATOBE, "karatobe-akimat"),
)

BLIND_CASE = "demo-p1-05"  # assessment's demo: vision, decided, appealed by the representative
HEARING_CASE = "demo-irp-hearing"
# What the division's specialist writes for the executing organisation: in Kazakh, as the demo
# division works; both documents (kk and ru) carry the text as entered.
DEMO_DETAILS = {
    "braille-display": "40 ұяшық; қазақ және орыс Брайль жазуы.",
    "hearing-aid": "Екі құлаққа; құлақ артына тағылатын аппараттар.",
}


def _district_departments() -> int:
    parent = Organisation.objects.get(code="wko-employment-office")
    territories = {t.kato: t for t in Territory.objects.filter(kato__in=[TEREKTI, KARATOBE])}
    created = 0
    for spec in DISTRICT_DEPARTMENTS:
        kk, ru, en = spec.names
        _organisation, outcome = organisation_sync(
            code=spec.code,
            data={
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "short_name_kk": kk[:100],
                "short_name_ru": ru[:100],
                "short_name_en": en[:100],
                "kind": K.EMPLOYMENT_SOCIAL,
                "bin": None,
                "territory": territories[spec.territory],
                "parent": parent,
                "email": f"{spec.code}@example.kz",
                "notice_language": NoticeLanguage.KAZAKH,
                "is_active": True,
            },
            channel=AuditChannel.COMMAND,
        )
        created += outcome == "created"
    return created


def _routing_rules() -> int:
    organisations = Organisation.objects.in_bulk([row[3] for row in ROUTING], field_name="code")
    territories = Territory.objects.in_bulk([row[2] for row in ROUTING], field_name="kato")
    missing = sorted({row[3] for row in ROUTING} - set(organisations))
    if missing:
        raise ImproperlyConfigured(
            "The rehabilitation demo needs the directory demo; missing: " + ", ".join(missing)
        )
    created = 0
    for kind, code, kato, organisation in ROUTING:
        _rule, made = RoutingRule.objects.get_or_create(
            measure_code=code,
            executor_kind=kind,
            territory=territories[kato],
            defaults={"organisation": organisations[organisation]},
        )
        created += made
    return created


def _hearing_case() -> None:
    """A hearing case decided and notified, walked through assessment's services."""
    from kopir.assessment.demo import referrals as mse
    from kopir.assessment.demo.referral_steps import PROFILES, create_referral
    from kopir.assessment.models import Referral

    if Referral.objects.filter(external_id=HEARING_CASE).exists():
        return
    case = mse.DemoCase(
        HEARING_CASE,
        mse.P3,
        "hearing",
        mse.DECIDED_STEPS.format(20, 19, 18, 17, 12, 10) + ", notify 9",
        conclusions=("G3", "G3", "G3"),
    )
    organisations = mse._organisations()
    users = mse._accounts()
    used = set(
        Referral.objects.filter(external_id__startswith="demo-").values_list("person_id", flat=True)
    )
    clinic = organisations[case.clinic]
    profile = PROFILES[case.profile]
    clock = mse.StepClock(timezone.localdate())
    referral = create_referral(
        case_key=case.key,
        clinic=clinic,
        person=mse._pick_person(clinic, case.key, child=profile.child, used=used),
        profile=profile,
        route=case.route,
        channel=mse.CLINICS[case.clinic],
        actor=users["clinician"] if mse.CLINICS[case.clinic] == "web" else None,
        created_on=clock.day(case.path[0][1]),
    )
    mse._walk(case, referral, users, clock)
    mse.backdate(referral, case.path, clock)


def _approve(case_key: str, details: dict[str, str], added: tuple[str, ...] = ()) -> str:
    """Approve the case's draft as the division's head would: the details for the executing
    organisations written, and the measures in `added` (by code) added where the suggestion
    rules did not propose them, so that every executing body of the demo holds some."""
    from kopir.accounts.models import User
    from kopir.rehabilitation.models import MeasureType
    from kopir.rehabilitation.services.approval import programme_approve
    from kopir.rehabilitation.services.programme import programme_line_add, programme_line_update

    programme = Programme.objects.filter(referral__external_id=case_key).first()
    if programme is None:
        return f"{case_key}: no programme (decision not established?)"
    draft = programme.versions.filter(status=ProgrammeVersionStatus.DRAFT).first()
    if draft is None:
        return f"{case_key}: approved already"
    head = User.objects.get(username="mse-head")
    for line in draft.lines.select_related("measure_type").filter(
        measure_type__code__in=list(details)
    ):
        draft.refresh_from_db()
        programme_line_update(
            actor=head,
            line=line,
            expected_version=draft.version,
            quantity=line.quantity,
            details=details[line.measure_type.code],
        )
    present = set(draft.lines.values_list("measure_type__code", flat=True))
    for measure_type in MeasureType.objects.filter(
        catalogue_id=draft.catalogue_id, code__in=[code for code in added if code not in present]
    ).order_by("code"):
        draft.refresh_from_db()
        programme_line_add(
            actor=head,
            programme_version=draft,
            expected_version=draft.version,
            measure_type=measure_type,
            quantity=None,
        )
    draft.refresh_from_db()
    programme_approve(actor=head, programme_version=draft, expected_version=draft.version)
    return f"{case_key}: approved {programme.number}"


def _catalogue_and_drafts() -> None:
    """The seeded catalogue, and a draft for every established decision that has none: a
    database emptied since migrating lost the seed, and assessment's demo (loaded before this
    one) then decided its cases without drafting."""
    from kopir.assessment.models import Decision, Outcome
    from kopir.rehabilitation.models import MeasureCatalogue, MeasureType, SuggestionRule
    from kopir.rehabilitation.seed import seed_catalogue
    from kopir.rehabilitation.services.programme import programme_draft_on_decision

    seed_catalogue(MeasureCatalogue, MeasureType, SuggestionRule)
    undrafted = Decision.objects.filter(
        outcome=Outcome.ESTABLISHED,
        superseded_at__isnull=True,
        programme_versions__isnull=True,
    ).select_related("referral__person", "decided_by")
    for decision in undrafted:
        programme_draft_on_decision(decision=decision, actor=decision.decided_by)


def _drafts_follow_their_decisions() -> None:
    """Assessment's demo backdates a decision after it was taken (and drafted): its date and
    term move into the past, so each draft takes the decision's term again before approval."""
    from kopir.rehabilitation.services.programme import decision_date, programme_draft_on_decision

    drafts = ProgrammeVersion.objects.filter(status=ProgrammeVersionStatus.DRAFT).select_related(
        "decision__referral__person", "decision__decided_by"
    )
    for draft in drafts:
        decision = draft.decision
        term = (decision_date(decision), decision.valid_until)
        if (draft.valid_from, draft.valid_until) != term:
            programme_draft_on_decision(decision=decision, actor=decision.decided_by)


EMPLOYMENT_OFFICE = "wko-employment-office"

# The measures the division adds to each case, beyond the suggestions, so that the other
# executing bodies the routing rules name hold some: the career centre (vocational guidance,
# training, a quota job), the city akimat (social taxi) and the education office.
ADDED_MEASURES = {
    BLIND_CASE: ("social-taxi", "vocational-guidance", "quota-job-placement"),
    HEARING_CASE: ("social-taxi", "special-educational-conditions", "vocational-training"),
}

# The demo accounts (accounts' demo data) of the other executing bodies, by organisation code.
BODY_OFFICERS = {
    "wko-health-office": "health",
    "wko-education-office": "education",
    "oral-career-centre": "career",
    "oral-akimat": "akimat",
    "karatobe-akimat": "district-akimat",
}


def _act(service: Callable[..., Any], officer: Any, measure: Any, **fields: Any) -> Any:
    """One step of an officer's work on a measure, through the pages' own service, on the
    version of the measure it has just read; the measure (updated in place) is returned."""
    service(actor=officer, measure=measure, expected_version=measure.version, **fields)
    return measure


def _schedule(officer: Any, measure: Any, *, on: Any, note: str) -> Any:
    from kopir.rehabilitation.services.execution import measure_schedule

    return _act(measure_schedule, officer, measure, scheduled_on=on, note=note)


def _not_deliver(officer: Any, measure: Any, reason: str, text: str) -> Any:
    from kopir.rehabilitation.services.execution import measure_not_deliver

    return _act(measure_not_deliver, officer, measure, reason=reason, text=text)


def _redirect(officer: Any, measure: Any, to_code: str, reason: str) -> Any:
    """Pass the measure on to the organisation `to_code`, as the person moved."""
    from kopir.rehabilitation.services.execution import measure_redirect

    to_organisation = Organisation.objects.get(code=to_code)
    return _act(measure_redirect, officer, measure, to_organisation=to_organisation, reason=reason)


def _dispute(measure: Any, text: str) -> None:
    """The person, on the status page, says the reported delivery did not happen."""
    from kopir.rehabilitation.services.citizen import measure_dispute

    measure_dispute(
        measure_id=measure.pk, person_id=measure.person_id, text=text, client="demo-loader"
    )


def _overdue_since_long_ago(measure: Any) -> None:
    """The demo goes back in time, as assessment's demo does with its cases: the programme was
    approved, and its measures routed, the day after the MSE decision (itself back-dated), and
    this measure was due five working days ago, so the sweep finds it overdue and escalates it.
    The version's approval, every first routing of its measures (their handoff, its tracked
    message and the first timeline entry) move back with it, so the pages, the documents and the
    messages tell one story: sent, decided, approved and routed, then due, in that order."""
    import datetime as dt

    from kopir.core.working_days import subtract_working_days
    from kopir.exchange.models import Message
    from kopir.rehabilitation.models import Handoff, Measure, MeasureEvent, ProgrammeVersion

    today = timezone.localdate()
    due = subtract_working_days(today, 5)
    version = measure.line.programme_version
    decided_at = version.decision.decided_at
    routed = decided_at + dt.timedelta(days=1)
    if timezone.localdate(routed) >= due:  # a decision too recent to be a day before: its moment
        routed = decided_at
    ProgrammeVersion.objects.filter(pk=version.pk).update(approved_at=routed)
    siblings = Measure.objects.filter(line__programme_version=version)
    siblings.update(assigned_at=routed)
    Measure.objects.filter(pk=measure.pk).update(due_on=due)
    firsts = Handoff.objects.filter(measure__in=siblings, from_organisation__isnull=True)
    Message.objects.filter(
        pk__in=firsts.exclude(message__isnull=True).values("message_id"), delivered_at__isnull=False
    ).update(sent_at=routed, delivered_at=routed)
    Message.objects.filter(
        pk__in=firsts.exclude(message__isnull=True).values("message_id"), delivered_at__isnull=True
    ).update(sent_at=routed)
    firsts.update(at=routed)
    Handoff.objects.filter(measure=measure, from_organisation__isnull=True).update(due_on=due)
    MeasureEvent.objects.filter(measure__in=siblings, from_status="").update(at=routed)


def _measures_in_every_state() -> str:
    """Work the employment office's measures as its officer and the person would, through the
    same services as the pages. Runs once: when any of them has left "assigned", it is done."""
    import datetime as dt

    from kopir.accounts.models import User
    from kopir.rehabilitation.models import Measure, MeasureStatus, NotDeliveredReason
    from kopir.rehabilitation.services.deadlines import measures_sweep_deadlines
    from kopir.rehabilitation.services.execution import measure_accept, measure_deliver

    held = {
        measure.measure_type.code: measure
        for measure in Measure.objects.filter(organisation__code=EMPLOYMENT_OFFICE)
        .select_related("measure_type", "organisation", "programme")
        .order_by("pk")
    }
    if not held or any(m.status != MeasureStatus.ASSIGNED for m in held.values()):
        return "measures worked already"
    officer = User.objects.get(username="agency")
    today = timezone.localdate()

    def accepted(code: str) -> Measure:
        measure = held[code]
        _act(measure_accept, officer, measure)
        return measure

    def delivered(code: str, serial: str) -> Measure:
        measure = accepted(code)
        _act(
            measure_deliver,
            officer,
            measure,
            delivered_on=today,
            serial_number=serial,
            supplier="«Көру» ЖШС (Әлеуметтік қызметтер порталы)",
        )
        return measure

    worked = []
    if "screen-reader" in held:
        delivered("screen-reader", "SR-2026-00417")
        worked.append("delivered")
    if "braille-display" in held:
        measure = accepted("braille-display")
        _schedule(
            officer,
            measure,
            on=today + dt.timedelta(days=7),
            note="Жеткізуші құрылғыны келесі аптада әкеледі.",
        )
        worked.append("scheduled")
    if "talking-watch" in held:
        measure = delivered("talking-watch", "TW-2026-01022")
        _dispute(measure, "Сағат берілген жоқ: жеткізуші хабарласпады.")
        worked.append("disputed by the person")
    if "talking-thermometer" in held:
        measure = accepted("talking-thermometer")
        _not_deliver(officer, measure, NotDeliveredReason.NOT_AVAILABLE, "Порталда жеткізуші жоқ.")
        worked.append("not delivered")
    if "talking-tonometer" in held:
        measure = held["talking-tonometer"]
        _redirect(
            officer,
            measure,
            "karatobe-employment-department",
            "Адам Қаратөбе ауданына көшті: аудандық бөлім ұсынады.",
        )
        worked.append("redirected")
    if "white-cane" in held:
        measure = accepted("white-cane")
        _overdue_since_long_ago(measure)
        worked.append("overdue")
    if "sign-language-specialist" in held:
        accepted("sign-language-specialist")
        worked.append("accepted")
    sweep = measures_sweep_deadlines()
    return f"measures {', '.join(worked)}; deadline sweep: {sweep}"


def _measures_across_bodies() -> str:
    """Work the other executing bodies' measures as their officers and the person would, through
    the same services as the pages, so that across the bodies measures are accepted, scheduled,
    delivered with evidence, not delivered with a coded reason, redirected with a reason, disputed
    by the person, and overdue and escalated (the health office's, left for its officer to work).
    Runs once: when any of them has left "assigned", or one was redirected, it is done."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kopir.accounts.models import User
    from kopir.core import sample_files
    from kopir.rehabilitation.models import Handoff, Measure, MeasureStatus, NotDeliveredReason
    from kopir.rehabilitation.services.deadlines import measures_sweep_deadlines
    from kopir.rehabilitation.services.execution import measure_accept, measure_deliver

    measures = list(
        Measure.objects.filter(
            organisation__code__in=list(BODY_OFFICERS),
            programme__referral__external_id__in=[BLIND_CASE, HEARING_CASE],
        )
        .select_related("measure_type", "organisation", "programme__referral")
        .order_by("pk")
    )
    redirected = Handoff.objects.filter(
        measure__in=measures, from_organisation__code__in=list(BODY_OFFICERS)
    ).exists()
    if not measures or redirected or any(m.status != MeasureStatus.ASSIGNED for m in measures):
        return "other bodies' measures worked already"
    held = {(m.programme.referral.external_id, m.measure_type.code): m for m in measures}
    officers = {
        user.organisation.code: user
        for user in User.objects.filter(username__in=list(BODY_OFFICERS.values())).select_related(
            "organisation"
        )
        if user.organisation is not None
    }
    today = timezone.localdate()
    worked: list[str] = []

    def take(case: str, code: str) -> tuple[Measure, User] | None:
        measure = held.get((case, code))
        officer = officers.get(measure.organisation.code) if measure is not None else None
        return (measure, officer) if measure is not None and officer is not None else None

    def accepted(measure: Measure, officer: User) -> Measure:
        _act(measure_accept, officer, measure)
        return measure

    def delivered(measure: Measure, officer: User, document: str) -> Measure:
        accepted(measure, officer)
        _act(
            measure_deliver,
            officer,
            measure,
            delivered_on=today,
            document=SimpleUploadedFile(
                f"{measure.measure_type.code}-akt.pdf",
                sample_files.pdf(document),
                content_type="application/pdf",
            ),
        )
        return measure

    # Health office: one course delivered with its document; the other overdue and escalated,
    # still waiting to be taken on (its officer works it to delivered in the demo).
    if found := take(BLIND_CASE, "medical-rehabilitation"):
        delivered(*found, "Медициналық оңалту курсы өтті: эпикриз")
        worked.append("health office: delivered")
    if found := take(HEARING_CASE, "medical-rehabilitation"):
        _overdue_since_long_ago(found[0])
        worked.append("health office: overdue")
    # Education office: accepted and scheduled.
    if found := take(HEARING_CASE, "special-educational-conditions"):
        measure, officer = accepted(*found), found[1]
        _schedule(
            officer,
            measure,
            on=today + dt.timedelta(days=10),
            note="Колледжде ымдау тілі аудармашысымен сабақ кестесі келісіледі.",
        )
        worked.append("education office: scheduled")
    # Career centre: guidance delivered and disputed by the person; a quota job accepted;
    # training not delivered, refused by the person.
    if found := take(BLIND_CASE, "vocational-guidance"):
        measure = delivered(*found, "Кәсіптік бағдар беру кеңесі: қорытынды")
        _dispute(measure, "Кеңес телефонмен ғана берілді, тестілеу өткізілген жоқ.")
        worked.append("career centre: disputed by the person")
    if found := take(BLIND_CASE, "quota-job-placement"):
        accepted(*found)
        worked.append("career centre: accepted")
    if found := take(HEARING_CASE, "vocational-training"):
        measure, officer = accepted(*found), found[1]
        _not_deliver(
            officer,
            measure,
            NotDeliveredReason.REFUSED,
            "Адам оқудың басқа мамандығын таңдады, бұл курстан бас тартты.",
        )
        worked.append("career centre: not delivered")
    # The city akimat: one social taxi accepted; the other passed to the district akimat where
    # the person now lives (as the employment office passed the tonometer on).
    if found := take(HEARING_CASE, "social-taxi"):
        accepted(*found)
        worked.append("city akimat: accepted")
    if found := take(BLIND_CASE, "social-taxi"):
        measure, officer = found
        _redirect(
            officer,
            measure,
            "karatobe-akimat",
            "Адам Қаратөбе ауданына көшті: әлеуметтік таксиді аудан әкімдігі ұсынады.",
        )
        worked.append("city akimat: redirected to the district akimat")
    sweep = measures_sweep_deadlines()
    return f"{'; '.join(worked)}; deadline sweep: {sweep}"


def load() -> str:
    with transaction.atomic():
        departments = _district_departments()
        rules = _routing_rules()
        _catalogue_and_drafts()
        _hearing_case()
        _drafts_follow_their_decisions()
        results = [
            _approve(
                BLIND_CASE,
                {"braille-display": DEMO_DETAILS["braille-display"]},
                ADDED_MEASURES[BLIND_CASE],
            ),
            _approve(
                HEARING_CASE,
                {"hearing-aid": DEMO_DETAILS["hearing-aid"]},
                ADDED_MEASURES[HEARING_CASE],
            ),
        ]
        results.append(_measures_in_every_state())
        results.append(_measures_across_bodies())
    return f"{departments} district departments and {rules} routing rules created; " + "; ".join(
        results
    )
