from django.urls import path

from kopir.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("search/", views.search, name="search"),
]
