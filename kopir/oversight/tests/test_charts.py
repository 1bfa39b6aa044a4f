"""The bar chart's geometry: every bar labelled, "<5" drawn as no bar, at most MOST_GROUPS groups
(the highest first figures), kept in the table's order."""

from __future__ import annotations

from django.template.loader import render_to_string

from kopir.oversight.charts import BAR_AREA, LABEL_CHARACTERS, MOST_GROUPS, bar_chart
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


def test_a_long_name_is_cut_at_its_end_and_kept_whole_in_its_title() -> None:
    """38 characters at 13 px overflowed the 260 px column to the left: «…тыс Қазақстан облысы»
    lost its beginning. The name drawn now fits and ends with "…"; the whole is its <title>."""
    name = "Батыс Қазақстан облысының әлеуметтік қызметтер порталы"
    chart = bar_chart([(name, [Count(10), Count(None)])])
    html = render_to_string(
        "oversight/partials/bar_chart.html",
        {"chart": chart, "chart_id": "c", "series": ["a", "b"], "summary": "s"},
    )
    drawn = chart.groups[0].short_label
    assert len(drawn) <= LABEL_CHARACTERS
    assert drawn.startswith("Батыс Қазақстан")
    assert drawn.endswith("…")
    assert f"<title>{name}</title>{drawn}</text>" in html
    assert bar_chart([("Short", [Count(5)])]).groups[0].short_label == "Short"
