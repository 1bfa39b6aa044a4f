"""The records and accounts the permission matrix (tests/test_permission_matrix.py) asks about.

One record of each kind, owned by the insiders' organisations (the clinic, the MSE division, the
agency, the council), built with the apps' own factories and test fixtures; one account per
role in a fitting organisation, the same role in another organisation (the outsider), a council
member without a seat, and an anonymous visitor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import (
    BulkUpload,
    CompletenessRule,
    Referral,
    Route,
)

# The apps' fixtures, re-exported so that a test module importing this one can use them by name.
from kopir.assessment.tests.clinic_fixtures import *  # noqa: F403
from kopir.assessment.tests.clinic_fixtures import complete_vision_referral
from kopir.assessment.tests.division_fixtures import *  # noqa: F403
from kopir.assessment.tests.division_fixtures import accepted, assigned, decided, filed_appeal
from kopir.assessment.tests.intake_fixtures import *  # noqa: F403
from kopir.core import sample_files
from kopir.core.tests.fixtures import no_second_factor as no_second_factor
from kopir.council import models as m
from kopir.council.services.dossiers import dossier_open
from kopir.council.services.invitations import invitation_token
from kopir.council.services.minutes import minutes_assemble
from kopir.council.tests.factories import (
    CompositionFactory,
    CouncilFactory,
    LetterFactory,
    MeetingFactory,
    MemberFactory,
    MonitoringVisitFactory,
    PetitionFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)

# Both helper modules name a `signed_in`; the matrix uses neither.
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange.models import Delivery, OutboxEvent
from kopir.exchange.services import message_send
from kopir.exchange.tests.factories import SubscriptionFactory
from kopir.notices.models import Notice, StaffNotification
from kopir.oversight.models import SnapshotAttachment
from kopir.oversight.tests.snapshots import save_snapshot
from kopir.people.models import Person
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory
from kopir.people.tests.fixtures import clinician as clinician
from kopir.people.tests.fixtures import outsider as outsider
from kopir.rehabilitation.tests.factories import MeasureFactory
from tests.routes import CATALOGUE_ROUTES

# The roles, in the order the matrix prints them; each is also asked as an outsider.
ROLES: dict[str, str] = {
    "admin": Role.ADMINISTRATOR,
    "clinician": Role.CLINICIAN,
    "expert": Role.MSE_SPECIALIST,
    "head": Role.MSE_HEAD,
    "agency": Role.AGENCY_OFFICER,
    "secretary": Role.COUNCIL_SECRETARY,
    "member": Role.COUNCIL_MEMBER,
}
OUTSIDERS = {f"{who}@other": role for who, role in ROLES.items()}
# "unseated": a council member's role without a seat in any composition; "anon": nobody signed in.
WHO: tuple[str, ...] = (*ROLES, *OUTSIDERS, "unseated", "anon")

PDF = sample_files.pdf("synthetic matrix document")


def each(arguments: dict[str, Any], *routes: str) -> dict[str, dict[str, Any]]:
    """The same URL arguments for each of `routes`."""
    return dict.fromkeys(routes, arguments)


def each_in_council(arguments: dict[str, Any], *names: str) -> dict[str, dict[str, Any]]:
    """The same URL arguments for each of the council's routes `names`."""
    return each(arguments, *(f"council:{name}" for name in names))


def on_pk(record: Any, *routes: str) -> dict[str, dict[str, Any]]:
    """The URL arguments of routes that name one record by its primary key."""
    return each({"pk": record.pk}, *routes)


def _pdf(name: str) -> ContentFile[bytes]:
    return ContentFile(PDF, name=name)


@dataclass(frozen=True)
class World:
    users: dict[str, User | None]  # by WHO; None is the anonymous visitor
    arguments: dict[str, dict[str, Any]]  # URL arguments by route name
    api_referral_number: str  # a referral the clinic's external system sent
    api_measure_id: int  # a measure the agency holds


def _seat(composition: m.Composition, user: User, position: str = m.MemberPosition.MEMBER) -> None:
    MemberFactory.create(composition=composition, account=user, position=position)


@pytest.fixture
def world(
    no_second_factor: None,
    administrator: User,
    clinic: Organisation,
    other_clinic: Organisation,
    clinician: User,
    outsider: User,
    person: Person,
    district: Any,
    division: Organisation,
    head: User,
    experts: list[User],
    council: m.Council,
    composition: m.Composition,
    secretary: User,
    chair: User,
    member: User,
    agency: Organisation,
    officer: User,
    outsider_officer: User,
    held_meeting: m.Meeting,
    sent_recommendation: m.Recommendation,
    icd10: Any,
    demo_rules: None,
) -> World:
    """Every record the routes open, and every account that asks, built on the apps' fixtures."""
    # --- The other side of every organisation: the same roles somewhere else. -----------------
    other_council = CouncilFactory.create(
        territory=council.territory,
        recommendation_rule_set=council.recommendation_rule_set,
        organisation__bin=None,
    )
    other_composition = CompositionFactory.create(council=other_council)
    other_member = UserFactory.create(roles=[Role.COUNCIL_MEMBER])
    # Another region's division: one in this region could be where the clinic's referrals go.
    other_division = OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION, bin=None)
    _seat(other_composition, other_member)
    users: dict[str, User | None] = {
        "admin": administrator,
        "clinician": clinician,
        "expert": experts[0],
        "head": head,
        "agency": officer,
        "secretary": secretary,
        "member": member,
        "admin@other": UserFactory.create(
            organisation=OrganisationFactory.create(kind=OrganisationKind.AKIMAT),
            roles=[Role.ADMINISTRATOR],
        ),
        "clinician@other": outsider,
        "expert@other": UserFactory.create(
            organisation=other_division, roles=[Role.MSE_SPECIALIST]
        ),
        "head@other": UserFactory.create(organisation=other_division, roles=[Role.MSE_HEAD]),
        "agency@other": outsider_officer,
        "secretary@other": UserFactory.create(
            organisation=other_council.organisation, roles=[Role.COUNCIL_SECRETARY]
        ),
        "member@other": other_member,
        "unseated": UserFactory.create(roles=[Role.COUNCIL_MEMBER]),
        "anon": None,
    }

    # --- MSE: a referral in each state a page is for, all from the clinic to the division. ------
    def linked_person() -> Person:
        someone = PersonFactory.create(territory=district)
        PersonLinkFactory.create(person=someone, organisation=clinic)
        return someone

    draft = complete_vision_referral(clinician, person)
    draft_document = draft.attachments.order_by("pk").first()
    assert draft_document is not None
    submitted = accepted(clinician, linked_person(), experts[0])
    # The division's "return" page is for a referral it has not accepted yet.
    Referral.objects.filter(pk=submitted.pk).update(status="submitted")
    in_review = assigned(clinician, linked_person(), head, experts, route=Route.IN_ABSENTIA)
    assignment = in_review.assignments.get(expert=experts[0])
    to_decide = in_review
    decision = decided(clinician, linked_person(), head, experts)
    appeal = filed_appeal(decision, head)
    rule = CompletenessRule.objects.order_by("pk").first()
    assert rule is not None, "the demo completeness rules were not loaded"
    upload = BulkUpload.objects.create(
        organisation=clinic,
        uploaded_by=clinician,
        file_name="referrals.csv",
        file_sha256="0" * 64,
        size=10,
    )
    notice = Notice.objects.order_by("pk").first()
    assert notice is not None, "the referral's steps queued no notice"
    notification = StaffNotification.objects.create(
        user=officer, kind="council.recommendation_new", params={"number": "1"}
    )

    # --- The council: one record of each kind, the council's own. -----------------------------
    slug = {"slug": council.slug}
    proposed = CompositionFactory.create(council=council, status=m.CompositionStatus.PROPOSED)
    proposed_seat = MemberFactory.create(composition=proposed)
    plan = WorkPlanFactory.create(council=council)
    plan_item = WorkPlanItemFactory.create(plan=plan)
    planned = MeetingFactory.create(
        council=council, number=8, starts_at=timezone.now() + dt.timedelta(days=7)
    )
    item = held_meeting.agenda.order_by("order").first()
    assert item is not None
    vote = m.Vote.objects.get(agenda_item=item)
    official = m.InvitedOfficial.objects.get(agenda_item=item)
    guest = m.Attendance.objects.filter(meeting=held_meeting, member__isnull=True).first()
    assert guest is not None
    material = m.AgendaMaterial.objects.create(
        agenda_item=item, title="Анықтама", file=_pdf("material.pdf")
    )
    task = m.AccommodationRequest.objects.create(
        meeting=planned,
        requested_by="Сынақ Қатысушы",
        need=m.AccommodationNeed.choices[0][0],
        due_on=timezone.localdate() + dt.timedelta(days=5),
    )
    # An invitee's personal link: public, the signed token is the proof.
    invitation = m.MeetingInvitation.objects.create(
        meeting=planned,
        official=official,
        full_name=official.full_name,
        starts_at=planned.starts_at,
        first_sent_at=timezone.now(),
        sent_at=timezone.now(),
    )
    petition = PetitionFactory.create(council=council)
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)
    response = m.RecommendationResponse.objects.create(
        recommendation=sent_recommendation,
        author=officer,
        text="Квота орындалды.",
        reported_status=m.RecommendationStatus.EXECUTED,
        evidence=_pdf("evidence.pdf"),
    )
    visit = MonitoringVisitFactory.create(council=council)
    finding = m.VisitFinding.objects.create(visit=visit, order=1, text="Пандус жоқ.")
    document = m.VisitDocument.objects.create(
        visit=visit, title="Акт", description="Тексеру актісі", file=_pdf("visit.pdf")
    )
    letter = LetterFactory.create(council=council, file=_pdf("letter.pdf"))
    reply = m.LetterReply.objects.create(
        letter=letter,
        received_on=dt.date(2026, 6, 1),
        from_whom="Мәжіліс",
        summary="Жауап",
        file=_pdf("reply.pdf"),
    )
    # A dossier opened on the petition.
    dossier = dossier_open(actor=secretary, council=council, title="Мәселе", petition=petition)
    dossier_record = dossier.records.get()

    # --- The exchange: the agency's system subscribed; the council's message to the agency. -----
    subscription = SubscriptionFactory.create(organisation=agency, event_kinds=["message.sent"])
    event = OutboxEvent.objects.create(
        kind="message.sent", subject="test", payload={}, occurred_at=timezone.now()
    )
    delivery = Delivery.objects.create(event=event, subscription=subscription, state="dead")
    message = message_send(
        actor=secretary,
        sender=council.organisation,
        recipient=agency,
        kind="council.recommendation",
        subject="Ұсыныс 2026-001",
        summary="Квота бойынша ұсыныс.",
    )

    # --- Rehabilitation: a measure the agency holds, with the link its routing gave it. ----------
    # Its referral's number far from those the referral services above gave out, which the
    # factory's sequence would repeat.
    measure = MeasureFactory.create(
        organisation=agency,
        line__programme_version__programme__referral__number="MSE-2026-990001",
    )
    PersonLinkFactory.create(person=measure.person, organisation=agency, basis="rehabilitation")
    on_measure = {"pk": measure.pk}

    # --- Oversight: a dashboard snapshot the secretary saved, cited in the sent recommendation
    # (final: removing the citation is refused, so every asker finds it). ----------------------
    snapshot = save_snapshot(secretary)
    citation = SnapshotAttachment.objects.create(
        snapshot=snapshot, recommendation=sent_recommendation, attached_by=secretary
    )

    held = {**slug, "pk": held_meeting.pk}
    on_item = {**held, "item_pk": item.pk}
    on_vote = {**held, "vote_pk": vote.pk}
    number = {**slug, "number": held_meeting.number}
    on_recommendation = {**slug, "pk": sent_recommendation.pk}
    on_visit = {**slug, "pk": visit.pk}
    on_letter = {**slug, "pk": letter.pk}
    on_dossier = {**slug, "pk": dossier.pk}
    on_plan_item = {**slug, "pk": plan.pk, "item_pk": plan_item.pk}
    arguments: dict[str, dict[str, Any]] = {
        **on_pk(
            clinician,
            "accounts:user_edit",
            "accounts:user_reset_two_factor",
            "accounts:user_unlock",
        ),
        **on_pk(clinic, "directory:organisation_detail", "directory:organisation_edit"),
        **on_pk(person, "people:detail", "people:edit"),
        # MSE
        **on_pk(
            draft,
            "assessment:clinic_detail",
            "assessment:clinic_edit",
            "assessment:clinic_send",
            "assessment:clinic_attachment_add",
        ),
        **each(
            {"pk": draft.pk, "attachment_pk": draft_document.pk},
            "assessment:clinic_attachment_remove",
            "assessment:attachment_download",
        ),
        **on_pk(
            rule.rule_set,
            "assessment:rules_detail",
            "assessment:rules_edit",
            "assessment:rules_activate",
            "assessment:rules_retire",
            "assessment:rules_rule_create",
        ),
        **each(
            {"pk": rule.rule_set_id, "rule_pk": rule.pk},
            "assessment:rules_rule_edit",
            "assessment:rules_rule_delete",
        ),
        **on_pk(upload, "assessment:bulk_detail"),
        **on_pk(
            in_review,
            "assessment:division_case",
            "assessment:division_timeline",
            "assessment:division_assign",
        ),
        **on_pk(submitted, "assessment:division_accept", "assessment:division_return"),
        **on_pk(to_decide, "assessment:division_decide"),
        **on_pk(decision, "assessment:division_notify", "assessment:division_appeal"),
        "assessment:division_attachment_release": {
            "pk": in_review.pk,
            "attachment_pk": in_review.attachments.order_by("pk").values_list("pk", flat=True)[0],
        },
        **on_pk(assignment, "assessment:expert_review"),
        **on_pk(
            appeal,
            "assessment:appeal_detail",
            "assessment:appeal_review",
            "assessment:appeal_decide",
        ),
        **on_pk(notice, "notices:notice", "notices:resend"),
        **on_pk(notification, "notices:mark_read"),
        # The exchange
        **on_pk(
            subscription,
            "exchange:subscription_detail",
            "exchange:subscription_edit",
            "exchange:subscription_rotate",
            "exchange:subscription_disable",
            "exchange:subscription_enable",
        ),
        **on_pk(delivery, "exchange:delivery_replay"),
        **on_pk(
            message,
            "exchange:message_detail",
            "exchange:message_acknowledge",
            "exchange:message_answer",
        ),
        # The council
        **dict.fromkeys(
            (
                "council:council_detail",
                "council:composition_list",
                "council:composition_new",
                "council:plan_list",
                "council:plan_new",
                "council:meeting_list",
                "council:meeting_new",
                "council:accommodation_list",
                "council:petition_new",
                "council:petition_submitted",
                "council:petition_list",
                "council:petition_create",
                "council:public_council",
                "council:public_meeting_list",
                "council:public_recommendation_list",
                "council:public_letter_list",
                "council:public_visit_list",
                "council:public_petition_list",
                "council:recommendation_list",
                "council:recommendation_create",
                "council:visit_list",
                "council:radar",
                "council:radar_gather",
                "council:visit_create",
                "council:letter_list",
                "council:letter_create",
                "council:dossier_list",
                "council:dossier_create",
            ),
            slug,
        ),
        **each_in_council(
            {**slug, "pk": proposed.pk}, "composition_detail", "composition_delete", "member_new"
        ),
        **each_in_council(
            {**slug, "pk": proposed.pk, "member_pk": proposed_seat.pk},
            "member_edit",
            "member_delete",
        ),
        **each_in_council({**slug, "pk": plan.pk}, "plan_detail", "plan_item_new"),
        **each_in_council(on_plan_item, "plan_item_edit", "plan_item_delete", "plan_item_status"),
        **each_in_council(
            held,
            "meeting_detail",
            "meeting_quorum",
            "meeting_attendance",
            "meeting_texts",
            "guest_new",
        ),
        **each_in_council(
            {**slug, "pk": planned.pk},
            "meeting_edit",
            "meeting_held",
            "meeting_cancel",
            "meeting_invitations",
            "accommodation_new",
            "agenda_item_new",
        ),
        **each_in_council({"token": invitation_token(invitation)}, "invitation_reply"),
        **each_in_council({**held, "guest_pk": guest.pk}, "guest_delete"),
        **each_in_council({**held, "material_pk": material.pk}, "material_download"),
        **each_in_council(
            on_item,
            "agenda_item_detail",
            "agenda_item_edit",
            "agenda_item_move",
            "agenda_item_delete",
            "official_new",
            "material_new",
            "speech_new",
            "decision_new",
            "vote_new",
        ),
        **each_in_council({**on_item, "official_pk": official.pk}, "official_delete"),
        **each_in_council(
            on_vote,
            "vote_detail",
            "vote_ballots",
            "vote_totals",
            "vote_close",
            "vote_annul",
            "vote_own_ballot",
        ),
        **each_in_council({**slug, "pk": task.pk}, "accommodation_resolve"),
        **each_in_council(
            {**slug, "pk": petition.pk},
            "petition_detail",
            "petition_agenda",
            "petition_answer",
            "petition_publication",
        ),
        **each_in_council({"pk": sent_recommendation.pk}, "inbox_detail", "inbox_acknowledge"),
        **each_in_council(
            {"pk": sent_recommendation.pk, "response_pk": response.pk}, "inbox_evidence"
        ),
        **each_in_council(
            number,
            "public_minutes",
            "public_minutes_docx",
            "public_minutes_pdf",
            "minutes_detail",
            "minutes_assemble",
            "minutes_sign",
            "minutes_versions",
            "minutes_docx",
            "minutes_pdf",
        ),
        **each_in_council({**number, "lang": "kk"}, "minutes_edit"),
        **each_in_council({**number, "version": minutes.versions.count()}, "minutes_version"),
        **each_in_council(
            on_recommendation, "recommendation_detail", "recommendation_edit", "recommendation_send"
        ),
        **each_in_council(
            {**on_recommendation, "response_pk": response.pk},
            "response_review",
            "response_evidence",
        ),
        **each_in_council(
            on_visit,
            "visit_detail",
            "visit_edit",
            "visit_checklist",
            "visit_checklist_template",
            "visit_checklist_add",
            "visit_finding_add",
            "visit_document_add",
        ),
        **each_in_council({**on_visit, "finding_pk": finding.pk}, "visit_finding_recommend"),
        **each_in_council({**on_visit, "document_pk": document.pk}, "visit_document"),
        **each_in_council(on_letter, "letter_detail", "letter_reply_add", "letter_file"),
        **each_in_council({**on_letter, "reply_pk": reply.pk}, "letter_reply_file"),
        "oversight:snapshot_new": {"dashboard": "mse"},
        "oversight:table_export": {"dashboard": "mse", "table": "clinics", "file_format": "csv"},
        "oversight:annual_report_file": {
            "slug": council.slug,
            "year": timezone.localdate().year,
            "lang": "kk",
            "kind": "docx",
        },
        **on_pk(snapshot, "oversight:snapshot_detail"),
        "oversight:snapshot_cite": {"target": "agenda_item", "pk": item.pk},
        **on_pk(citation, "oversight:snapshot_uncite"),
        **each_in_council(on_dossier, "dossier_detail", "dossier_edit", "dossier_add"),
        **each_in_council({**on_dossier, "lang": "kk"}, "dossier_docx", "dossier_pdf"),
        **each_in_council({**on_dossier, "record_pk": dossier_record.pk}, "dossier_record_remove"),
        # Rehabilitation: the executing organisation's measure
        **dict.fromkeys(
            (
                "rehabilitation:agency_measure",
                "rehabilitation:agency_evidence",
                "rehabilitation:agency_accept",
                "rehabilitation:agency_schedule",
                "rehabilitation:agency_deliver",
                "rehabilitation:agency_not_delivered",
                "rehabilitation:agency_redirect",
            ),
            on_measure,
        ),
    }
    arguments.update(_rehabilitation_arguments(decision, administrator, district))
    arguments.update(_rehabilitation_followup_arguments(division, agency))
    return World(
        users=users,
        arguments=arguments,
        api_referral_number=draft.number,
        api_measure_id=measure.pk,
    )


def _rehabilitation_arguments(
    decided_case: Referral, administrator: User, district: Any
) -> dict[str, dict[str, Any]]:
    """The decided case's IRP (its draft, made by the decision, stands in for an approved version
    1, and a version 2 is drafted), a draft copy of the measure catalogue, and a routing rule."""
    from kopir.rehabilitation.models import Programme, ProgrammeVersion
    from kopir.rehabilitation.services.catalogue import active_catalogue, catalogue_create_draft
    from kopir.rehabilitation.tests.factories import (
        ProgrammeLineFactory,
        ProgrammeVersionFactory,
        RoutingRuleFactory,
    )

    programme = Programme.objects.filter(referral=decided_case).first()
    if programme is None:
        # A transactional test flushed the migration's seed before the case was decided.
        from kopir.rehabilitation.models import MeasureCatalogue, MeasureType, SuggestionRule
        from kopir.rehabilitation.seed import seed_catalogue
        from kopir.rehabilitation.services.programme import programme_draft_on_decision

        seed_catalogue(MeasureCatalogue, MeasureType, SuggestionRule)
        decision = decided_case.decisions.get()
        programme_draft_on_decision(decision=decision, actor=decision.decided_by)
        programme = Programme.objects.get(referral=decided_case)
    first = programme.versions.get()
    ProgrammeVersion.objects.filter(pk=first.pk).update(
        status="approved", approved_at=timezone.now()
    )
    second = ProgrammeVersionFactory.create(
        programme=programme,
        sequence=2,
        decision=first.decision,
        catalogue=first.catalogue,
        status="draft",
    )
    line = ProgrammeLineFactory.create(
        programme_version=second, measure_type=first.lines.order_by("pk")[0].measure_type
    )
    catalogue = catalogue_create_draft(
        actor=administrator, title="Draft", legal_source="Social Code", based_on=active_catalogue()
    )
    measure = catalogue.measure_types.order_by("pk")[0]
    suggestion = catalogue.suggestion_rules.order_by("pk")[0]
    routing = RoutingRuleFactory.create(territory=district)
    on_programme = {"pk": programme.pk}
    on_catalogue = {"pk": catalogue.pk}
    return {
        "rehabilitation:programme_detail": on_programme,
        "rehabilitation:programme_approve": on_programme,
        "rehabilitation:programme_line_create": on_programme,
        "rehabilitation:programme_version": {**on_programme, "sequence": 1},
        "rehabilitation:programme_document": {
            **on_programme,
            "sequence": 1,
            "lang": "ru",
            "extension": "docx",
        },
        "rehabilitation:programme_line_edit": {**on_programme, "line_pk": line.pk},
        "rehabilitation:programme_line_delete": {**on_programme, "line_pk": line.pk},
        **each(on_catalogue, *CATALOGUE_ROUTES),
        "rehabilitation:measure_edit": {**on_catalogue, "measure_pk": measure.pk},
        "rehabilitation:measure_delete": {**on_catalogue, "measure_pk": measure.pk},
        "rehabilitation:suggestion_edit": {**on_catalogue, "rule_pk": suggestion.pk},
        "rehabilitation:suggestion_delete": {**on_catalogue, "rule_pk": suggestion.pk},
        "rehabilitation:routing_edit": {"pk": routing.pk},
        "rehabilitation:routing_delete": {"pk": routing.pk},
    }


def _rehabilitation_followup_arguments(
    division: Organisation, agency: Organisation
) -> dict[str, Any]:
    """A programme of the division with a job placement the agency holds, and a quota row of the
    agency's territory."""
    from kopir.directory.tests.factories import next_bin
    from kopir.rehabilitation.models import EmployerQuota, EvidenceItem, QuotaBand
    from kopir.rehabilitation.tests.factories import MeasureFactory

    job = MeasureFactory.create(
        organisation=agency,
        line__programme_version__programme__division=division,
        # A number the register never issues, apart from the referrals numbered above.
        line__programme_version__programme__referral__number="MSE-2000-000001",
        line__measure_type__code="job-placement",
        line__measure_type__evidence_required=[EvidenceItem.EMPLOYER],
    )
    quota = EmployerQuota.objects.create(
        employer_bin=next_bin(),
        employer_name="«Орал Сервис» ЖШС",
        territory=agency.territory,
        year=timezone.localdate().year,
        headcount=120,
        quota_percent=3,
        quota_jobs=3,
        kept_by=agency,
    )
    return {
        "rehabilitation:programme_timeline": {"programme_id": job.programme_id},
        "rehabilitation:citizen_measure_answer": {"measure_id": job.pk},
        "rehabilitation:citizen_programme_document": {
            "programme_id": job.programme_id,
            "lang": "kk",
            "extension": "pdf",
        },
        "rehabilitation:quota_edit": {"quota_id": quota.pk},
        "rehabilitation:placement_edit": {"measure_id": job.pk},
        # The bands are seeded by the migration.
        "rehabilitation:quota_band_edit": {
            "band_id": QuotaBand.objects.values_list("pk", flat=True)[0]
        },
    }


@pytest.fixture
def agency_tokens(agency: Organisation, other_agency: Organisation) -> tuple[str, str]:
    """The bearer tokens of the agency's system and of another agency's."""
    from kopir.assessment.services.external_systems import external_system_issue_token

    return (
        external_system_issue_token(name="matrix-agency", organisation=agency)[1],
        external_system_issue_token(name="matrix-other-agency", organisation=other_agency)[1],
    )
