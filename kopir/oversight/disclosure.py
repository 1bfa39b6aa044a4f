"""What a figure may show, so that no published combination reveals a small group of persons
(docs/decisions/0011-small-cell-protection.md).

Pure functions, no database (but `published_value`, the same rule for a store the database
writes). The rules:

- a count under 5 (0 included) is shown as "<5"; every other count is rounded to the nearest
  multiple of 5 (halves up), so a published 10 stands for any of 8 to 12;
- a figure that is the sum of other figures on the page (a total, a row or column sum, delivered
  = on time + late, a territory made of its organisations) is computed from their *published*
  values, never rounded again from the true sum, so it tells nothing the parts do not;
- a share or a rate is computed from published counts, and only when neither is suppressed;
- a median or a percentile is shown only for a group of at least 5.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Expression, IntegerField, Value, When
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Fewer persons than this in a cell and the cell says "<5".
THRESHOLD = 5
# Every other count is rounded to a multiple of this.
BASE = 5
SUPPRESSED_LABEL = "<5"
# A sum of published figures that all show "<5": its parts are each under 5, the sum itself may
# be anything (19 referrals from clinics of 4, 5, 5, 5 … is a sum of "<5"s), so "<5" would be false.
SMALL_PARTS_LABEL = _("each <5")
TOO_FEW = _("too few to show")


@dataclass(frozen=True)
class Count:
    """A count as published: `value` is the rounded figure, None when suppressed."""

    value: int | None
    # A sum of published cells that all show "<5" (`as_count`): shown as "each <5", not "<5".
    # Equal to a plain "<5" otherwise: both publish nothing.
    of_small_parts: bool = field(default=False, compare=False)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is not None:
            return number_format(self.value)
        return str(SMALL_PARTS_LABEL) if self.of_small_parts else SUPPRESSED_LABEL


@dataclass(frozen=True)
class Total:
    """A sum of published counts: the figures shown added up, and how many "<5" cells it leaves
    out. The number left out is never shown: it would tell a zero from a "<5" that is not."""

    value: int
    left_out: int

    def __str__(self) -> str:
        # Nothing but cells under 5 adds up to nothing shown, whatever the cells hold: each part
        # is under 5, the sum may not be (decision 11, amendment). Said the same way whether
        # cells were left out or none existed, so it never tells a zero from a small count.
        return str(SMALL_PARTS_LABEL) if self.value == 0 else number_format(self.value)


def round_to_base(true_count: int) -> int:
    """The nearest multiple of BASE, halves up: 7 → 5, 8 → 10, 12 → 10, 13 → 15."""
    return BASE * ((true_count + BASE // 2) // BASE)


def publish_count(true_count: int) -> Count:
    """A count of persons (or of their referrals, measures, returns) as it may be shown."""
    if true_count < 0:
        raise ValueError("a count is never negative")
    if true_count < THRESHOLD:
        return Count(None)
    return Count(round_to_base(true_count))


def published_value(true_count: Expression) -> Case:
    """`publish_count(true_count).value` computed by the database: NULL under THRESHOLD, else
    rounded to BASE, halves up (integer division). For stores that publish their cells in the
    background job (`precomputed.py`); tested to agree with `publish_count`."""
    return Case(
        When(
            GreaterThanOrEqual(true_count, THRESHOLD),
            then=(true_count + Value(BASE // 2)) / Value(BASE) * Value(BASE),
        ),
        default=None,
        output_field=IntegerField(),
    )


def consistent_values(published: Count) -> range:
    """Every true count that publishes as `published`: what a reader can know from it alone."""
    if published.value is None:
        return range(0, THRESHOLD)
    low = max(THRESHOLD, published.value - BASE // 2)
    return range(low, published.value + BASE // 2 + 1)


def published_total(counts: Iterable[Count]) -> Total:
    """The sum of published figures, as the table's total (never the rounded true total: two
    cells of 4 and a total of 8 shown as 10 would give both cells away)."""
    value = 0
    left_out = 0
    for count in counts:
        if count.value is None:
            left_out += 1
        else:
            value += count.value
    return Total(value, left_out)


def as_count(total: Total) -> Count:
    """A sum of published cells as one figure: "each <5" when all it holds is cells under 5
    (their sum may well be 5 or more, so "<5" would be false)."""
    return Count(total.value or None, of_small_parts=True)


def sum_totals(totals: Iterable[Total]) -> Total:
    """Totals of published figures added up (a row made of columns that are themselves sums)."""
    value = left_out = 0
    for total in totals:
        value += total.value
        left_out += total.left_out
    return Total(value, left_out)


def total_share(part: Total, whole: Total) -> float | None:
    """part / whole, both sums of published figures; None when either shows "<5" (adds up to
    nothing shown), as a share of a suppressed count would be."""
    return published_share(part.value or None, whole.value)


def published_share(numerator: int | None, denominator: int | None) -> float | None:
    """numerator / denominator from published figures (a Count's or a Total's `value`); None
    when either is suppressed or the denominator is nothing."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def may_show_distribution(group_size: int) -> bool:
    """Whether a median or a percentile of a group may be shown: only for 5 or more."""
    return group_size >= THRESHOLD
