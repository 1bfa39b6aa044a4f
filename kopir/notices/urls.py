"""Notices: the outbox."""

from django.urls import URLPattern, path

from kopir.notices import views

app_name = "notices"

urlpatterns: list[URLPattern] = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.notice_detail, name="notice"),
    path("<int:pk>/resend/", views.notice_resend, name="resend"),
]
