"""URL arguments for the council's pages, taken from the loaded demo (the seed's council)."""

from __future__ import annotations

from typing import Any

from kopir.accounts.models import User
from kopir.council.demo.meetings import (
    PAGES_WITHOUT_DEMO_STATE,
    POST_ONLY_PAGES,
    demo_page_arguments,
)
from kopir.council.models import (
    Council,
    Dossier,
    Letter,
    LetterReply,
    MeetingInvitation,
    Minutes,
    MonitoringVisit,
    Recommendation,
    RecommendationResponse,
    VisitDocument,
)
from kopir.council.services.invitations import invitation_token

COUNCIL_SLUG = "wko-social"

COUNCIL_NOT_VISITED: dict[str, str] = {
    **dict.fromkeys(POST_ONLY_PAGES, "POST only: a button on a council page."),
    **PAGES_WITHOUT_DEMO_STATE,
    "council:minutes_assemble": "POST only: a button on the minutes page.",
    "council:minutes_sign": "POST only: the chair's and the secretary's signing buttons.",
    "council:recommendation_send": "POST only: a button on the recommendation page.",
    "council:inbox_acknowledge": "POST only: a button on the addressee's recommendation page.",
    "council:visit_checklist_template": "POST only: inserts the accessibility checklist.",
    "council:visit_checklist_add": "POST only: adds a checklist question.",
    "council:visit_finding_add": "POST only: adds a finding.",
    "council:visit_finding_recommend": "POST only: turns a finding into a recommendation.",
}


def council_page_arguments() -> dict[str, dict[str, Any]]:
    """Arguments for every council page a GET can visit, fixed for all roles."""
    council = Council.objects.get(slug=COUNCIL_SLUG)
    slug = {"slug": council.slug}
    minutes = Minutes.objects.filter(meeting__council=council).select_related("meeting").first()
    recommendation = Recommendation.objects.filter(council=council).order_by("pk").first()
    answered = (
        RecommendationResponse.objects.filter(recommendation__council=council)
        .exclude(evidence="")
        .order_by("pk")
        .first()
    )
    visit = MonitoringVisit.objects.filter(council=council).order_by("pk").first()
    document = VisitDocument.objects.filter(visit__council=council).order_by("pk").first()
    letter = Letter.objects.filter(council=council).exclude(file="").order_by("pk").first()
    letter = letter or Letter.objects.filter(council=council).order_by("pk").first()
    reply = LetterReply.objects.filter(letter__council=council).order_by("pk").first()
    dossier = Dossier.objects.filter(council=council).order_by("pk").first()
    if not (minutes and recommendation and visit and letter and dossier):
        raise LookupError("Load the council demo first.")
    number = {**slug, "number": minutes.meeting.number}
    arguments = {
        **demo_page_arguments(),
        "council:public_council": slug,
        "council:public_meeting_list": slug,
        "council:public_recommendation_list": slug,
        "council:public_letter_list": slug,
        "council:public_visit_list": slug,
        "council:public_petition_list": slug,
        "council:public_minutes": number,
        "council:public_minutes_docx": number,
        "council:public_minutes_pdf": number,
        "council:minutes_detail": number,
        "council:minutes_edit": {**number, "lang": "kk"},
        "council:minutes_versions": number,
        "council:minutes_version": {**number, "version": 1},
        "council:minutes_docx": number,
        "council:minutes_pdf": number,
        "council:recommendation_list": slug,
        "council:recommendation_create": slug,
        "council:recommendation_detail": {**slug, "pk": recommendation.pk},
        "council:recommendation_edit": {**slug, "pk": recommendation.pk},
        "council:visit_list": slug,
        "council:radar": slug,
        "council:radar_gather": slug,
        "council:visit_create": slug,
        "council:visit_detail": {**slug, "pk": visit.pk},
        "council:visit_edit": {**slug, "pk": visit.pk},
        "council:visit_checklist": {**slug, "pk": visit.pk},
        "council:visit_document_add": {**slug, "pk": visit.pk},
        "council:letter_list": slug,
        "council:letter_create": slug,
        "council:letter_detail": {**slug, "pk": letter.pk},
        "council:letter_reply_add": {**slug, "pk": letter.pk},
        "council:letter_file": {**slug, "pk": letter.pk},
        "council:dossier_list": slug,
        "council:dossier_create": slug,
        "council:dossier_detail": {**slug, "pk": dossier.pk},
        "council:dossier_edit": {**slug, "pk": dossier.pk},
        "council:dossier_add": {**slug, "pk": dossier.pk},
        "council:dossier_docx": {**slug, "pk": dossier.pk, "lang": "kk"},
        "council:dossier_pdf": {**slug, "pk": dossier.pk, "lang": "kk"},
    }
    record = dossier.records.order_by("pk").first()
    if record is not None:
        arguments["council:dossier_record_remove"] = {
            **slug,
            "pk": dossier.pk,
            "record_pk": record.pk,
        }
    if answered is not None:
        review = {**slug, "pk": answered.recommendation_id, "response_pk": answered.pk}
        arguments["council:response_review"] = review
        arguments["council:response_evidence"] = review
    if document is not None:
        arguments["council:visit_document"] = {
            **slug,
            "pk": document.visit_id,
            "document_pk": document.pk,
        }
    # The demo invites its members to the next meeting while that meeting is ahead; later, a
    # made-up token shows the page that refuses a link.
    invitation = MeetingInvitation.objects.filter(meeting__council=council).order_by("pk").first()
    token = invitation_token(invitation) if invitation is not None else "not-a-token"
    arguments["council:invitation_reply"] = {"token": token}
    if reply is not None:
        arguments["council:letter_reply_file"] = {
            **slug,
            "pk": reply.letter_id,
            "reply_pk": reply.pk,
        }
    return arguments


def addressed_recommendation(user: User) -> dict[str, Any]:
    """A recommendation addressed to the user's organisation, else any (then refused)."""
    addressed = Recommendation.objects.filter(addressee=user.organisation_id).order_by("pk")
    recommendation = addressed.first() or Recommendation.objects.order_by("pk").first()
    assert recommendation is not None, "the demo has no recommendations"
    return {"pk": recommendation.pk}


def addressed_evidence(user: User) -> dict[str, Any]:
    """An answer with evidence to a recommendation addressed to the user's organisation, else any."""
    answers = RecommendationResponse.objects.exclude(evidence="").order_by("pk")
    answer = (
        answers.filter(recommendation__addressee=user.organisation_id).first() or answers.first()
    )
    assert answer is not None, "the demo has no answer with evidence"
    return {"pk": answer.recommendation_id, "response_pk": answer.pk}
