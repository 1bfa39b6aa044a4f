"""The council's annual report: a page to choose the council and the year, and the report's files
(DOCX and tagged PDF, in Kazakh and in Russian) for its secretary and its seated members, as the
council's own pages decide (`council/access.py`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.core.documents import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from kopir.council.access import council_for_user, councils_for_user
from kopir.council.models import Council
from kopir.council.views.minutes import file_response
from kopir.oversight import annual_report
from kopir.oversight.periods import FIRST_YEAR

FILE_KINDS = ("docx", "pdf")


def _years() -> list[int]:
    """The years a report may be asked for, newest first."""
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


class AnnualReportForm(forms.Form):
    council = forms.ModelChoiceField(
        label=_("Council"), queryset=Council.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args: Any, councils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils  # type: ignore[attr-defined]
        self.fields["year"].choices = [(year, str(year)) for year in _years()]  # type: ignore[attr-defined]


@require_GET
def annual_report_page(request: HttpRequest) -> HttpResponse:
    councils = councils_for_user(request.user).order_by("slug")
    if not councils.exists():
        raise PermissionDenied
    form = AnnualReportForm(request.GET or None, councils=councils, auto_id="report-%s")
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else None
    files = []
    if chosen is not None:
        for lang, language in (("kk", _("in Kazakh")), ("ru", _("in Russian"))):
            for kind in FILE_KINDS:
                files.append(
                    {
                        "args": (chosen["council"].slug, chosen["year"], lang, kind),
                        "kind": kind.upper(),
                        "language": language,
                        "lang": lang,
                    }
                )
    return render(
        request, "oversight/annual_report.html", {"form": form, "chosen": chosen, "files": files}
    )


@require_GET
def annual_report_file(
    request: HttpRequest, slug: str, year: int, lang: str, kind: str
) -> HttpResponse:
    council = council_for_user(request.user, slug)
    if year not in _years() or lang not in annual_report.DOCUMENT_LANGUAGES:
        raise Http404
    if kind not in FILE_KINDS:
        raise Http404
    context = annual_report.report_context(council, year, lang)
    if kind == "pdf":
        content, content_type = annual_report.report_pdf(context), PDF_CONTENT_TYPE
    else:
        content, content_type = annual_report.report_docx(context), DOCX_CONTENT_TYPE
    return file_response(content, content_type, annual_report.filename(council, year, lang, kind))
