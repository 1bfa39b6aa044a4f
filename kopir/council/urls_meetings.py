"""The council's own pages: councils, compositions, work plans, meetings, votes, petitions and
accommodation requests. Every address but the council list starts with the council's slug."""

from django.urls import URLPattern, path

from kopir.council.views import (
    accommodation,
    agenda,
    composition,
    councils,
    invitations,
    meetings,
    petitions,
    plan,
    votes,
)

MEETING = "<slug:slug>/meetings/<int:pk>/"
ITEM = MEETING + "agenda/<int:item_pk>/"

urlpatterns: list[URLPattern] = [
    path("", councils.council_list, name="council_list"),
    path("<slug:slug>/", councils.council_detail, name="council_detail"),
    # Composition
    path("<slug:slug>/compositions/", composition.composition_list, name="composition_list"),
    path("<slug:slug>/compositions/propose/", composition.composition_new, name="composition_new"),
    path(
        "<slug:slug>/compositions/<int:pk>/",
        composition.composition_detail,
        name="composition_detail",
    ),
    path(
        "<slug:slug>/compositions/<int:pk>/discard/",
        composition.composition_delete,
        name="composition_delete",
    ),
    path(
        "<slug:slug>/compositions/<int:pk>/members/new/", composition.member_new, name="member_new"
    ),
    path(
        "<slug:slug>/compositions/<int:pk>/members/<int:member_pk>/",
        composition.member_edit,
        name="member_edit",
    ),
    path(
        "<slug:slug>/compositions/<int:pk>/members/<int:member_pk>/remove/",
        composition.member_delete,
        name="member_delete",
    ),
    # Work plan
    path("<slug:slug>/plans/", plan.plan_list, name="plan_list"),
    path("<slug:slug>/plans/new/", plan.plan_new, name="plan_new"),
    path("<slug:slug>/plans/<int:pk>/", plan.plan_detail, name="plan_detail"),
    path("<slug:slug>/plans/<int:pk>/items/new/", plan.plan_item_new, name="plan_item_new"),
    path(
        "<slug:slug>/plans/<int:pk>/items/<int:item_pk>/",
        plan.plan_item_edit,
        name="plan_item_edit",
    ),
    path(
        "<slug:slug>/plans/<int:pk>/items/<int:item_pk>/remove/",
        plan.plan_item_delete,
        name="plan_item_delete",
    ),
    path(
        "<slug:slug>/plans/<int:pk>/items/<int:item_pk>/status/",
        plan.plan_item_status,
        name="plan_item_status",
    ),
    # Meetings
    path("<slug:slug>/meetings/", meetings.meeting_list, name="meeting_list"),
    path("<slug:slug>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path(MEETING, meetings.meeting_detail, name="meeting_detail"),
    path(MEETING + "edit/", meetings.meeting_edit, name="meeting_edit"),
    path(MEETING + "quorum/", meetings.meeting_quorum, name="meeting_quorum"),
    path(MEETING + "held/", meetings.meeting_held, name="meeting_held"),
    path(MEETING + "cancel/", meetings.meeting_cancel_view, name="meeting_cancel"),
    path(MEETING + "invitations/", invitations.meeting_invitations, name="meeting_invitations"),
    path(MEETING + "attendance/", meetings.meeting_attendance, name="meeting_attendance"),
    path(MEETING + "attendance/guests/", meetings.guest_new, name="guest_new"),
    path(
        MEETING + "attendance/guests/<int:guest_pk>/remove/",
        meetings.guest_delete,
        name="guest_delete",
    ),
    path(MEETING + "accommodation/new/", accommodation.accommodation_new, name="accommodation_new"),
    path(
        MEETING + "materials/<int:material_pk>/", agenda.material_download, name="material_download"
    ),
    # Agenda items
    path(MEETING + "agenda/new/", agenda.agenda_item_new, name="agenda_item_new"),
    path(MEETING + "texts/", agenda.meeting_texts_view, name="meeting_texts"),
    path(ITEM, agenda.agenda_item_detail, name="agenda_item_detail"),
    path(ITEM + "edit/", agenda.agenda_item_edit, name="agenda_item_edit"),
    path(ITEM + "move/", agenda.agenda_item_reorder, name="agenda_item_move"),
    path(ITEM + "remove/", agenda.agenda_item_delete, name="agenda_item_delete"),
    path(ITEM + "officials/", agenda.official_new, name="official_new"),
    path(
        ITEM + "officials/<int:official_pk>/remove/", agenda.official_delete, name="official_delete"
    ),
    path(ITEM + "materials/", agenda.material_new, name="material_new"),
    path(ITEM + "speeches/", agenda.speech_new, name="speech_new"),
    path(ITEM + "decisions/", agenda.decision_new, name="decision_new"),
    path(ITEM + "votes/", votes.vote_new, name="vote_new"),
    # Votes
    path(MEETING + "votes/<int:vote_pk>/", votes.vote_detail, name="vote_detail"),
    path(MEETING + "votes/<int:vote_pk>/ballots/", votes.vote_ballots, name="vote_ballots"),
    path(MEETING + "votes/<int:vote_pk>/totals/", votes.vote_totals, name="vote_totals"),
    path(MEETING + "votes/<int:vote_pk>/close/", votes.vote_close_view, name="vote_close"),
    path(MEETING + "votes/<int:vote_pk>/annul/", votes.vote_annul_view, name="vote_annul"),
    path(MEETING + "votes/<int:vote_pk>/my-ballot/", votes.vote_own_ballot, name="vote_own_ballot"),
    # Accommodation requests: the secretary's task list
    path("<slug:slug>/accommodation/", accommodation.accommodation_list, name="accommodation_list"),
    path(
        "<slug:slug>/accommodation/<int:pk>/",
        accommodation.accommodation_resolve_view,
        name="accommodation_resolve",
    ),
    # Petitions: the public form needs no sign-in
    path("<slug:slug>/petition/", petitions.petition_new, name="petition_new"),
    path("<slug:slug>/petition/sent/", petitions.petition_submitted, name="petition_submitted"),
    path("<slug:slug>/petitions/", petitions.petition_list, name="petition_list"),
    path("<slug:slug>/petitions/register/", petitions.petition_create, name="petition_create"),
    path("<slug:slug>/petitions/<int:pk>/", petitions.petition_detail, name="petition_detail"),
    path(
        "<slug:slug>/petitions/<int:pk>/agenda/", petitions.petition_agenda, name="petition_agenda"
    ),
    path(
        "<slug:slug>/petitions/<int:pk>/answer/",
        petitions.petition_answer_view,
        name="petition_answer",
    ),
    path(
        "<slug:slug>/petitions/<int:pk>/publication/",
        petitions.petition_publication_view,
        name="petition_publication",
    ),
]
