"""Rehabilitation's pages (mounted at /<lang>/rehabilitation/): each area has its url module."""

from django.urls import include, path

app_name = "rehabilitation"

urlpatterns = [
    path("", include("kopir.rehabilitation.urls_catalogue")),
    path("", include("kopir.rehabilitation.urls_programme")),
]
