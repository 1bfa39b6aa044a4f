from django.urls import path

from kopir.core.views import home

app_name = "people"

urlpatterns = [
    path("", home, name="search"),
]
