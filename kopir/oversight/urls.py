from django.urls import path

from kopir.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("mse/", views.mse, name="mse"),
    path("rehabilitation/", views.rehabilitation, name="rehabilitation"),
]
