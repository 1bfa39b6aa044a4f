"""Pages of the council's follow-up: minutes, recommendations (and the addressee's inbox),
monitoring visits, letters, and the public page. Mounted under /<lang>/council/.

Fixed first segments ("agency", "public") come before the council's slug so that they can never
be read as one.
"""

from django.urls import URLPattern, path

from kopir.council.views import inbox, letters, minutes, public, radar, recommendations, visits

urlpatterns: list[URLPattern] = [
    # The addressee's inbox (executive bodies' staff).
    path("agency/inbox/", inbox.inbox, name="inbox"),
    path("agency/inbox/<int:pk>/", inbox.inbox_detail, name="inbox_detail"),
    path("agency/inbox/<int:pk>/acknowledge/", inbox.inbox_acknowledge, name="inbox_acknowledge"),
    path(
        "agency/inbox/<int:pk>/answers/<int:response_pk>/evidence/",
        inbox.inbox_evidence,
        name="inbox_evidence",
    ),
    # Public pages: no sign-in.
    path("public/<slug:slug>/", public.public_council, name="public_council"),
    path("public/<slug:slug>/meetings/", public.public_meeting_list, name="public_meeting_list"),
    path(
        "public/<slug:slug>/recommendations/",
        public.public_recommendation_list,
        name="public_recommendation_list",
    ),
    path("public/<slug:slug>/letters/", public.public_letter_list, name="public_letter_list"),
    path("public/<slug:slug>/visits/", public.public_visit_list, name="public_visit_list"),
    path("public/<slug:slug>/petitions/", public.public_petition_list, name="public_petition_list"),
    path("public/<slug:slug>/minutes/<int:number>/", public.public_minutes, name="public_minutes"),
    path(
        "public/<slug:slug>/minutes/<int:number>/minutes.docx",
        public.public_minutes_docx,
        name="public_minutes_docx",
    ),
    path(
        "public/<slug:slug>/minutes/<int:number>/minutes.pdf",
        public.public_minutes_pdf,
        name="public_minutes_pdf",
    ),
    # Minutes, by meeting number.
    path("<slug:slug>/minutes/<int:number>/", minutes.minutes_detail, name="minutes_detail"),
    path(
        "<slug:slug>/minutes/<int:number>/assemble/",
        minutes.minutes_assemble_view,
        name="minutes_assemble",
    ),
    path(
        "<slug:slug>/minutes/<int:number>/edit/<str:lang>/",
        minutes.minutes_edit_view,
        name="minutes_edit",
    ),
    path("<slug:slug>/minutes/<int:number>/sign/", minutes.minutes_sign_view, name="minutes_sign"),
    path(
        "<slug:slug>/minutes/<int:number>/versions/",
        minutes.minutes_versions,
        name="minutes_versions",
    ),
    path(
        "<slug:slug>/minutes/<int:number>/versions/<int:version>/",
        minutes.minutes_version,
        name="minutes_version",
    ),
    path(
        "<slug:slug>/minutes/<int:number>/minutes.docx", minutes.minutes_docx, name="minutes_docx"
    ),
    path("<slug:slug>/minutes/<int:number>/minutes.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    # Recommendations.
    path(
        "<slug:slug>/recommendations/",
        recommendations.recommendation_list,
        name="recommendation_list",
    ),
    path(
        "<slug:slug>/recommendations/new/",
        recommendations.recommendation_create_view,
        name="recommendation_create",
    ),
    path(
        "<slug:slug>/recommendations/<int:pk>/",
        recommendations.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "<slug:slug>/recommendations/<int:pk>/edit/",
        recommendations.recommendation_edit_view,
        name="recommendation_edit",
    ),
    path(
        "<slug:slug>/recommendations/<int:pk>/send/",
        recommendations.recommendation_send_view,
        name="recommendation_send",
    ),
    path(
        "<slug:slug>/recommendations/<int:pk>/answers/<int:response_pk>/review/",
        recommendations.response_review_view,
        name="response_review",
    ),
    path(
        "<slug:slug>/recommendations/<int:pk>/answers/<int:response_pk>/evidence/",
        recommendations.response_evidence,
        name="response_evidence",
    ),
    # Monitoring visits.
    path("<slug:slug>/visits/", visits.visit_list, name="visit_list"),
    path("<slug:slug>/radar/", radar.radar, name="radar"),
    path("<slug:slug>/radar/gather/", radar.radar_gather, name="radar_gather"),
    path("<slug:slug>/visits/new/", visits.visit_create_view, name="visit_create"),
    path("<slug:slug>/visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("<slug:slug>/visits/<int:pk>/edit/", visits.visit_edit_view, name="visit_edit"),
    path("<slug:slug>/visits/<int:pk>/checklist/", visits.visit_checklist, name="visit_checklist"),
    path(
        "<slug:slug>/visits/<int:pk>/checklist/accessibility/",
        visits.visit_checklist_template,
        name="visit_checklist_template",
    ),
    path(
        "<slug:slug>/visits/<int:pk>/checklist/add/",
        visits.visit_checklist_add,
        name="visit_checklist_add",
    ),
    path(
        "<slug:slug>/visits/<int:pk>/findings/add/",
        visits.visit_finding_add,
        name="visit_finding_add",
    ),
    path(
        "<slug:slug>/visits/<int:pk>/findings/<int:finding_pk>/recommend/",
        visits.visit_finding_recommend,
        name="visit_finding_recommend",
    ),
    path(
        "<slug:slug>/visits/<int:pk>/documents/add/",
        visits.visit_document_add,
        name="visit_document_add",
    ),
    path(
        "<slug:slug>/visits/<int:pk>/documents/<int:document_pk>/",
        visits.visit_document,
        name="visit_document",
    ),
    # Letters register.
    path("<slug:slug>/letters/", letters.letter_list, name="letter_list"),
    path("<slug:slug>/letters/new/", letters.letter_create_view, name="letter_create"),
    path("<slug:slug>/letters/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path(
        "<slug:slug>/letters/<int:pk>/replies/add/",
        letters.letter_reply_add_view,
        name="letter_reply_add",
    ),
    path("<slug:slug>/letters/<int:pk>/file/", letters.letter_file, name="letter_file"),
    path(
        "<slug:slug>/letters/<int:pk>/replies/<int:reply_pk>/file/",
        letters.letter_reply_file,
        name="letter_reply_file",
    ),
]
