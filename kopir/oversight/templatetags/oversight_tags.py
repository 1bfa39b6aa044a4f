"""Formatting of published figures: shares as percentages, days and ratios with one decimal;
the rows of an outcome table written at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kopir.oversight.disclosure import TOO_FEW

# An outcome table's figures, in its columns' order (`partials/outcome_table.html`).
OUTCOME_COLUMNS = (
    "due",
    "on_time",
    "late",
    "failed",
    "overdue",
    "pending",
    "disputed",
    "redirected",
)

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    if share is None:
        return str(TOO_FEW)
    return _("%(number)s%%") % {"number": number_format(round(share * 100), 0)}


@register.filter
def decimal(number: float | None) -> str:
    if number is None:
        return str(TOO_FEW)
    return number_format(round(number, 1), 1)


@register.filter
def answered_in_time(row: Any) -> str:
    """A recommendations row's answers within the due date with their share, or "none due yet"
    where no answer was due by today: recommendations count no person, so nothing is hidden
    there, and "too few to show" would say that something was."""
    if not row.answer_due:
        return _("none due yet")
    share = percent(row.answered_in_time_share)
    return f"{number_format(row.answered_in_time)} ({share})"


@register.simple_tag
def outcome_rows(rows: Iterable[Any]) -> SafeString:
    """The rows of an outcome table (`selectors/rehabilitation.py::OutcomeRow`), each headed by
    its label, written at once: for 660 executing organisations nationally, a template included
    per row and each of their 5,000 figures formatted anew took a third of the page."""
    return _outcome_rows((row.label, row) for row in rows)


@register.simple_tag
def outcome_total(total: Any, head: str) -> SafeString:
    """An outcome table's total row, headed by `head`."""
    return _outcome_rows([(head, total)])


def _outcome_rows(rows: Iterable[tuple[str, Any]]) -> SafeString:
    written: dict[int, str] = {}  # each distinct figure formatted once (most are multiples of 5)

    def figure(total: Any) -> str:
        text = written.get(total.value)
        if text is None:
            text = written[total.value] = format_html('<td class="numeric">{}</td>', total)
        return text

    return format_html_join(
        "\n",
        '<tr>\n  <th scope="row">{}</th>\n  {}\n</tr>',
        (
            (head, SafeString("\n  ".join(figure(getattr(row, c)) for c in OUTCOME_COLUMNS)))
            for head, row in rows
        ),
    )
