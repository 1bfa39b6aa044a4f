"""Give the charts of saved snapshots the texts their own tables published.

A snapshot kept each chart bar's published value only, and its page wrote None as "<5"; a bar
that added up cells under 5 reads "each <5" in the table beside it (decision 11, amended), so the
two contradicted each other. New snapshots keep each bar's text (`chart["texts"]`). For those
saved before, the text is not guessed: every bar is a row of one of the snapshot's own tables
(same labels in the same order) and a column headed by the chart's series name, so the text is
copied from that cell, in each language. A snapshot saved before the amendment, whose table said
"<5" for such a sum, keeps "<5" in its chart too: what was published is not rewritten, chart and
table now agree. Only charts with a bar under 5 are given texts; a chart no table matches is left
as it was (read as before). The figures, the tables and the headline are not touched.
"""

from typing import Any

from django.db import migrations


def _number(cell: Any) -> int | None:
    """The whole number a table's cell writes (in any language's digit grouping), else None:
    "<5", "each <5" and their translations are not numbers."""
    if not isinstance(cell, str):
        return None
    digits = "".join(ch for ch in cell if ch not in " \u00a0\u202f,.")
    return int(digits) if digits.isdigit() else None


def bar_texts(shown: dict[str, Any]) -> list[list[str]] | None:
    """The texts of one language's chart bars, read from the table whose rows are the bars and
    whose columns carry the series; None where no table matches every bar."""
    chart = shown.get("chart") or {}
    bars = chart.get("bars") or []
    series = chart.get("series") or []
    if not bars or not series or "texts" in chart:
        return None
    labels = [bar[0] for bar in bars]
    for table in shown.get("tables") or []:
        columns = table.get("columns") or []
        rows = table.get("rows") or []
        if [row[0] if row else None for row in rows] != labels:
            continue
        if not all(name in columns for name in series):
            continue
        where = [columns.index(name) for name in series]
        texts = []
        for bar, row in zip(bars, rows, strict=True):
            cells = [row[i] if i < len(row) else None for i in where]
            values = bar[1:]
            if len(values) != len(cells):
                break
            # A cell and its bar say the same: the same number, or both no number.
            agree = all(
                isinstance(cell, str) and _number(cell) == value
                for value, cell in zip(values, cells, strict=True)
            )
            if not agree:
                break
            texts.append(cells)
        else:
            return texts
    return None


def with_bar_texts(content: dict[str, Any]) -> dict[str, Any] | None:
    """`content` (every language) with its charts' texts, or None if nothing is to change."""
    changed = False
    updated = {}
    for language, shown in content.items():
        bars = (shown.get("chart") or {}).get("bars") or []
        texts = None
        if any(value is None for bar in bars for value in bar[1:]):
            texts = bar_texts(shown)
        if texts is None:
            updated[language] = shown
            continue
        updated[language] = {**shown, "chart": {**shown["chart"], "texts": texts}}
        changed = True
    return updated if changed else None


def add_bar_texts(apps: Any, schema_editor: Any) -> None:
    Snapshot = apps.get_model("oversight", "Snapshot")
    # The base manager: the model's own refuses every update, as a snapshot's figures never
    # change; this adds to the chart only the texts its tables already published.
    for pk, content in Snapshot._base_manager.values_list("pk", "content").iterator():
        updated = with_bar_texts(content)
        if updated is not None:
            Snapshot._base_manager.filter(pk=pk).update(content=updated)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0005_store_tables_named_in_words"),
    ]

    operations = [
        migrations.RunPython(add_bar_texts, migrations.RunPython.noop),
    ]
