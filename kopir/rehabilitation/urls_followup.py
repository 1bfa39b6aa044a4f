"""Deadlines, timelines, the person's answers and employment (issue #9, items 5, 6 and 9)."""

from django.urls import URLPattern, path

from kopir.rehabilitation.views import employment, followup

urlpatterns: list[URLPattern] = [
    path(
        "programmes/<int:programme_id>/timeline/",
        followup.programme_timeline,
        name="programme_timeline",
    ),
    # The citizen status page's answer to a reported result (no account: the code's access).
    path(
        "status/measures/<int:measure_id>/answer/",
        followup.citizen_measure_answer,
        name="citizen_measure_answer",
    ),
    # The person's programme document, behind the same code.
    path(
        "status/programmes/<int:programme_id>/<str:lang>.<str:extension>",
        followup.citizen_programme_document,
        name="citizen_programme_document",
    ),
    path("quotas/", employment.quota_list, name="quota_list"),
    path("quotas/new/", employment.quota_create, name="quota_create"),
    path("quotas/<int:quota_id>/", employment.quota_edit, name="quota_edit"),
    path("quota-bands/", employment.quota_bands, name="quota_bands"),
    path("quota-bands/<int:band_id>/", employment.quota_band_edit, name="quota_band_edit"),
    path(
        "measures/<int:measure_id>/placement/",
        employment.placement_edit,
        name="placement_edit",
    ),
]
