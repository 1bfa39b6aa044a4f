"""The head row of a council table, written once: `{% columns _("Number") _("Date") numeric=2 %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def columns(*headings: str, numeric: str | int = "") -> SafeString:
    """One `<th scope="col">` per heading, in order; `numeric` names the 1-based positions
    (e.g. "3" or "3,5") of the columns that hold numbers, which are set right-aligned."""
    numeric_at = {int(n) for n in str(numeric).split(",") if n.strip()}
    cells = format_html_join(
        "",
        '<th scope="col"{}>{}</th>',
        ((' class="numeric"' if i in numeric_at else "", h) for i, h in enumerate(headings, 1)),
    )
    return format_html("{}", cells)


@register.simple_tag(takes_context=True)
def list_rows(context: template.Context) -> Any:
    """The rows of a list page: the page's `object_list` where the view pages them, else the
    `rows` the view passes whole."""
    page = context.get("page_obj")
    return page.object_list if page is not None else context.get("rows", [])
