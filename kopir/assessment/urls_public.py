"""The public citizen status page (mounted at /<lang>/mse/; no account needed)."""

from django.urls import URLPattern, path

from kopir.assessment.views import citizen

urlpatterns: list[URLPattern] = [
    path("status/", citizen.status_start, name="citizen_status"),
    path("status/code/", citizen.status_code, name="citizen_code"),
    path("status/result/", citizen.status_result, name="citizen_result"),
]
