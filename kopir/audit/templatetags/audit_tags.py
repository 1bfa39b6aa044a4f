"""The audit search page's words for a record's type: its model's name in the reader's language
("User #18"), not the stored label ("accounts.user #18")."""

from __future__ import annotations

from django import template
from django.apps import apps

register = template.Library()


@register.filter
def record_type_name(target_type: str) -> str:
    """The model's verbose name, capitalised; the stored label for a type no model has now."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    name = str(model._meta.verbose_name)
    return f"{name[:1].upper()}{name[1:]}"
