"""What makes an expert's conclusion or a decision consistent: group or category for the person's
age, causes that fit it, terms the Rules allow for the age band, working-capacity percentages.

Sources (docs/domain/mse.md §5): groups and child categories from Order No. 260 (2023) [V]; causes from
the 2023 Rules [V, list truncated]; terms from the 2015 Rules item 22 [V-old], moved to the 2023
age bands (under 7, 7 to 18) [I]. Every error names the field it is about.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kopir.assessment.age_bands import age_in_years
from kopir.assessment.models import Category, Cause, Outcome, Term

ADULT, CHILD_7_18, CHILD_LT7 = "adult", "child_7_18", "child_lt7"

CATEGORIES_BY_BAND: dict[str, frozenset[str]] = {
    ADULT: frozenset({Category.ADULT_G1, Category.ADULT_G2, Category.ADULT_G3}),
    CHILD_7_18: frozenset({Category.CHILD_7_18_G1, Category.CHILD_7_18_G2, Category.CHILD_7_18_G3}),
    CHILD_LT7: frozenset({Category.CHILD_LT7}),
}
# Causes that belong to one age band only; every other cause is for adults.
CHILD_CAUSES: dict[str, str] = {Cause.CHILD_UNDER_7: CHILD_LT7, Cause.CHILD_7_18: CHILD_7_18}
TERMS_BY_BAND: dict[str, frozenset[str]] = {
    ADULT: frozenset({Term.SIX_MONTHS, Term.ONE_YEAR, Term.TWO_YEARS, Term.INDEFINITE}),
    CHILD_7_18: frozenset(
        {Term.SIX_MONTHS, Term.ONE_YEAR, Term.TWO_YEARS, Term.FIVE_YEARS, Term.UNTIL_18}
    ),
    CHILD_LT7: frozenset(
        {Term.SIX_MONTHS, Term.ONE_YEAR, Term.TWO_YEARS, Term.FIVE_YEARS, Term.UNTIL_7}
    ),
}
# The birthday on which a child's band ends: a term may not run past it.
BAND_END_AGE = {CHILD_LT7: 7, CHILD_7_18: 18}
TERM_MONTHS: dict[str, int] = {
    Term.SIX_MONTHS: 6,
    Term.ONE_YEAR: 12,
    Term.TWO_YEARS: 24,
    Term.FIVE_YEARS: 60,
}
PROFESSIONAL_LOSS_CAUSES = frozenset({Cause.WORK_INJURY, Cause.OCCUPATIONAL_DISEASE})


def age_band(birth_date: dt.date, on: dt.date) -> str:
    age = age_in_years(birth_date, on)
    if age < 7:
        return CHILD_LT7
    if age < 18:
        return CHILD_7_18
    return ADULT


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def birthday(birth_date: dt.date, age: int) -> dt.date:
    # A person born on 29 February turns a year older on 28 February in common years.
    year = birth_date.year + age
    return dt.date(
        year, birth_date.month, min(birth_date.day, calendar.monthrange(year, birth_date.month)[1])
    )


def valid_until(term: str, *, start: dt.date, birth_date: dt.date) -> dt.date | None:
    """The last day the disability is valid for this term; None when indefinite or unknown."""
    if term in TERM_MONTHS:
        return add_months(start, TERM_MONTHS[term]) - dt.timedelta(days=1)
    if term == Term.UNTIL_7:
        return birthday(birth_date, 7) - dt.timedelta(days=1)
    if term == Term.UNTIL_18:
        return birthday(birth_date, 18) - dt.timedelta(days=1)
    return None


@dataclass(frozen=True)
class OutcomeInput:
    outcome: str
    category_code: str = ""
    cause: str = ""
    term: str = ""
    general_loss_percent: int | None = None
    professional_loss_percent: int | None = None
    reasons: str = ""


def outcome_errors(
    data: OutcomeInput, *, birth_date: dt.date, on: dt.date, reasons_always_required: bool
) -> dict[str, list[str]]:
    """Each inconsistency, keyed by the field it concerns. Empty when the input is consistent."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    band = age_band(birth_date, on)
    if data.outcome not in Outcome.values:
        add("outcome", _("Choose whether disability is established."))
        return errors
    for field in ("general_loss_percent", "professional_loss_percent"):
        value = getattr(data, field)
        if value is not None and not 0 <= value <= 100:
            add(field, _("Enter a percentage from 0 to 100."))
    if data.professional_loss_percent is not None and data.cause not in PROFESSIONAL_LOSS_CAUSES:
        add(
            "professional_loss_percent",
            _(
                "Loss of professional working capacity is set only for a work injury or an occupational disease."
            ),
        )

    if data.outcome == Outcome.NOT_ESTABLISHED:
        if not data.reasons.strip():
            add("reasons", _("Give the reasons why disability is not established."))
        if data.category_code:
            add("category_code", _("Leave the group empty when disability is not established."))
        if data.term:
            add("term", _("Leave the term empty when disability is not established."))
        if data.general_loss_percent is not None:
            add(
                "general_loss_percent",
                _(
                    "Leave the loss of general working capacity empty when disability is not established."
                ),
            )
        if data.cause and data.cause not in PROFESSIONAL_LOSS_CAUSES:
            add(
                "cause",
                _(
                    "Without disability, a cause is recorded only with a loss of professional working capacity."
                ),
            )
        return errors

    if reasons_always_required and not data.reasons.strip():
        add("reasons", _("Give the reasons for the conclusion."))
    if not data.category_code:
        add("category_code", _("Choose the group or category."))
    elif data.category_code not in CATEGORIES_BY_BAND[band]:
        add("category_code", _band_category_message(band))
    if not data.cause:
        add("cause", _("Choose the cause of disability."))
    elif CHILD_CAUSES.get(data.cause, ADULT) != band:
        add("cause", _("This cause does not fit the person's age."))
    if not data.term:
        add("term", _("Choose the term."))
    elif data.term not in TERMS_BY_BAND[band]:
        add("term", _("This term is not allowed for the person's age."))
    elif band in BAND_END_AGE:
        end = valid_until(data.term, start=on, birth_date=birth_date)
        if end is not None and end >= birthday(birth_date, BAND_END_AGE[band]):
            add(
                "term",
                _(
                    "This term runs past the birthday on which the child's category ends: choose “%(term)s”."
                )
                % {"term": Term(Term.UNTIL_7 if band == CHILD_LT7 else Term.UNTIL_18).label},
            )
    return errors


def _band_category_message(band: str) -> str:
    if band == CHILD_LT7:
        return _("A child under 7 gets the category “child with disability”.")
    if band == CHILD_7_18:
        return _("A child aged 7 to 18 gets a child's group I, II or III.")
    return _("An adult gets group I, II or III.")


def validate_outcome(
    data: OutcomeInput, *, birth_date: dt.date, on: dt.date, reasons_always_required: bool
) -> None:
    errors = outcome_errors(
        data, birth_date=birth_date, on=on, reasons_always_required=reasons_always_required
    )
    if errors:
        raise ValidationError(errors)
