"""The administrators' pages: the measure catalogue, suggestion rules and routing rules."""

from django.urls import path

from kopir.rehabilitation.views import catalogue as v

urlpatterns = [
    path("catalogue/", v.catalogue_list, name="catalogue_list"),
    path("catalogue/new/", v.catalogue_create, name="catalogue_create"),
    path("catalogue/<int:pk>/", v.catalogue_detail, name="catalogue_detail"),
    path("catalogue/<int:pk>/edit/", v.catalogue_edit, name="catalogue_edit"),
    path("catalogue/<int:pk>/activate/", v.catalogue_activate, name="catalogue_activate"),
    path("catalogue/<int:pk>/retire/", v.catalogue_retire, name="catalogue_retire"),
    path("catalogue/<int:pk>/measures/new/", v.measure_create, name="measure_create"),
    path("catalogue/<int:pk>/measures/<int:measure_pk>/edit/", v.measure_edit, name="measure_edit"),
    path(
        "catalogue/<int:pk>/measures/<int:measure_pk>/delete/",
        v.measure_delete,
        name="measure_delete",
    ),
    path("catalogue/<int:pk>/suggestions/", v.suggestion_list, name="suggestion_list"),
    path("catalogue/<int:pk>/suggestions/new/", v.suggestion_create, name="suggestion_create"),
    path(
        "catalogue/<int:pk>/suggestions/<int:rule_pk>/edit/",
        v.suggestion_edit,
        name="suggestion_edit",
    ),
    path(
        "catalogue/<int:pk>/suggestions/<int:rule_pk>/delete/",
        v.suggestion_delete,
        name="suggestion_delete",
    ),
    path("routing/", v.routing_list, name="routing_list"),
    path("routing/new/", v.routing_create, name="routing_create"),
    path("routing/<int:pk>/edit/", v.routing_edit, name="routing_edit"),
    path("routing/<int:pk>/delete/", v.routing_delete, name="routing_delete"),
]
