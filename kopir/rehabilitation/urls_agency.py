"""The executing organisation's pages: its work list, a measure and the actions on it."""

from django.urls import path

from kopir.rehabilitation.views import agency

urlpatterns = [
    path("agency/measures/", agency.work_list, name="agency_work_list"),
    path("agency/measures/export.csv", agency.work_export_csv, name="agency_export_csv"),
    path("agency/measures/export.xlsx", agency.work_export_xlsx, name="agency_export_xlsx"),
    path("agency/measures/<int:pk>/", agency.measure_detail, name="agency_measure"),
    path("agency/measures/<int:pk>/evidence/", agency.evidence_download, name="agency_evidence"),
    path("agency/measures/<int:pk>/accept/", agency.accept, name="agency_accept"),
    path("agency/measures/<int:pk>/schedule/", agency.schedule, name="agency_schedule"),
    path("agency/measures/<int:pk>/deliver/", agency.deliver, name="agency_deliver"),
    path(
        "agency/measures/<int:pk>/not-delivered/", agency.not_delivered, name="agency_not_delivered"
    ),
    path("agency/measures/<int:pk>/redirect/", agency.redirect_measure, name="agency_redirect"),
]
