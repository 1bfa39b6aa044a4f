"""The MSE division's programme (IRP) pages."""

from django.urls import path

from kopir.rehabilitation.views import programme as v

urlpatterns = [
    path("programmes/", v.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", v.programme_detail, name="programme_detail"),
    path(
        "programmes/<int:pk>/versions/<int:sequence>/",
        v.programme_version,
        name="programme_version",
    ),
    path(
        "programmes/<int:pk>/versions/<int:sequence>/<str:lang>.<str:extension>",
        v.programme_document,
        name="programme_document",
    ),
    path("programmes/<int:pk>/measures/new/", v.line_create, name="programme_line_create"),
    path(
        "programmes/<int:pk>/measures/<int:line_pk>/edit/",
        v.line_edit,
        name="programme_line_edit",
    ),
    path(
        "programmes/<int:pk>/measures/<int:line_pk>/delete/",
        v.line_delete,
        name="programme_line_delete",
    ),
    path("programmes/<int:pk>/approve/", v.programme_approve_view, name="programme_approve"),
]
