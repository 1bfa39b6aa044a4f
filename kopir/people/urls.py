from django.urls import path

from kopir.people import views

app_name = "people"

# Person pages are addressed by id, never by IIN or name.
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
]
