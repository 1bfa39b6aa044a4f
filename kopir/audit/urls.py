from django.urls import path

from kopir.core.views import home

app_name = "audit"

urlpatterns = [
    path("", home, name="search"),
]
