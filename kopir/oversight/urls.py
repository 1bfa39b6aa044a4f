from django.urls import path

from kopir.oversight import (
    views,
    views_annual_report,
    views_council,
    views_employment,
    views_exports,
    views_snapshots,
)

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("mse/", views.mse, name="mse"),
    path("rehabilitation/", views.rehabilitation, name="rehabilitation"),
    path("snapshots/", views_snapshots.snapshot_list, name="snapshot_list"),
    path("snapshots/new/<str:dashboard>/", views_snapshots.snapshot_new, name="snapshot_new"),
    path("snapshots/<int:pk>/", views_snapshots.snapshot_detail, name="snapshot_detail"),
    path(
        "snapshots/cite/<str:target>/<int:pk>/",
        views_snapshots.snapshot_cite,
        name="snapshot_cite",
    ),
    path(
        "snapshots/citations/<int:pk>/remove/",
        views_snapshots.snapshot_uncite,
        name="snapshot_uncite",
    ),
    path("employment/", views_employment.employment, name="employment"),
    path("council/", views_council.council, name="council"),
    path("annual-report/", views_annual_report.annual_report_page, name="annual_report"),
    path(
        "annual-report/<slug:slug>/<int:year>/<str:lang>.<str:kind>",
        views_annual_report.annual_report_file,
        name="annual_report_file",
    ),
    path(
        "<str:dashboard>/tables/<str:table>.<str:file_format>",
        views_exports.table_export,
        name="table_export",
    ),
]
