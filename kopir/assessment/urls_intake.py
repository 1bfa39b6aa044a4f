"""The clinic's bulk upload of referrals (mounted at /<lang>/mse/)."""

from django.urls import URLPattern, path

from kopir.assessment.views import bulk

urlpatterns: list[URLPattern] = [
    path("clinic/bulk/", bulk.bulk_upload, name="bulk_upload"),
    path("clinic/bulk/template.csv", bulk.bulk_template, name="bulk_template"),
    path("clinic/bulk/<int:pk>/", bulk.bulk_detail, name="bulk_detail"),
]
