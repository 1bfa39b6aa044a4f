"""Notices: the outbox."""

from django.urls import URLPattern, path

from kopir.notices import views

app_name = "notices"

urlpatterns: list[URLPattern] = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.notice_detail, name="notice"),
    path("<int:pk>/resend/", views.notice_resend, name="resend"),
    path("mine/", views.my_notifications, name="mine"),
    path("mine/<int:pk>/read/", views.notification_mark_read, name="mark_read"),
    path("mine/read/", views.notifications_mark_all_read, name="mark_all_read"),
    path("mine/settings/", views.notification_preferences, name="preferences"),
]
