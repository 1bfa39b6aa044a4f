"""The seed meeting's follow-up, recreated: recommendations to the local executive bodies from the
first item (in every state the register shows), the approved minutes, the monitoring visits the
chair listed (city schools, the school for hearing-impaired children) and the six letters to the
Mazhilis. Runs after demo/meetings.py; idempotent: a second run finds everything and changes nothing.

Everything goes through the services, as a person would do it: the secretary drafts and sends,
each body's officer answers, the secretary accepts or not, chair and secretary sign.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kopir.accounts import services as account_services
from kopir.accounts.models import Role, User
from kopir.audit.models import AuditChannel
from kopir.core.working_days import add_working_days
from kopir.council import access
from kopir.council.demo import followup_data as data
from kopir.council.demo.organisations import sync_organisation
from kopir.council.demo.texts_ru import russian
from kopir.council.models import (
    Council,
    Decision,
    Meeting,
    MeetingStatus,
    Member,
    Minutes,
    MonitoringVisit,
    Recommendation,
    RecommendationStatus,
    ResponseVerdict,
)
from kopir.council.services import dossiers as dossier_services
from kopir.council.services import letters as letter_services
from kopir.council.services import minutes as minutes_services
from kopir.council.services import recommendations as services
from kopir.council.services import visits as visit_services
from kopir.council.services.recommendation_alerts import recommendations_check_deadlines
from kopir.directory.models import Organisation, OrganisationKind, Territory

COUNCIL_SLUG = "wko-social"
DEMO_PASSWORD = "kopir-demo-2026"  # noqa: S105 - the demo's published password (accounts.demo)

# Officers who answer for the bodies that have no demo account of their own.
OFFICERS: dict[str, tuple[str, str, str]] = {
    "wko-health-office": ("agency-health", "Динара", "Мұратова"),
    "wko-mse-department": ("agency-mse", "Ерболат", "Сағынов"),
    "wko-education-office": ("agency-education", "Сәуле", "Қадырова"),
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _officer(organisation: Organisation) -> User | None:
    """Someone of the addressee who answers: the agency demo account, or a demo officer."""
    existing = (
        User.objects.filter(
            organisation=organisation, is_active=True, role_assignments__role=Role.AGENCY_OFFICER
        )
        .order_by("pk")
        .first()
    )
    if existing is not None or organisation.code not in OFFICERS:
        return existing
    username, first_name, last_name = OFFICERS[organisation.code]
    return account_services.user_create(
        actor=None,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@demo.kopir.invalid",
        organisation=organisation,
        roles=[Role.AGENCY_OFFICER],
        password=DEMO_PASSWORD,
        channel=AuditChannel.COMMAND,
    )


def _seed_meeting(council: Council) -> Meeting | None:
    held = council.meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
    return (
        held
        or council.meetings.filter(starts_at__lte=timezone.now()).order_by("-starts_at").first()
    )


def _earliest_meeting(council: Council, seed: Meeting) -> Meeting | None:
    return (
        council.meetings.filter(status=MeetingStatus.HELD, starts_at__lt=seed.starts_at)
        .order_by("starts_at")
        .first()
    )


def _first_decision(meeting: Meeting | None) -> Decision | None:
    if meeting is None:
        return None
    item = meeting.agenda.order_by("order").first()
    return item.decisions.order_by("order").first() if item else None


def _evidence_pdf() -> SimpleUploadedFile:
    from weasyprint import HTML

    html = (
        '<html lang="kk"><head><meta charset="utf-8"><title>Анықтама</title></head><body>'
        "<h1>Анықтама (синтетикалық демо құжат)</h1>"
        "<p>Сырттай МӘС: қайтарылған істердің үлесі 18%-дан 6%-ға төмендеді.</p></body></html>"
    )
    return SimpleUploadedFile(
        "anyqtama.pdf", HTML(string=html).write_pdf(), content_type="application/pdf"
    )


def _recommendation(
    spec: data.DemoRecommendation,
    *,
    council: Council,
    decision: Decision | None,
    secretary: User,
    sent_on: dt.date,
) -> str:
    addressee = Organisation.objects.filter(code=spec.addressee).first()
    if addressee is None:
        return "skipped"
    if Recommendation.objects.filter(council=council, addressee=addressee, text=spec.text).exists():
        return "unchanged"
    recommendation = services.recommendation_create(
        actor=secretary,
        council=council,
        addressee=addressee,
        text=spec.text,
        text_ru=russian(spec.text),
        decision=decision,
    )
    recommendation = services.recommendation_send(
        actor=secretary,
        recommendation=recommendation,
        expected_version=recommendation.version,
        sent_on=sent_on,
    )
    if spec.path in (data.SENT, data.OVERDUE):
        return "created"
    officer = _officer(addressee)
    if officer is None:
        return "created"
    services.recommendation_acknowledge(actor=officer, recommendation=recommendation)
    reported = {
        data.IN_PROGRESS: RecommendationStatus.IN_PROGRESS,
        data.EXECUTED: RecommendationStatus.EXECUTED,
        data.NOT_ACCEPTED: RecommendationStatus.EXECUTED,
        data.AWAITING_REVIEW: RecommendationStatus.PARTLY_EXECUTED,
    }[spec.path]
    answer = services.recommendation_respond(
        actor=officer,
        recommendation=recommendation,
        text=spec.answer,
        reported_status=reported,
        evidence=_evidence_pdf() if spec.path == data.EXECUTED else None,
    )
    if spec.path == data.EXECUTED:
        services.response_review(actor=secretary, response=answer, verdict=ResponseVerdict.ACCEPTED)
    elif spec.path == data.NOT_ACCEPTED:
        services.response_review(
            actor=secretary,
            response=answer,
            verdict=ResponseVerdict.NOT_ACCEPTED,
            note=spec.verdict_note,
        )
    return "created"


def _minutes(meeting: Meeting, secretary: User, chair: User | None) -> str:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.is_locked:
        return "minutes already approved"
    if minutes is None:
        minutes = minutes_services.minutes_assemble(actor=secretary, meeting=meeting)
    if chair is None or not access.is_chair(chair, meeting.council):
        return "minutes assembled; no chair account to sign them"
    for signer in (chair, secretary):
        minutes.refresh_from_db()
        already = (
            minutes.approved_by_chair_id if signer is chair else minutes.approved_by_secretary_id
        )
        if already is None:
            minutes_services.minutes_sign(
                actor=signer, minutes=minutes, expected_version=minutes.version
            )
    return "minutes approved and locked"


def _schools() -> None:
    oral = Territory.objects.filter(kato="271010000").first()
    parent = Organisation.objects.filter(code="wko-education-office").first()
    if oral is None:
        return
    for school in data.CITY_SCHOOLS:
        sync_organisation(
            school.code, school.names, school.short_names, OrganisationKind.SCHOOL, oral, parent
        )


def _visit(spec: data.DemoVisit, *, council: Council, meeting_day: dt.date, secretary: User) -> str:
    site = Organisation.objects.filter(code=spec.site).first()
    if site is None:
        return "skipped"
    visited_on = meeting_day - dt.timedelta(days=spec.days_before_meeting)
    if MonitoringVisit.objects.filter(council=council, site=site, visited_on=visited_on).exists():
        return "unchanged"
    participants = Member.objects.filter(
        composition__council=council, composition__status="approved"
    ).order_by("order")[:3]
    visit = visit_services.visit_create(
        actor=secretary,
        council=council,
        site=site,
        visited_on=visited_on,
        purpose=spec.purpose,
        purpose_ru=russian(spec.purpose),
        participants=list(participants),
        findings=spec.summary,
    )
    visit_services.visit_checklist_insert_template(actor=secretary, visit=visit, lang="kk")
    items = list(visit.checklist.order_by("order"))
    visit.refresh_from_db()
    visit_services.visit_checklist_save(
        actor=secretary,
        visit=visit,
        expected_version=visit.version,
        answers={item.pk: answer for item, answer in zip(items, spec.answers, strict=False)},
    )
    findings = [
        visit_services.visit_finding_add(actor=secretary, visit=visit, text=text)
        for text in spec.findings
    ]
    visit_services.visit_document_add(
        actor=secretary,
        visit=visit,
        title=spec.photo_title,
        description=spec.photo_description,
        upload=SimpleUploadedFile(
            f"{spec.site}.png", data.synthetic_png(), content_type="image/png"
        ),
    )
    if spec.recommend_first_finding and findings:
        visit_services.visit_finding_recommend(actor=secretary, finding=findings[0])
    return "created"


def _letters(council: Council, meeting_day: dt.date, secretary: User) -> int:
    mazhilis = Organisation.objects.filter(code="mazhilis").first()
    if mazhilis is None:
        return 0
    created = 0
    for spec in data.LETTERS:
        sent_on = meeting_day - dt.timedelta(days=spec.days_before_meeting)
        number = f"{sent_on.year}/{spec.number}"
        if council.letters.filter(number=number).exists():
            continue
        letter = letter_services.letter_create(
            actor=secretary,
            council=council,
            number=number,
            sent_on=sent_on,
            addressee=mazhilis,
            subject=spec.subject,
            subject_ru=russian(spec.subject),
            summary=spec.summary,
            summary_ru=russian(spec.summary),
            reply_due_on=sent_on + dt.timedelta(days=30),
        )
        if spec.reply:
            letter_services.letter_reply_add(
                actor=secretary,
                letter=letter,
                received_on=sent_on + dt.timedelta(days=24),
                from_whom=mazhilis.name_kk,
                summary=spec.reply,
            )
        created += 1
    return created


def _dossier(council: Council, secretary: User) -> str:
    """The demo's dossier on the petition, with the council's first visit added by hand."""
    if council.dossiers.filter(title=data.DOSSIER_TITLE).exists():
        return "dossier kept"
    dossier = dossier_services.dossier_open(
        actor=secretary,
        council=council,
        title=data.DOSSIER_TITLE,
        title_ru=russian(data.DOSSIER_TITLE),
        description=data.DOSSIER_DESCRIPTION,
        description_ru=russian(data.DOSSIER_DESCRIPTION),
        petition=council.petitions.order_by("pk").first(),
    )
    visit = council.visits.order_by("visited_on", "pk").first()
    if visit is not None:
        dossier_services.dossier_add_record(
            actor=secretary, dossier=dossier, kind="visit", record_id=visit.pk
        )
    return "dossier created"


def load() -> str:
    council = Council.objects.select_related("organisation").filter(slug=COUNCIL_SLUG).first()
    if council is None:
        return f"no council follow-up: the council {COUNCIL_SLUG!r} is missing (load the meetings demo first)"
    secretary = next(
        (
            user
            for user in User.objects.filter(
                organisation=council.organisation, is_active=True
            ).order_by("pk")
            if access.is_secretary(user, council)
        ),
        None,
    )
    if secretary is None:
        return "no council follow-up: the council has no secretary account"
    meeting = _seed_meeting(council)
    if meeting is None:
        return "no council follow-up: the council has held no meeting yet"
    meeting_day = timezone.localdate(meeting.starts_at)
    today = timezone.localdate()
    earlier = _earliest_meeting(council, meeting)
    # Each recommendation goes out the working day after its meeting (never later than today).
    sources: dict[str, tuple[Decision | None, dt.date | None]] = {
        "seed": (_first_decision(meeting), min(add_working_days(meeting_day, 1), today)),
        "earlier": (
            _first_decision(earlier),
            min(add_working_days(timezone.localdate(earlier.starts_at), 1), today)
            if earlier
            else None,
        ),
    }
    outcomes: dict[str, int] = {}
    with transaction.atomic():
        for spec in data.RECOMMENDATIONS:
            decision, sent_on = sources[spec.source]
            outcome = "skipped"
            if sent_on is not None:
                outcome = _recommendation(
                    spec, council=council, decision=decision, secretary=secretary, sent_on=sent_on
                )
            outcomes[f"recommendations {outcome}"] = (
                outcomes.get(f"recommendations {outcome}", 0) + 1
            )
        minutes = _minutes(meeting, secretary, _user("chair"))
        _schools()
        for visit_spec in data.VISITS:
            outcome = _visit(
                visit_spec, council=council, meeting_day=meeting_day, secretary=secretary
            )
            outcomes[f"visits {outcome}"] = outcomes.get(f"visits {outcome}", 0) + 1
        letters = _letters(council, meeting_day, secretary)
        dossier = _dossier(council, secretary)
        # What the daily task would have done by now: the overdue answer gets escalated (once).
        deadlines = recommendations_check_deadlines(today=today)
    parts = [f"{count} {name}" for name, count in sorted(outcomes.items())]
    return (
        f"{', '.join(parts)}; {minutes}; {letters} letters created; {dossier}; "
        f"deadlines: {deadlines}"
    )
