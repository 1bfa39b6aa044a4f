"""The forbidden variants of docs/glossary.md, read from its table, for the tests that hold the
catalogue, the minutes and the demo data to it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[3] / "docs" / "glossary.md"
MARKER = "<!-- forbidden-terms"
ROW = re.compile(r"^\| (kk|ru) \| `(.+?)` \| (.+?) \|")


@dataclass(frozen=True)
class Forbidden:
    language: str
    pattern: re.Pattern[str]
    instead: str


def forbidden_terms() -> list[Forbidden]:
    """The rows of the glossary's table of forbidden variants."""
    text = GLOSSARY.read_text(encoding="utf-8")
    rows = []
    for line in text[text.index(MARKER) :].splitlines():
        found = ROW.match(line)
        if found:
            language, pattern, instead = found.groups()
            rows.append(Forbidden(language, re.compile(pattern, re.IGNORECASE), instead))
    return rows


def violations(text: str, languages: tuple[str, ...] = ("kk", "ru")) -> list[str]:
    """Each forbidden variant `text` uses, with what to use instead."""
    return [
        f"{term.pattern.pattern!r} (use: {term.instead})"
        for term in forbidden_terms()
        if term.language in languages and term.pattern.search(text)
    ]
