"""Server-rendered bar charts: geometry computed here, drawn by
`templates/oversight/partials/bar_chart.html` as SVG. No script, no library.

A chart repeats what the table beside it says (the table is the truth): every bar carries its
figure as the table writes it, a suppressed figure is drawn as no bar with "<5" written, or
"each <5" for a bar that adds up cells under 5 (`disclosure.as_count`), and a second series is
told apart by a hatch pattern as well as by its shade, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kopir.oversight.disclosure import Count

LABEL_WIDTH = 260
# The characters of a group's name that fit LABEL_WIDTH at 13 px, wide Cyrillic letters included;
# a longer name is cut at its end with "…", the whole of it in the label's <title>.
LABEL_CHARACTERS = 32
BAR_AREA = 360
VALUE_WIDTH = 60
BAR_HEIGHT = 16
GROUP_GAP = 12
TOP = 8
# The bars drawn at most: the groups with the highest figures; the table beside lists them all.
MOST_GROUPS = 20


@dataclass(frozen=True)
class Kept:
    """A bar's figure as a snapshot keeps it: the published value sizes the bar, the text is the
    one the page wrote. A bare value could not say whether None was a "<5" cell or a sum of
    them ("each <5"), and a snapshot's chart then contradicted its table."""

    value: int | None
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Bar:
    series: int  # 0: solid, 1: hatched
    y: int
    width: int
    text: str
    text_x: int


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_y: int
    bars: list[Bar]

    @property
    def short_label(self) -> str:
        """The name as drawn: whole if it fits, else its beginning and "…" (never its end only:
        the label is anchored at its end, and what does not fit is cut off on the left)."""
        if len(self.label) <= LABEL_CHARACTERS:
            return self.label
        return self.label[: LABEL_CHARACTERS - 1].rstrip() + "…"


@dataclass(frozen=True)
class BarChart:
    groups: list[BarGroup]
    width: int
    height: int
    left_out: int  # groups not drawn (only the MOST_GROUPS highest are)
    label_width: int = LABEL_WIDTH


def bar_chart(groups: Sequence[tuple[str, Sequence[Count | Kept]]]) -> BarChart:
    """Horizontal bars: one group per label, one bar per series, scaled to the largest shown;
    only the MOST_GROUPS groups with the highest first figure, in their order."""
    ranked = sorted(groups, key=lambda group: -(group[1][0].value or 0) if group[1] else 0)
    drawn = {id(group) for group in ranked[:MOST_GROUPS]}
    left_out = len(groups) - len(drawn)
    groups = [group for group in groups if id(group) in drawn]
    largest = max(
        (c.value for _, counts in groups for c in counts if c.value is not None), default=0
    )
    laid_out: list[BarGroup] = []
    y = TOP
    for label, counts in groups:
        bars = []
        for series, count in enumerate(counts):
            width = (
                0 if not largest or count.value is None else round(BAR_AREA * count.value / largest)
            )
            text = str(count)
            bars.append(Bar(series, y, width, text, LABEL_WIDTH + width + 4))
            y += BAR_HEIGHT
        laid_out.append(BarGroup(label, y - len(counts) * BAR_HEIGHT + BAR_HEIGHT - 4, bars))
        y += GROUP_GAP
    return BarChart(laid_out, LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, y + TOP, left_out)
