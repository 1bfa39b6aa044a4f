"""The minutes' fixed wording and the council's demo data use the official terms of
docs/glossary.md (issue 11, item 9)."""

from __future__ import annotations

from pathlib import Path

from kopir.core.tests.glossary import violations
from kopir.council.services.minutes_labels import LABELS

DEMO = Path(__file__).resolve().parents[1] / "demo"


def test_the_minutes_use_the_wording_minutes_are_written_in() -> None:
    # Checked as the minutes print them: each heading followed by a colon.
    headings = "\n".join(f"{value}:" for labels in LABELS.values() for value in labels.values())
    assert not violations(headings), violations(headings)
    kk = LABELS["kk"]
    assert (kk["decided"], kk["vote_against"], kk["signatures"], kk["place"]) == (
        "ШЕШТІ",
        "Қарсы",
        "Қолтаңбалар",
        "Өткізу орны",
    )


def test_the_demo_data_uses_no_forbidden_variant() -> None:
    found = {
        path.name: problems
        for path in sorted(DEMO.glob("*.py"))
        if (problems := violations(path.read_text(encoding="utf-8")))
    }
    assert not found, found
