"""Checks of a person's details that every way into the registry shares (forms, services, the
API, FHIR and bulk files)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Nobody alive was born before 1900; an earlier date is a typo (0001-01-01 is a blank date field
# of another system). Kazakhstan's IINs encode 1800s births too, but no living person has one.
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def validate_birth_date(value: dt.date) -> None:
    """Refuse a date of birth in the future or before 1900."""
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The date of birth cannot be before %(earliest)s."),
            code="too_early",
            params={"earliest": EARLIEST_BIRTH_DATE.strftime("%d.%m.%Y")},
        )
