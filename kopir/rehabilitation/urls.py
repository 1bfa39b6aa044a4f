"""Rehabilitation's pages; each area keeps its own URL module (urls_<area>.py)."""

from django.urls import include, path

app_name = "rehabilitation"

urlpatterns = [
    path("", include("kopir.rehabilitation.urls_agency")),
]
