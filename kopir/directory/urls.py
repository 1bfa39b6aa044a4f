from django.urls import path

from kopir.directory import views

app_name = "directory"

urlpatterns = [
    path("territories/", views.territory_list, name="territory_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create_view, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit_view, name="organisation_edit"),
]
