"""The MSE division's, the experts' and the higher body's pages (mounted at /<lang>/mse/)."""

from django.urls import URLPattern, path

from kopir.assessment.views import appeal, division, division_decision, expert

urlpatterns: list[URLPattern] = [
    path("division/", division.queue, name="division_queue"),
    path("division/queue.csv", division.queue_export, name="division_queue_export"),
    path("division/referrals/<int:pk>/", division.case, name="division_case"),
    path("division/referrals/<int:pk>/accept/", division.accept, name="division_accept"),
    path("division/referrals/<int:pk>/return/", division.return_referral, name="division_return"),
    path("division/referrals/<int:pk>/assign/", division.assign, name="division_assign"),
    path("division/referrals/<int:pk>/decide/", division_decision.decide, name="division_decide"),
    path("division/referrals/<int:pk>/notify/", division.notify, name="division_notify"),
    path(
        "division/referrals/<int:pk>/documents/<int:attachment_pk>/release/",
        division.attachment_release_view,
        name="division_attachment_release",
    ),
    path("division/referrals/<int:pk>/timeline/", division.timeline, name="division_timeline"),
    path("division/referrals/<int:pk>/appeal/", division.appeal_record, name="division_appeal"),
    path("expert/", expert.worklist, name="expert_worklist"),
    path("expert/assignments/<int:pk>/", expert.review, name="expert_review"),
    path("appeals/", appeal.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", appeal.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/review/", appeal.appeal_review, name="appeal_review"),
    path("appeals/<int:pk>/decide/", appeal.appeal_decide, name="appeal_decide"),
]
