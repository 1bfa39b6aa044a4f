"""Template helpers every page uses: one accessible way to render a form field and its errors."""

from __future__ import annotations

import itertools
from typing import Any

from django import forms, template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from kopir.core.text import date_before_full_stop

register = template.Library()


@register.inclusion_tag("core/partials/field.html")
def field(bound_field: forms.BoundField, hint: str = "", autocomplete: str = "") -> dict[str, Any]:
    """Render a field with its label, hint and error text tied together by aria-describedby.

    The widget gets `aria-describedby` (hint and error ids) and `aria-invalid` when the field has
    errors, so a screen reader announces the reason together with the field.
    """
    widget = bound_field.field.widget
    hint_text = hint or bound_field.help_text
    field_id = bound_field.auto_id or bound_field.html_name
    described_by = []
    if hint_text:
        described_by.append(f"{field_id}-hint")
    if bound_field.errors:
        described_by.append(f"{field_id}-error")
    attrs: dict[str, Any] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    is_choice_group = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    is_checkbox = isinstance(widget, forms.CheckboxInput)
    # A group is labelled by its legend; aria-describedby goes on the fieldset instead.
    rendered = bound_field.as_widget() if is_choice_group else bound_field.as_widget(attrs=attrs)
    return {
        "field": bound_field,
        "field_id": field_id,
        "hint": hint_text,
        "rendered": rendered,
        "is_choice_group": is_choice_group,
        "is_checkbox": is_checkbox,
        "described_by": " ".join(described_by),
        # A field needed only in some cases (its hint says when) is not marked "optional".
        "required": bound_field.field.required or getattr(bound_field.field, "conditional", False),
    }


@register.inclusion_tag("core/partials/bilingual_field.html")
def bilingual(
    kazakh: forms.BoundField, russian: forms.BoundField, hint: str = ""
) -> dict[str, Any]:
    """A text's Kazakh and Russian halves (`core.forms.text_in`) side by side under one legend,
    stacked on a narrow screen; Kazakh first, as the state language."""
    return {
        "legend": getattr(kazakh.field, "group_label", kazakh.label),
        "kazakh": kazakh,
        "russian": russian,
        "hint": hint or getattr(kazakh.field, "pair_hint", ""),
        "hint_id": f"{kazakh.auto_id or kazakh.html_name}-pair-hint",
    }


@register.filter(expects_localtime=True)
def date_before_stop(value: Any, format_name: str = "DATE_FORMAT") -> str:
    """`{{ date|date_before_stop }}.`: a date that a full stop follows, written without a second
    one ("…2028 г." rather than "…2028 г..": `core.text.date_before_full_stop`)."""
    return date_before_full_stop(value, format_name)


@register.filter
def field_rows(form: forms.BaseForm) -> list[dict[str, forms.BoundField]]:
    """The form's visible fields in order, a bilingual pair (`x`, `x_ru`) as one row, so a form
    page that lists no fields of its own still shows each pair side by side."""
    rows: list[dict[str, forms.BoundField]] = []
    for bound in form.visible_fields():
        if bound.name.endswith("_ru") and rows and rows[-1].get("field"):
            previous = rows[-1]["field"]
            if previous.name == bound.name[:-3]:
                rows[-1] = {"kazakh": previous, "russian": bound}
                continue
        rows.append({"field": bound})
    return rows


@register.inclusion_tag("core/partials/error_summary.html")
def error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    """List every error of one or more failed forms at the top of the page, each a link to its field."""
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound or not form.errors:
            continue
        for message in form.non_field_errors():
            items.append({"message": str(message), "href": ""})
        for bound in form:
            # Half of a bilingual pair is named with its pair ("Title, in Russian").
            group = getattr(bound.field, "group_label", "")
            name = f"{group}, {str(bound.label).lower()}" if group else str(bound.label)
            # A label written as a sentence ("I have checked …; save them.") loses its full stop
            # before the colon.
            name = name.removesuffix(".")
            for message in bound.errors:
                items.append(
                    {
                        "message": f"{name}: {message}",
                        "href": f"#{bound.auto_id or bound.html_name}",
                    }
                )
    return {"items": items}


@register.simple_tag
def column_heads(*labels: str) -> SafeString:
    """A table's column headers, one `<th scope="col">` per label (pass `_("…")` to translate).

    One line per table instead of one per column, so the list pages do not repeat the markup.
    """
    return format_html_join("", '<th scope="col">{}</th>', ((label,) for label in labels))


_element_numbers = itertools.count(1)


@register.simple_tag
def element_id(prefix: str) -> str:
    """An id no other element of the page has (e.g. a table caption a scroll region names)."""
    return f"{prefix}-{next(_element_numbers)}"


@register.simple_tag(takes_context=True)
def cited_figures(context: template.Context, record: Any) -> SafeString:
    """The sections the registered citation sources show on `record`'s page (the dashboard
    snapshots an agenda item, a recommendation or a letter cites): core renders what the apps
    registered and knows none of them (`core/registry.py::CitationSource`)."""
    from kopir.core.registry import registry

    request = context.get("request")
    # A panel is rendered HTML (safe); anything else would be escaped.
    return format_html_join(
        "", "{}", ((source.panel(request, record),) for source in registry.citations)
    )
