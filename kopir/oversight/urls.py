from django.urls import path

from kopir.oversight import views, views_council, views_employment

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("mse/", views.mse, name="mse"),
    path("rehabilitation/", views.rehabilitation, name="rehabilitation"),
    path("employment/", views_employment.employment, name="employment"),
    path("council/", views_council.council, name="council"),
]
