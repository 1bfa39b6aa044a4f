"""The bar chart's geometry: every bar labelled, "<5" drawn as no bar, at most MOST_GROUPS groups
(the highest first figures), kept in the table's order."""

from __future__ import annotations

from kopir.oversight.charts import BAR_AREA, MOST_GROUPS, bar_chart
from kopir.oversight.disclosure import Count


def test_bars_are_scaled_to_the_largest_and_labelled() -> None:
    chart = bar_chart([("A", [Count(10), Count(None)]), ("B", [Count(20), Count(5)])])
    widths = [[bar.width for bar in group.bars] for group in chart.groups]
    assert widths == [[BAR_AREA // 2, 0], [BAR_AREA, BAR_AREA // 4]]
    assert [[bar.text for bar in group.bars] for group in chart.groups] == [
        ["10", "<5"],
        ["20", "5"],
    ]
    assert chart.left_out == 0


def test_only_the_highest_groups_are_drawn_in_the_tables_order() -> None:
    groups = [(f"clinic {i:02d}", [Count(5 * i) if i % 3 else Count(None)]) for i in range(30)]
    chart = bar_chart(groups)
    assert len(chart.groups) == MOST_GROUPS
    assert chart.left_out == 30 - MOST_GROUPS
    labels = [group.label for group in chart.groups]
    assert labels == sorted(labels)
    assert "clinic 29" in labels
    assert "clinic 00" not in labels


def test_no_data_draws_nothing() -> None:
    chart = bar_chart([])
    assert (chart.groups, chart.left_out) == ([], 0)
