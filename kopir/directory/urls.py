from django.urls import path

from kopir.core.views import home

app_name = "directory"

urlpatterns = [
    path("organisations/", home, name="organisation_list"),
    path("organisations/<int:pk>/", home, name="organisation_detail"),
    path("territories/", home, name="territory_list"),
]
