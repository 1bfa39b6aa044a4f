"""Rehabilitation's pages (mounted at /<lang>/rehabilitation/): each area has its url module."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "rehabilitation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("kopir.rehabilitation.urls_catalogue")),
    path("", include("kopir.rehabilitation.urls_programme")),
    path("", include("kopir.rehabilitation.urls_followup")),
    path("", include("kopir.rehabilitation.urls_agency")),
]
