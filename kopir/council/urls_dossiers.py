"""Pages of the council's dossiers, one per problem. Mounted under /<lang>/council/."""

from django.urls import URLPattern, path

from kopir.council.views import dossiers

DOSSIER = "<slug:slug>/dossiers/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/dossiers/", dossiers.dossier_list, name="dossier_list"),
    path("<slug:slug>/dossiers/new/", dossiers.dossier_create, name="dossier_create"),
    path(DOSSIER, dossiers.dossier_detail, name="dossier_detail"),
    path(DOSSIER + "edit/", dossiers.dossier_edit, name="dossier_edit"),
    path(DOSSIER + "add/", dossiers.dossier_add, name="dossier_add"),
    path(
        DOSSIER + "records/<int:record_pk>/remove/",
        dossiers.dossier_record_remove,
        name="dossier_record_remove",
    ),
    path(DOSSIER + "dossier-<str:lang>.docx", dossiers.dossier_docx, name="dossier_docx"),
    path(DOSSIER + "dossier-<str:lang>.pdf", dossiers.dossier_pdf, name="dossier_pdf"),
]
